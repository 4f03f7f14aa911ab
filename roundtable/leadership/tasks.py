"""Background work for the lead's toolkit: the prompts people asked for, sent when their day
comes: a lead's reflection revisit (at the cadence they chose), a support plan's review date, a
working agreement's revisit. One hourly periodic task, kept going as meetings' periodic tasks are
(it queues its next run before any work); `start_periodic_tasks` queues it at every start of the
worker (it finds it in PERIODIC_TASKS below). Running it twice tells no one twice: each prompt
carries its notice's dedupe key."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from roundtable.leadership.services.agreements import agreements_revisit_remind
from roundtable.leadership.services.reflections import reflections_prompt_due
from roundtable.leadership.services.support_plans import support_reviews_remind
from roundtable.meetings.tasks import periodic_next, periodic_prune

# Hourly: each prompt is due on a day, and is sent within the hour that day starts.
PROMPT_CHECK_EVERY = dt.timedelta(hours=1)


@task()
def leadership_prompts_task() -> int:
    periodic_next(leadership_prompts_task, every=PROMPT_CHECK_EVERY)
    periodic_prune(leadership_prompts_task)
    now = timezone.now()
    return (
        reflections_prompt_due(now=now)
        + support_reviews_remind(now=now)
        + agreements_revisit_remind(now=now)
    )


# What `start_periodic_tasks` (in meetings, below this app) queues for this app.
PERIODIC_TASKS = (leadership_prompts_task,)
