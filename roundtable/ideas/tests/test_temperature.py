"""The temperature check: votes change until the decision with their history kept; results
hidden until the lead reveals them show only a count (to everyone, the lead included); without
names in an anonymous circle, with names and reasons in a named one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from roundtable.circles.services import circle_remove_member
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Stage, TemperatureVote, TemperatureVoteChange
from roundtable.ideas.selectors.decisions import idea_decision_panel
from roundtable.ideas.selectors.ideas import idea_get_for_user
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.temperature import vote_set, votes_hide, votes_reveal
from roundtable.ideas.tests.decision_factories import circle_anonymous_set, idea_create, newcomer

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


@pytest.fixture
def idea(personas):
    return idea_create(circle=personas.circle, author=personas.members["member"])


def test_a_changed_vote_keeps_the_earlier_reading(personas, idea, frozen_clock):
    member = personas.members["member"]
    vote_set(idea=idea, member=member, value="unsure", reason="Calls take time")
    frozen_clock.shift(dt.timedelta(hours=2))
    vote_set(idea=idea, member=member, value="agree", reason="Heard the pilot went well")

    vote = TemperatureVote.objects.get(idea=idea, member=member)
    assert (vote.value, vote.reason) == ("agree", "Heard the pilot went well")
    (earlier,) = TemperatureVoteChange.objects.filter(vote=vote)
    assert (earlier.value, earlier.reason) == ("unsure", "Calls take time")
    assert earlier.changed_at == NOW + dt.timedelta(hours=2)


def test_the_same_vote_again_adds_no_history(personas, idea):
    member = personas.members["member"]
    vote_set(idea=idea, member=member, value="agree", reason="Yes")
    vote_set(idea=idea, member=member, value="agree", reason="  Yes ")
    assert not TemperatureVoteChange.objects.exists()


@pytest.mark.parametrize("stage", [Stage.TRIAL, Stage.ADOPTED, Stage.SET_ASIDE])
def test_votes_are_frozen_once_the_idea_leaves_discussion(personas, stage):
    member = personas.members["member"]
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    vote_set(idea=idea, member=member, value="agree")
    idea.stage = stage
    idea.save()

    with pytest.raises(DomainError, match="Voting on this idea closed"):
        vote_set(idea=idea, member=member, value="disagree", reason="Changed my mind")
    with pytest.raises(DomainError, match="Voting on this idea closed"):
        vote_set(idea=idea, member=personas.members["lead"], value="agree")
    assert TemperatureVote.objects.get(member=member).value == "agree"
    assert TemperatureVote.objects.count() == 1
    assert not TemperatureVoteChange.objects.exists()


def test_a_decision_closes_voting_and_going_back_to_discussion_reopens_it(personas):
    lead, member = personas.members["lead"], personas.members["member"]
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    idea_decide(idea=idea, to_stage=Stage.SET_ASIDE, rationale="Not now: no budget.", by=lead)
    with pytest.raises(DomainError):
        vote_set(idea=idea, member=member, value="agree")
    idea_decide(idea=idea, to_stage=Stage.DISCUSSING, rationale="Budget came back.", by=lead)
    vote_set(idea=idea, member=member, value="agree")
    assert TemperatureVote.objects.get(member=member).value == "agree"


def test_only_current_members_vote(personas, idea):
    member = personas.members["member"]
    circle_remove_member(circle=personas.circle, member=member)
    with pytest.raises(DomainError, match="Only the circle's members"):
        vote_set(idea=idea, member=member, value="agree")
    with pytest.raises(DomainError, match="Only the circle's members"):
        vote_set(idea=idea, member=personas.members["coordinator"], value="agree")
    assert not TemperatureVote.objects.exists()


@pytest.mark.parametrize(
    ("value", "reason", "problem"),
    [
        ("maybe", "", "Choose agree, unsure or disagree"),
        ("agree", "x" * 301, "Keep it to 300 characters"),
        ("agree", "bad\x00byte", "control characters"),
    ],
)
def test_a_bad_vote_is_refused(personas, idea, value, reason, problem):
    with pytest.raises(DomainError, match=problem):
        vote_set(idea=idea, member=personas.members["member"], value=value, reason=reason)
    assert not TemperatureVote.objects.exists()


def test_reveal_and_hide_set_the_choice_of_this_idea_only(personas, idea):
    other = idea_create(circle=personas.circle)
    votes_hide(idea=idea)
    idea.refresh_from_db()
    other.refresh_from_db()
    assert (idea.results_revealed, other.results_revealed) == (False, True)
    votes_reveal(idea=idea)
    idea.refresh_from_db()
    assert idea.results_revealed


# --- what the panel shows -----------------------------------------------------------------


def _three_votes(personas, idea):
    lead, member = personas.members["lead"], personas.members["member"]
    third = newcomer(personas.circle, "Tess Third")
    vote_set(idea=idea, member=lead, value="agree", reason="Worked at my last job")
    vote_set(idea=idea, member=member, value="disagree", reason="We have no time for calls")
    vote_set(idea=idea, member=third, value="agree")
    return third


@pytest.mark.parametrize("viewer", ["member", "lead", "coordinator", "admin", "sponsor"])
def test_hidden_results_show_only_the_count_and_ones_own_vote(personas, idea, viewer):
    _three_votes(personas, idea)
    votes_hide(idea=idea)
    panel = idea_decision_panel(idea=idea, user=personas.user(viewer))
    temperature = panel["temperature"]
    assert temperature["count"] == 3
    assert "tally" not in temperature
    assert "reasons" not in temperature
    own = {"member": "disagree", "lead": "agree"}.get(viewer)
    assert (panel["my_vote"].value if panel["my_vote"] else None) == own


def test_revealed_results_in_a_named_circle_show_names_and_reasons(personas, idea):
    _three_votes(personas, idea)
    temperature = idea_decision_panel(idea=idea, user=personas.member)["temperature"]
    assert [(r["count"], r["value"]) for r in temperature["tally"]] == [
        (2, "agree"),
        (0, "unsure"),
        (1, "disagree"),
    ]
    assert [(r["name"], r["reason"]) for r in temperature["reasons"]] == [
        ("Lead Persona", "Worked at my last job"),
        ("Tess Third", ""),
        ("Member Persona", "We have no time for calls"),
    ]


def test_revealed_results_in_an_anonymous_circle_show_no_names(personas):
    circle_anonymous_set(personas.circle, True, on=dt.date(2027, 2, 1))
    idea = idea_create(circle=personas.circle, anonymous=True)
    _three_votes(personas, idea)
    temperature = idea_decision_panel(idea=idea, user=personas.lead)["temperature"]
    assert temperature["anonymous"]
    assert [(r["name"], r["reason"]) for r in temperature["reasons"]] == [
        (None, "Worked at my last job"),
        (None, "We have no time for calls"),
    ]


def _panel_fresh(idea, user):
    """The panel as a request makes it: the idea and its circle's settings read afresh."""
    return idea_decision_panel(idea=idea_get_for_user(user=user, pk=idea.pk), user=user)


