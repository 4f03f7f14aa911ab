"""Background work for meetings: keep every schedule's rolling horizon filled and carry
unfinished agenda items forward; and how periodic tasks keep going. A periodic task queues its
next run before it does any work, so a worker killed in the middle (SIGKILL, power loss) leaves
the next run waiting for any worker; a run marked RUNNING by a dead worker blocks nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks_db.models import DBTaskResult

from roundtable.meetings.services import meetings_roll_forward

ROLL_FORWARD_EVERY = dt.timedelta(minutes=15)
KEEP_FINISHED_RUNS = dt.timedelta(days=1)


@task()
def meetings_roll_forward_task() -> int:
    periodic_next(meetings_roll_forward_task, every=ROLL_FORWARD_EVERY)
    periodic_prune(meetings_roll_forward_task)
    return meetings_roll_forward()


def _waiting(periodic_task: Any) -> Any:
    # Only READY runs count: a RUNNING one may belong to a worker that was killed, and a live
    # one has queued its successor (READY) before doing anything else.
    return DBTaskResult.objects.filter(task_path=periodic_task.module_path, status="READY")


def periodic_next(periodic_task: Any, *, every: dt.timedelta) -> bool:
    """Queue the task's next run `every` from now, unless a run is already waiting. True if
    queued. Backends that run tasks at once (the tests') cannot defer: nothing is queued."""
    if not default_task_backend.supports_defer or _waiting(periodic_task).exists():
        return False
    periodic_task.using(run_after=timezone.now() + every).enqueue()
    return True


def periodic_ensure_scheduled(periodic_task: Any) -> bool:
    """Queue a run now unless one is waiting (`start_periodic_tasks`, at every start of the
    worker). A RUNNING run left by a dead worker does not count. True if queued."""
    if default_task_backend.supports_defer and _waiting(periodic_task).exists():
        return False
    periodic_task.enqueue()
    return True


def periodic_prune(periodic_task: Any, *, now: dt.datetime | None = None) -> int:
    """Delete the task's runs that ended, or were left RUNNING by a dead worker, more than a day
    ago (a tick every few seconds would otherwise pile up rows). Returns how many."""
    before = (now or timezone.now()) - KEEP_FINISHED_RUNS
    deleted, _ = (
        DBTaskResult.objects.filter(task_path=periodic_task.module_path)
        .exclude(status="READY")
        .filter(enqueued_at__lt=before)
        .delete()
    )
    return deleted
