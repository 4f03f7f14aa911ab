"""Insights: the pulse's background work. One hourly periodic task, kept going as meetings'
periodic tasks are (it queues its next run before any work), that tells each circle's members
when a new pulse period opens; `start_periodic_tasks` queues it at every start of the worker (it
finds it in PERIODIC_TASKS, through the package's `__init__`). Running it twice tells no one
twice: each notice carries a key per circle, period and member."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from roundtable.insights.services.pulses import pulse_open_notify
from roundtable.meetings.tasks import periodic_next, periodic_prune

# Hourly: a period opens on a Monday in each circle's time zone; members hear within the hour.
PULSE_CHECK_EVERY = dt.timedelta(hours=1)


@task()
def pulse_open_notify_task() -> int:
    periodic_next(pulse_open_notify_task, every=PULSE_CHECK_EVERY)
    periodic_prune(pulse_open_notify_task)
    return pulse_open_notify(now=timezone.now())


PERIODIC_TASKS: tuple[object, ...] = (pulse_open_notify_task,)