def test_votes_given_while_anonymous_stay_nameless_after_names_come_back(personas, frozen_clock):
    circle_anonymous_set(personas.circle, True, on=dt.date(2027, 2, 1))
    idea = idea_create(circle=personas.circle)  # written while the circle was named
    vote_set(idea=idea, member=personas.members["member"], value="disagree", reason="No time")
    frozen_clock.shift(dt.timedelta(days=1))
    circle_anonymous_set(personas.circle, False)
    temperature = _panel_fresh(idea, personas.lead)["temperature"]
    assert [r["name"] for r in temperature["reasons"]] == [None]

    frozen_clock.shift(dt.timedelta(days=1))
    vote_set(idea=idea, member=personas.members["member"], value="agree", reason="Now yes")
    # The member changed it after names came back, told on the page that names show.
    temperature = _panel_fresh(idea, personas.lead)["temperature"]
    assert [r["name"] for r in temperature["reasons"]] == ["Member Persona"]


def test_the_panel_shows_the_viewers_vote_history_newest_first(personas, idea, frozen_clock):
    member = personas.members["member"]
    for value in ("unsure", "agree", "disagree"):
        vote_set(idea=idea, member=member, value=value)
        frozen_clock.shift(dt.timedelta(hours=1))
    panel = idea_decision_panel(idea=idea, user=personas.member)
    assert panel["my_vote"].value == "disagree"
    assert [c.value for c in panel["my_vote_history"]] == ["agree", "unsure"]
    assert idea_decision_panel(idea=idea, user=personas.lead)["my_vote_history"] == []
