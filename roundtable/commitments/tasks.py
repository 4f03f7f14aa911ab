"""Background work for commitments: plan the nudges' reminder and nudge rows and the weekly
emails, and tell each sponsor of the escalations whose owner's period has passed. Each runs on its
own interval, kept going as meetings' periodic tasks are (it queues its next run before any work),
and `start_periodic_tasks` queues them at every start of the worker (it finds them in
PERIODIC_TASKS below). Running one twice, or on two workers at once, does nothing twice: nudge
rows are unique, and each sponsor's notice carries its dedupe key."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from roundtable.commitments.services.escalations import escalations_sponsor_tell
from roundtable.commitments.services.nudges import nudges_plan, nudges_weekly_plan
from roundtable.meetings.tasks import periodic_next, periodic_prune

# An owner's period ends at the minute it was raised, some working days later: the sponsor hears
# within a quarter of an hour.
SPONSOR_CHECK_EVERY = dt.timedelta(minutes=15)


@task()
def escalations_sponsor_tell_task() -> int:
    periodic_next(escalations_sponsor_tell_task, every=SPONSOR_CHECK_EVERY)
    periodic_prune(escalations_sponsor_tell_task)
    return escalations_sponsor_tell()


# Nudges: reminders are planned days ahead, and every date set or moved is planned at once by its
# service (nudges_replan); this catches what is new within the horizon and the weekly emails.
NUDGES_PLAN_EVERY = dt.timedelta(minutes=5)


@task()
def nudges_plan_task() -> int:
    periodic_next(nudges_plan_task, every=NUDGES_PLAN_EVERY)
    periodic_prune(nudges_plan_task)
    return nudges_plan() + nudges_weekly_plan()


# What `start_periodic_tasks` (in meetings, below this app) queues for this app.
PERIODIC_TASKS = (escalations_sponsor_tell_task, nudges_plan_task)
