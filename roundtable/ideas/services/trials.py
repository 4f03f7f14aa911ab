"""Trials: moving an idea to trial records the decision and the trial's plan together (an owner
from the circle, a period, a measure of success and a review date); the circle is reminded on the
review date and records the outcome against the measure, after which the lead adopts the idea or
sets it aside."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.ideas.models import Idea, Stage, Trial
from roundtable.ideas.services import notify
from roundtable.ideas.services.decisions import decision_record, text_field
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member
from roundtable.programs.services import planning_window_check

MEASURE_MAX_CHARS = 2000
OUTCOME_MAX_CHARS = 5000
# A review the worker missed (it was down that day) is still announced for this long after.
REVIEW_REMINDER_GRACE = dt.timedelta(days=7)


@transaction.atomic
def trial_start(
    *,
    idea: Idea,
    by: Member,
    rationale: str,
    owner: Member,
    starts_on: dt.date,
    ends_on: dt.date,
    measure: str,
    review_on: dt.date,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> Trial:
    """Move the idea to trial: the decision and the trial are recorded together or not at all.
    The circle is told as for any decision, and the owner that the trial is theirs."""
    now = now or timezone.now()
    measure = text_field(
        measure,
        field="measure",
        blank="Say how the trial's success will be measured.",
        limit=MEASURE_MAX_CHARS,
    )
    if ends_on < starts_on:
        raise DomainError("The trial must end on or after the day it starts.", field="ends_on")
    if review_on < starts_on:
        raise DomainError(
            "The review date must be on or after the day the trial starts.", field="review_on"
        )
    organization = idea.circle.program.organization
    today = timezone.localdate(now, ZoneInfo(idea.circle.time_zone))
    for value, field, what in (
        (starts_on, "starts_on", "The start"),
        (ends_on, "ends_on", "The end"),
        (review_on, "review_on", "The review"),
    ):
        planning_window_check(
            organization=organization, value=value, field=field, what=what, today=today
        )
    if not idea.circle.memberships.filter(member=owner, left_on__isnull=True).exists():
        raise DomainError(
            f"{owner.name} is not in {idea.circle}: the trial's owner must be.", field="owner"
        )
    locked, decision = decision_record(
        idea=idea, to_stage=Stage.TRIAL, rationale=rationale, by=by, meeting=meeting, now=now
    )
    trial = Trial.objects.create(
        idea=locked,
        owner=owner,
        starts_on=starts_on,
        ends_on=ends_on,
        measure=measure,
        review_on=review_on,
    )
    notify.idea_decided(decision=decision, trial=trial)
    return trial


@transaction.atomic
def trial_outcome_record(
    *, trial: Trial, by: Member, result: str, outcome: str, now: dt.datetime | None = None
) -> Trial:
    """Record (or correct, until the decision that ends the trial) how the trial went against
    its measure."""
    now = now or timezone.now()
    if result not in Trial.Result.values:
        raise DomainError("Say whether the trial met its measure.", field="result")
    outcome = text_field(
        outcome,
        field="outcome",
        blank="Say what happened against the measure: the outcome needs words.",
        limit=OUTCOME_MAX_CHARS,
    )
    idea = Idea.objects.select_for_update().get(pk=trial.idea_id)
    if idea.stage != Stage.TRIAL:
        raise DomainError(
            f"The trial is over: the idea is now “{idea.get_stage_display()}”.", field="outcome"
        )
    trial.result, trial.outcome, trial.outcome_by = result, outcome, by
    trial.outcome_recorded_on = timezone.localdate(now, ZoneInfo(idea.circle.time_zone))
    trial.save(
        update_fields=["result", "outcome", "outcome_by", "outcome_recorded_on", "updated_at"]
    )
    figures_changed(idea.circle.program_id)
    return trial


def trials_due_for_review(*, now: dt.datetime) -> list[Trial]:
    """Trials still running whose review date has come in their circle's time zone (or came in
    the last week, for a worker that was down), outcome not yet recorded."""
    latest = (now + dt.timedelta(days=1)).date()  # no time zone is more than a day ahead of UTC
    earliest = (now - REVIEW_REMINDER_GRACE - dt.timedelta(days=1)).date()
    candidates = Trial.objects.filter(
        idea__stage=Stage.TRIAL, result="", review_on__range=(earliest, latest)
    ).select_related("idea__circle")
    due = []
    for trial in candidates:
        today = timezone.localdate(now, ZoneInfo(trial.idea.circle.time_zone))
        if today - REVIEW_REMINDER_GRACE <= trial.review_on <= today:
            due.append(trial)
    return due


def trial_reviews_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the circle of every trial whose review date has come; each member once per trial
    (the notice's dedupe key), however often this runs. Returns how many trials were due."""
    now = now or timezone.now()
    due = trials_due_for_review(now=now)
    for trial in due:
        notify.trial_review_due(trial=trial, now=now)
    return len(due)
