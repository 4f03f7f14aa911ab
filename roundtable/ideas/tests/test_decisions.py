"""Decisions: only the allowed steps, each with a rationale; a refusal changes nothing; the
circle and a named idea's author are told (an anonymous idea's circle, with the day only); who
may decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from roundtable.circles.services import circle_remove_member
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Decision, Idea, Stage, Trial
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.trials import trial_outcome_record, trial_start
from roundtable.ideas.stages import TRANSITIONS
from roundtable.ideas.tests.decision_factories import idea_create, newcomer
from roundtable.meetings.models import Meeting
from roundtable.notifications.models import Notice
from roundtable.testing.personas import PERSONA_NAMES

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
ALLOWED = [(a, b) for a, steps in TRANSITIONS.items() for b in steps if b != Stage.TRIAL]
REFUSED = [(a, b) for a in Stage.values for b in Stage.values if a != b and b not in TRANSITIONS[a]]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _on_trial_with_outcome(personas, idea: Idea) -> Trial:
    """Put the idea (discussing) on trial and record a met outcome."""
    trial = trial_start(
        idea=idea,
        by=personas.members["lead"],
        rationale="Cheap to try for a month.",
        owner=personas.members["member"],
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 3, 31),
        measure="Five customers buy again.",
        review_on=dt.date(2027, 4, 2),
    )
    return trial_outcome_record(
        trial=trial, by=personas.members["member"], result="met", outcome="Seven bought again."
    )


def test_transitions_are_the_documented_ones():
    assert TRANSITIONS == {
        "proposed": ("discussing",),
        "discussing": ("trial", "adopted", "set_aside"),
        "trial": ("adopted", "set_aside", "discussing"),
        "set_aside": ("discussing",),
        "adopted": (),
    }


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_an_allowed_step_is_recorded_with_its_rationale(personas, from_stage, to_stage):
    idea = idea_create(circle=personas.circle, stage=from_stage)
    if from_stage == Stage.TRIAL:
        Trial.objects.create(
            idea=idea,
            owner=personas.members["member"],
            starts_on=dt.date(2027, 2, 1),
            ends_on=dt.date(2027, 2, 28),
            measure="Five customers buy again.",
            review_on=dt.date(2027, 3, 1),
            result="partly",
            outcome="Three did.",
        )
    lead = personas.members["lead"]
    decision = idea_decide(
        idea=idea, to_stage=to_stage, rationale="  Because we agreed.  ", by=lead
    )
    idea.refresh_from_db()
    assert idea.stage == to_stage
    assert (decision.from_stage, decision.to_stage) == (from_stage, to_stage)
    assert decision.rationale == "Because we agreed."
    assert (decision.decided_by, decision.decided_at) == (lead, NOW)


@pytest.mark.parametrize(("from_stage", "to_stage"), REFUSED)
def test_a_step_not_allowed_is_refused_and_changes_nothing(personas, from_stage, to_stage):
    idea = idea_create(circle=personas.circle, stage=from_stage)
    with pytest.raises(DomainError, match=r"cannot move to|A trial needs"):
        idea_decide(idea=idea, to_stage=to_stage, rationale="Why not.", by=personas.members["lead"])
    idea.refresh_from_db()
    assert idea.stage == from_stage
    assert not Decision.objects.exists()


def test_the_refusal_names_the_steps_that_are_allowed(personas):
    idea = idea_create(circle=personas.circle)
    with pytest.raises(DomainError) as refused:
        idea_decide(idea=idea, to_stage="adopted", rationale="Go.", by=personas.members["lead"])
    assert refused.value.message == (
        "An idea that is “Proposed” cannot move to “Adopted”; it can move to “Discussing”."
    )


@pytest.mark.parametrize("rationale", ["", "   ", "\u200b\u200b", "\n\t"])
def test_a_decision_without_rationale_is_refused(personas, rationale):
    idea = idea_create(circle=personas.circle)
    with pytest.raises(DomainError, match="Give the rationale") as refused:
        idea_decide(
            idea=idea, to_stage="discussing", rationale=rationale, by=personas.members["lead"]
        )
    assert refused.value.field == "rationale"
    idea.refresh_from_db()
    assert idea.stage == Stage.PROPOSED
    assert not Decision.objects.exists()
    assert not Notice.objects.exists()


def test_moving_to_trial_needs_the_trial_plan(personas):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    with pytest.raises(DomainError, match="A trial needs an owner"):
        idea_decide(idea=idea, to_stage="trial", rationale="Try it.", by=personas.members["lead"])
    assert not Decision.objects.exists()


def test_a_trial_ends_in_a_decision_only_once_its_outcome_is_recorded(personas):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    trial = trial_start(
        idea=idea,
        by=personas.members["lead"],
        rationale="Cheap to try.",
        owner=personas.members["member"],
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 3, 31),
        measure="Five customers buy again.",
        review_on=dt.date(2027, 4, 2),
    )
    with pytest.raises(DomainError, match="Record the trial's outcome"):
        idea_decide(idea=idea, to_stage="adopted", rationale="Works.", by=personas.members["lead"])
    idea.refresh_from_db()
    assert idea.stage == Stage.TRIAL
    trial_outcome_record(trial=trial, by=personas.members["member"], result="met", outcome="7.")
    idea_decide(idea=idea, to_stage="adopted", rationale="Works.", by=personas.members["lead"])
    idea.refresh_from_db()
    assert idea.stage == Stage.ADOPTED


def test_an_idea_is_tried_once(personas):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    _on_trial_with_outcome(personas, idea)
    idea_decide(
        idea=idea, to_stage="discussing", rationale="Talk again.", by=personas.members["lead"]
    )
    with pytest.raises(DomainError, match="tried once"):
        trial_start(
            idea=idea,
            by=personas.members["lead"],
            rationale="Again.",
            owner=personas.members["lead"],
            starts_on=dt.date(2027, 4, 1),
            ends_on=dt.date(2027, 4, 30),
            measure="More customers buy again.",
            review_on=dt.date(2027, 5, 2),
        )
    assert Trial.objects.get().starts_on == dt.date(2027, 3, 1)
    assert Decision.objects.count() == 2


def test_a_withdrawn_idea_takes_no_decision(personas):
    idea = idea_create(circle=personas.circle)
    Idea.objects.filter(pk=idea.pk).update(withdrawn=True)
    idea.refresh_from_db()
    with pytest.raises(DomainError, match="withdrawn"):
        idea_decide(idea=idea, to_stage="discussing", rationale="Go.", by=personas.members["lead"])
    assert not Decision.objects.exists()


def test_a_stale_idea_cannot_be_decided_twice_from_the_same_stage(personas):
    """Two leads' pages loaded the idea as discussing; the second decision sees the first."""
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    stale = Idea.objects.get(pk=idea.pk)
    idea_decide(idea=idea, to_stage="adopted", rationale="Works.", by=personas.members["lead"])
    with pytest.raises(DomainError, match="cannot move to"):
        idea_decide(
            idea=stale, to_stage="set_aside", rationale="No.", by=personas.members["coordinator"]
        )
    assert Decision.objects.get().to_stage == "adopted"


