"""The notification tick with the database task backend, as `db_worker` runs it: a tick killed
in the middle (SIGKILL) has already queued the next one, so sending goes on without it."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from roundtable.meetings.tasks import ROLL_FORWARD_EVERY, meetings_roll_forward_task
from roundtable.notifications.tasks import TICK_EVERY, notifications_tick_task

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Killed(BaseException):
    """What SIGKILL does to a tick: it stops where it is, nothing after it runs."""


def _waiting(periodic_task) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=periodic_task.module_path, status="READY"))


@override_settings(TASKS=DB_TASKS)
def test_a_tick_killed_while_sending_leaves_the_next_tick_queued(personas):
    run = DBTaskResult.objects.get(pk=notifications_tick_task.enqueue().id)
    run.claim("worker-1")  # db_worker took it; then the worker is killed mid-send
    now = timezone.now()
    with (
        mock.patch("roundtable.notifications.tasks.notifications_send_due", side_effect=Killed),
        pytest.raises(Killed),
    ):
        notifications_tick_task.call()
    (tick,) = _waiting(notifications_tick_task)
    assert tick.run_after == now + TICK_EVERY
    # The frequent tick also keeps the meetings' horizon task going.
    (roll,) = _waiting(meetings_roll_forward_task)
    assert roll.run_after == now + ROLL_FORWARD_EVERY


@override_settings(TASKS=DB_TASKS)
def test_ticks_keep_one_successor(personas, frozen_clock):
    for _ in range(3):
        notifications_tick_task.call()
        frozen_clock.shift(dt.timedelta(seconds=15))
    assert len(_waiting(notifications_tick_task)) == 1
