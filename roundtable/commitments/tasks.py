"""Background work for commitments: plan the nudges' reminder and nudge rows, and the weekly
emails. It runs every NUDGES_PLAN_EVERY, kept going as meetings' periodic tasks are (it queues
its next run before any work), and `start_periodic_tasks` queues it at every start of the worker
(it finds it in PERIODIC_TASKS below). Running it twice, or on two workers at once, plans no row
twice: the rows are unique."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from roundtable.commitments.services.nudges import nudges_plan, nudges_weekly_plan
from roundtable.meetings.tasks import periodic_next, periodic_prune

# Nudges: reminders are planned days ahead, and every date set or moved is planned at once by its
# service (nudges_replan); this catches what is new within the horizon and the weekly emails.
NUDGES_PLAN_EVERY = dt.timedelta(minutes=5)


@task()
def nudges_plan_task() -> int:
    periodic_next(nudges_plan_task, every=NUDGES_PLAN_EVERY)
    periodic_prune(nudges_plan_task)
    return nudges_plan() + nudges_weekly_plan()


# What `start_periodic_tasks` (in meetings, below this app) queues for this app.
PERIODIC_TASKS = (nudges_plan_task,)
