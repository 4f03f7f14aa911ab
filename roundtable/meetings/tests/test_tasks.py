"""The periodic meeting task (tasks.py) and the command that queues it; how periodic tasks keep
going when a worker is killed in the middle of one (with the database task backend)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from roundtable.meetings import services
from roundtable.meetings.tasks import (
    ROLL_FORWARD_EVERY,
    meetings_roll_forward_task,
    periodic_prune,
)

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)


def test_roll_forward_task_refills_the_horizon(personas):
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1),
    )
    personas.circle.meetings.all().delete()
    result = meetings_roll_forward_task.enqueue()
    assert result.return_value == 12
    assert personas.circle.meetings.count() == 12


# --- periodic tasks survive a worker killed in the middle ----------------------------------

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Killed(BaseException):
    """What SIGKILL does to a tick: it stops where it is, nothing after it runs."""


def _runs(status: str) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=meetings_roll_forward_task.module_path, status=status)
    )


def _claimed_by_a_worker() -> DBTaskResult:
    """A queued run, taken by a worker as db_worker does (status RUNNING)."""
    run = DBTaskResult.objects.get(pk=meetings_roll_forward_task.enqueue().id)
    run.claim("worker-1")
    return run


@override_settings(TASKS=DB_TASKS)
def test_a_run_killed_in_the_middle_has_already_queued_the_next(personas):
    _claimed_by_a_worker()
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch("roundtable.meetings.tasks.meetings_roll_forward", side_effect=Killed),
        pytest.raises(Killed),
    ):
        meetings_roll_forward_task.call()
    (waiting,) = _runs("READY")
    assert waiting.run_after == NOW + ROLL_FORWARD_EVERY


@override_settings(TASKS=DB_TASKS)
def test_one_next_run_however_many_runs_end(personas):
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            meetings_roll_forward_task.call()
    assert len(_runs("READY")) == 1


@override_settings(TASKS=DB_TASKS)
def test_start_periodic_tasks_is_not_fooled_by_a_run_left_running_by_a_dead_worker(personas):
    _claimed_by_a_worker()  # its worker was killed: RUNNING for ever
    out = StringIO()
    call_command("start_periodic_tasks", stdout=out)
    assert f"Queued {meetings_roll_forward_task.name}." in out.getvalue()
    assert len(_runs("READY")) == 1
    call_command("start_periodic_tasks", stdout=StringIO())  # a second start adds nothing
    assert len(_runs("READY")) == 1


@override_settings(TASKS=DB_TASKS)
def test_old_runs_are_pruned_but_never_the_waiting_one(personas):
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        _claimed_by_a_worker()  # left RUNNING by a dead worker two days ago
        meetings_roll_forward_task.enqueue()  # still waiting
    with time_machine.travel(NOW, tick=False):
        recent = _claimed_by_a_worker()
        assert periodic_prune(meetings_roll_forward_task) == 1
    assert {run.pk for run in _runs("RUNNING")} == {recent.pk}
    assert len(_runs("READY")) == 1
