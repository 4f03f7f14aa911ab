"""The notification worker's tick: plan rows for coming meetings and the morning digests of
notices, and send what is due, every TICK_EVERY. Each tick queues its successor before it does
any work, so a worker killed in the middle of a tick leaves the next one waiting for any worker
(see meetings.tasks)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from roundtable.meetings.tasks import (
    ROLL_FORWARD_EVERY,
    meetings_roll_forward_task,
    periodic_next,
    periodic_prune,
)
from roundtable.notifications.digest import notice_digests_plan
from roundtable.notifications.services import (
    notifications_plan,
    notifications_send_due,
    worker_name,
)

TICK_EVERY = dt.timedelta(seconds=15)
# A tick sends for at most this long; with a backlog the next tick starts meanwhile on another
# worker, so every worker sends, and none is busy long enough to hold up other tasks.
SEND_FOR_SECONDS = 30.0
WORKER = worker_name()  # this process, in the claims it makes


@task()
def notifications_tick_task() -> int:
    periodic_next(notifications_tick_task, every=TICK_EVERY)
    # The frequent tick also watches the rare one (kept going by the same means).
    periodic_next(meetings_roll_forward_task, every=ROLL_FORWARD_EVERY)
    periodic_prune(notifications_tick_task)
    notifications_plan()
    notice_digests_plan()
    return notifications_send_due(worker=WORKER, seconds=SEND_FOR_SECONDS)