def test_a_decision_records_the_meeting_of_this_circle_only(personas):
    idea = idea_create(circle=personas.circle)
    starts = NOW + dt.timedelta(days=1)
    ours = Meeting.objects.create(circle=personas.circle, starts_at=starts, duration_minutes=60)
    theirs = Meeting.objects.create(
        circle=personas.other_circle, starts_at=starts, duration_minutes=60
    )
    with pytest.raises(DomainError, match="not one of this circle's"):
        idea_decide(
            idea=idea, to_stage="discussing", rationale="Go.", by=personas.members["lead"],
            meeting=theirs,
        )  # fmt: skip
    decision = idea_decide(
        idea=idea, to_stage="discussing", rationale="Go.", by=personas.members["lead"], meeting=ours
    )
    assert decision.meeting == ours


# --- who is told --------------------------------------------------------------------------


def _told(kind: str = "idea_decided") -> dict[str, Notice]:
    return {
        n.member.name: n for n in Notice.objects.filter(kind=kind).select_related("member__user")
    }


def test_a_named_ideas_author_and_the_circle_are_told_but_not_the_decider(personas):
    author = newcomer(personas.circle, "Ada Author")
    circle_remove_member(circle=personas.circle, member=author)  # told wherever they are now
    idea = idea_create(circle=personas.circle, author=author, summary="Call them back")
    idea_decide(
        idea=idea, to_stage="discussing", rationale="Worth a talk.", by=personas.members["lead"]
    )
    told = _told()
    assert sorted(told) == ["Ada Author", "Member Persona"]
    notice = told["Ada Author"]
    assert notice.title == "“Call them back”: discussing"
    assert notice.body == "Worth a talk."
    assert notice.url == f"/ideas/{idea.pk}/"
    assert notice.created_at == NOW


def test_an_anonymous_ideas_circle_is_told_with_the_day_only(personas):
    idea = idea_create(circle=personas.circle, anonymous=True)
    idea_decide(
        idea=idea,
        to_stage="discussing",
        rationale="Worth a talk.",
        by=personas.members["coordinator"],
    )
    told = _told()
    assert sorted(told) == ["Lead Persona", "Member Persona"]
    assert {(n.created_on, n.created_at) for n in told.values()} == {(NOW.date(), None)}


# --- who may decide -------------------------------------------------------------------------

DECIDERS = {"admin", "coordinator", "lead"}


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_who_may_decide(personas, name):
    assert permissions.can_decide_idea(personas.user(name), personas.circle) == (name in DECIDERS)


def test_the_lead_of_another_circle_may_not_decide_here(personas):
    peer = personas.other_circle.lead
    assert permissions.can_decide_idea(peer.user, personas.other_circle)
    assert not permissions.can_decide_idea(peer.user, personas.circle)
