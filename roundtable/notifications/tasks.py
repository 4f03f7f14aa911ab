"""The notification worker loop: plan rows for coming meetings and send what is due, every
minute. The task reschedules itself; `start_periodic_tasks` queues the first run."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.utils import timezone
from django_tasks import default_task_backend, task

from roundtable.notifications.services import notifications_plan, notifications_send_due

TICK_EVERY = dt.timedelta(minutes=1)


@task()
def notifications_tick_task() -> int:
    notifications_plan()
    sent = notifications_send_due(worker=f"{socket.gethostname()}:{os.getpid()}")
    if default_task_backend.supports_defer:
        notifications_tick_task.using(run_after=timezone.now() + TICK_EVERY).enqueue()
    return sent
