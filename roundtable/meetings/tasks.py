"""Background work for meetings: keep every schedule's rolling horizon filled and carry
unfinished agenda items forward. The task reschedules itself, so one run keeps it going."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.utils import timezone
from django_tasks import default_task_backend, task

from roundtable.meetings.services import meetings_roll_forward

ROLL_FORWARD_EVERY = dt.timedelta(minutes=15)


@task()
def meetings_roll_forward_task() -> int:
    created = meetings_roll_forward()
    roll_forward_schedule_next()
    return created


def roll_forward_schedule_next() -> None:
    # Backends that run tasks at once (tests) cannot defer; they would recurse instead.
    if default_task_backend.supports_defer:
        meetings_roll_forward_task.using(run_after=timezone.now() + ROLL_FORWARD_EVERY).enqueue()


def periodic_ensure_scheduled(periodic_task: Any) -> bool:
    """Enqueue a self-rescheduling task unless a run is already waiting. True if enqueued."""
    if apps.is_installed("django_tasks_db"):
        # Only importable when the database task backend is installed (not in the tests).
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            task_path=periodic_task.module_path, status__in=["READY", "RUNNING"]
        )
        if waiting.exists():
            return False
    periodic_task.enqueue()
    return True
