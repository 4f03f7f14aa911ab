"""Insights' weekly email of at-risk flags: a periodic task plans each coordinator's and sponsor's
Monday row (services/digest.py); the notifications worker sends it. Kept going as meetings'
periodic tasks are (it queues its next run before any work); running it twice plans nothing
twice (one row per person and Monday)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from roundtable.insights.services.digest import health_digest_plan
from roundtable.meetings.tasks import periodic_next, periodic_prune

# Rows are planned up to a day ahead of each person's Monday 08:00; a quarter of an hour keeps
# a late change of flags (or of time zone) within reach of that morning.
HEALTH_DIGEST_PLAN_EVERY = dt.timedelta(minutes=15)


@task()
def health_digest_plan_task() -> int:
    periodic_next(health_digest_plan_task, every=HEALTH_DIGEST_PLAN_EVERY)
    periodic_prune(health_digest_plan_task)
    return health_digest_plan()


# What `start_periodic_tasks` (in meetings, below this app) queues for this app.
PERIODIC_TASKS = (health_digest_plan_task,)
