"""Make sure the periodic meeting work is queued for the worker (run by `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from roundtable.meetings.tasks import roll_forward_ensure_scheduled


class Command(BaseCommand):
    help = "Queue the periodic meetings task unless one is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        if roll_forward_ensure_scheduled():
            self.stdout.write("Queued the periodic meetings task.")
