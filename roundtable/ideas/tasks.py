"""Background work for ideas: remind each circle of the trials whose review date has come. It
runs every REVIEW_CHECK_EVERY, kept going as meetings' periodic tasks are (it queues its next run
before any work), and `start_periodic_tasks` queues it at every start of the worker (it finds it
in PERIODIC_TASKS below). Running it twice, or on two workers at once, tells no one twice: each
reminder carries the notice's dedupe key."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from roundtable.ideas.services.trials import trial_reviews_remind
from roundtable.meetings.tasks import periodic_next, periodic_prune

# Hourly: a review date is a day, and a circle hears of it within the hour its day starts.
REVIEW_CHECK_EVERY = dt.timedelta(hours=1)


@task()
def trial_reviews_remind_task() -> int:
    periodic_next(trial_reviews_remind_task, every=REVIEW_CHECK_EVERY)
    periodic_prune(trial_reviews_remind_task)
    return trial_reviews_remind()


# What `start_periodic_tasks` (in meetings, below this app) queues for this app.
PERIODIC_TASKS = (trial_reviews_remind_task,)
