"""Make sure the periodic meeting work is queued for the worker (run by `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from roundtable.meetings.tasks import meetings_roll_forward_task, periodic_ensure_scheduled
from roundtable.notifications.tasks import notifications_tick_task


class Command(BaseCommand):
    help = "Queue the periodic tasks (meetings horizon, notifications) unless already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        for periodic in (meetings_roll_forward_task, notifications_tick_task):
            if periodic_ensure_scheduled(periodic):
                self.stdout.write(f"Queued {periodic.name}.")
