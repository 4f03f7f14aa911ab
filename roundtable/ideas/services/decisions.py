"""Decisions: an idea moves proposed → discussing → trial → adopted or set aside, one allowed
step at a time, each with the rationale it requires; the circle (and a named idea's author) is
told. Moving to trial is `trials.trial_start`, which records the decision and the trial together.
Who may decide is the policy's `can_decide_idea`, asked by the pages."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.core.text import text_clean
from roundtable.ideas.models import Decision, Idea, Stage, Trial
from roundtable.ideas.services import notify
from roundtable.ideas.stages import step_refusal
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

RATIONALE_MAX_CHARS = 5000


def text_field(value: str, *, field: str, blank: str, limit: int, required: bool = True) -> str:
    """`value` stripped and NFC-normalised, or a DomainError on `field`: `blank` when it is
    required and shows nothing, and a readable reason for control characters or length."""
    try:
        value = text_clean(value, required=required).strip()
    except ValueError as exc:
        raise DomainError(
            blank if "blank" in str(exc) else f"This text {exc}.", field=field
        ) from exc
    if len(value) > limit:
        raise DomainError(f"Keep it to {limit:,} characters (it has {len(value):,}).", field=field)
    return value


def decision_record(
    *,
    idea: Idea,
    to_stage: str,
    rationale: str,
    by: Member,
    meeting: Meeting | None,
    now: dt.datetime,
) -> tuple[Idea, Decision]:
    """Check and record one step (the caller holds a transaction). The idea's row is locked and
    read again, so two decisions made at once cannot both start from the same stage."""
    rationale = text_field(
        rationale,
        field="rationale",
        blank="Give the rationale for this decision: why the idea moves on.",
        limit=RATIONALE_MAX_CHARS,
    )
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    trial = Trial.objects.filter(idea=locked).first()
    refusal = step_refusal(idea=locked, to_stage=to_stage, trial=trial)
    if refusal:
        raise DomainError(refusal, field="to_stage")
    if meeting is not None and meeting.circle_id != locked.circle_id:
        raise DomainError("That meeting is not one of this circle's.", field="meeting")
    decision = Decision.objects.create(
        idea=locked,
        from_stage=locked.stage,
        to_stage=to_stage,
        rationale=rationale,
        decided_by=by,
        decided_at=now,
        meeting=meeting,
    )
    locked.stage = to_stage
    locked.save(update_fields=["stage"])
    idea.stage = to_stage
    figures_changed(locked.circle.program_id)  # the funnel: on trial, adopted, set aside
    return locked, decision


@transaction.atomic
def idea_decide(
    *,
    idea: Idea,
    to_stage: str,
    rationale: str,
    by: Member,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> Decision:
    """Move the idea one allowed step, with its rationale; the circle is told. To
    start a trial, use `trial_start` (a trial needs its owner, period and measure)."""
    if to_stage == Stage.TRIAL:
        raise DomainError(
            "A trial needs an owner, a period, a measure of success and a review date.",
            field="to_stage",
        )
    now = now or timezone.now()
    _, decision = decision_record(
        idea=idea, to_stage=to_stage, rationale=rationale, by=by, meeting=meeting, now=now
    )
    notify.idea_decided(decision=decision)
    return decision
