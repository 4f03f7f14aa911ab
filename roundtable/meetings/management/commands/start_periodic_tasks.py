"""Make sure the periodic work is queued for the worker: run before every start of a worker
(`make run` does). Only a waiting (READY) run counts: one left RUNNING by a worker that was
killed does not, so a restart after a crash queues the work again."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from roundtable.meetings.tasks import meetings_roll_forward_task, periodic_ensure_scheduled
from roundtable.notifications.tasks import notifications_tick_task


def periodic_tasks_of_other_apps() -> list[Any]:
    """The periodic tasks that apps above meetings (ideas) list in their tasks module's
    PERIODIC_TASKS. Found by app name, as the admin finds admin modules: this module may not
    import an app above it (the layers contract)."""
    found: list[Any] = []
    for app in apps.get_app_configs():
        if app.name.startswith("roundtable.") and module_has_submodule(app.module, "tasks"):
            found.extend(getattr(import_module(f"{app.name}.tasks"), "PERIODIC_TASKS", ()))
    return found


class Command(BaseCommand):
    help = (
        "Queue the periodic tasks (meetings horizon, notifications, trial reviews) unless a run "
        "is waiting; a run left RUNNING by a dead worker does not count."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        periodic_tasks = [
            meetings_roll_forward_task,
            notifications_tick_task,
            *periodic_tasks_of_other_apps(),
        ]
        unique = {periodic.module_path: periodic for periodic in periodic_tasks}
        for periodic in unique.values():
            if periodic_ensure_scheduled(periodic):
                self.stdout.write(f"Queued {periodic.name}.")
