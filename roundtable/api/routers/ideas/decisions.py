"""/api temperature check, decisions and trials of an idea."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.references import member_from_id
from roundtable.api.routers.ideas.access import acting_me, idea_for
from roundtable.api.routers.ideas.schemas import (
    DECIDERS_ONLY,
    OUTCOME_ONLY,
    VOTERS_ONLY,
    DecidedOut,
    DecisionIn,
    DecisionPanelOut,
    OutcomeIn,
    TrialOut,
    VoteIn,
    decision_out,
    panel_out,
    trial_out,
)
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Idea, Stage
from roundtable.ideas.selectors.decisions import trial_get_for_decision
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.temperature import vote_set, votes_hide, votes_reveal
from roundtable.ideas.services.trials import trial_outcome_record, trial_start
from roundtable.meetings.models import Meeting

router = Router(tags=["ideas"])


# --- temperature check and decisions ----------------------------------------------------------


@router.get(
    "/ideas/{idea_id}/decisions",
    response={200: DecisionPanelOut, READ_ERRORS: ErrorOut},
    url_name="idea_decisions",
)
def idea_decisions(request: HttpRequest, idea_id: uuid.UUID) -> DecisionPanelOut:
    """The idea's stage and the steps you may take, its decisions with their rationales, the
    temperature check (while hidden, only how many voted: the lead included), your own vote and
    its history, and the trial."""
    return panel_out(request, idea_for(request, idea_id))


@router.put(
    "/ideas/{idea_id}/vote",
    response={200: DecisionPanelOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_vote",
)
def idea_vote(request: HttpRequest, idea_id: uuid.UUID, payload: VoteIn) -> DecisionPanelOut:
    """Give or change your reading (agree, unsure, disagree) while the idea is proposed or under
    discussion; every earlier reading is kept."""
    idea = idea_for(request, idea_id, can=permissions.can_take_part_in_circle, refusal=VOTERS_ONLY)
    vote_set(idea=idea, member=acting_me(request, idea), value=payload.value, reason=payload.reason)
    return panel_out(request, idea_for(request, idea_id))


@router.post(
    "/ideas/{idea_id}/results/reveal",
    response={200: DecisionPanelOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_results_reveal",
)
def idea_results_reveal(request: HttpRequest, idea_id: uuid.UUID) -> DecisionPanelOut:
    """Show the temperature results to everyone who sees the idea."""
    idea = idea_for(request, idea_id, can=permissions.can_decide_idea, refusal=DECIDERS_ONLY)
    votes_reveal(idea=idea)
    return panel_out(request, idea_for(request, idea_id))


@router.post(
    "/ideas/{idea_id}/results/hide",
    response={200: DecisionPanelOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_results_hide",
)
def idea_results_hide(request: HttpRequest, idea_id: uuid.UUID) -> DecisionPanelOut:
    """Hide the results: everyone, you included, sees only their own vote and how many voted."""
    idea = idea_for(request, idea_id, can=permissions.can_decide_idea, refusal=DECIDERS_ONLY)
    votes_hide(idea=idea)
    return panel_out(request, idea_for(request, idea_id))


def _meeting(idea: Idea, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = Meeting.objects.filter(pk=meeting_id, circle=idea.circle).first()
    if meeting is None:
        raise DomainError("That meeting is not one of this circle's.", field="meeting_id")
    return meeting


def _trial_plan(idea: Idea, payload: DecisionIn) -> dict[str, Any]:
    needed = {
        "owner_id": "an owner",
        "starts_on": "a start",
        "ends_on": "an end",
        "review_on": "a review date",
        "measure": "a measure of success",
    }
    missing = [name for name in needed if getattr(payload, name) is None]
    if missing:
        words = [needed[name] for name in missing]
        raise DomainError(
            "A trial needs " + ", ".join(words[:-1]) + " and " * (len(words) > 1) + words[-1] + ".",
            field=missing[0],
        )
    return {
        "owner": member_from_id(
            organization=idea.circle.program.organization,
            pk=payload.owner_id or 0,
            field="owner_id",
        ),
        "starts_on": payload.starts_on,
        "ends_on": payload.ends_on,
        "review_on": payload.review_on,
        "measure": payload.measure,
    }


@router.post(
    "/ideas/{idea_id}/decisions",
    response={201: DecidedOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_decide",
)
def idea_decide_endpoint(
    request: HttpRequest, idea_id: uuid.UUID, payload: DecisionIn
) -> Status[DecidedOut]:
    """Move the idea one allowed step with its rationale (the lead, coordinators, admins):
    proposed → discussing → trial → adopted or set aside, back to discussing from a trial or
    from setting aside. To `trial`, with the trial's owner, period, measure and review date."""
    idea = idea_for(request, idea_id, can=permissions.can_decide_idea, refusal=DECIDERS_ONLY)
    me, meeting = acting_me(request, idea), _meeting(idea, payload.meeting_id)
    trial = None
    if payload.to_stage == Stage.TRIAL:
        trial = trial_start(
            idea=idea,
            by=me,
            rationale=payload.rationale,
            meeting=meeting,
            **_trial_plan(idea, payload),
        )
        decision = idea.decisions.latest("decided_at", "id")
    else:
        decision = idea_decide(
            idea=idea,
            to_stage=payload.to_stage,
            rationale=payload.rationale,
            by=me,
            meeting=meeting,
        )
    return Status(201, DecidedOut(decision=decision_out(decision), trial=trial_out(trial)))


@router.post(
    "/ideas/{idea_id}/trial/outcome",
    response={200: TrialOut, WRITE_ERRORS: ErrorOut},
    url_name="trial_outcome",
)
def trial_outcome(request: HttpRequest, idea_id: uuid.UUID, payload: OutcomeIn) -> TrialOut | None:
    """Record (or correct, until the next decision) how the trial went against its measure: its
    owner, the circle's lead, coordinators and admins."""
    user = caller(request)
    idea = idea_for(request, idea_id)
    trial = trial_get_for_decision(idea=idea)
    permission_require(
        permissions.can_record_trial_outcome(user, idea.circle, trial.owner_id), OUTCOME_ONLY
    )
    trial = trial_outcome_record(
        trial=trial, by=acting_me(request, idea), result=payload.result, outcome=payload.outcome
    )
    return trial_out(trial)
