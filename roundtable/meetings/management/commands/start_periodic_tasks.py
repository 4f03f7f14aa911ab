"""Make sure the periodic work is queued for the worker: run before every start of a worker
(`make run` does). Only a waiting (READY) run counts: one left RUNNING by a worker that was
killed does not, so a restart after a crash queues the work again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from roundtable.meetings.tasks import meetings_roll_forward_task, periodic_ensure_scheduled
from roundtable.notifications.tasks import notifications_tick_task


class Command(BaseCommand):
    help = (
        "Queue the periodic tasks (meetings horizon, notifications) unless a run is waiting; "
        "a run left RUNNING by a dead worker does not count."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for periodic in (meetings_roll_forward_task, notifications_tick_task):
            if periodic_ensure_scheduled(periodic):
                self.stdout.write(f"Queued {periodic.name}.")
