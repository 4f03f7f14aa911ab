"""The decision panel's pages for every persona: who sees it, who votes, who reveals, decides
and records an outcome; a refusal or bad input changes nothing and says why; hidden results
never reach a member's page; htmx gets the panel back; the panel's query count stays flat."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from roundtable.ideas.models import Decision, Idea, Stage, TemperatureVote, Trial
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.temperature import vote_set, votes_hide
from roundtable.ideas.services.trials import trial_start
from roundtable.ideas.tests.decision_factories import idea_create, newcomer
from roundtable.testing.personas import PERSONA_NAMES
from roundtable.testing.queries import assert_queries_flat

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _login(client, personas, name):
    client.force_login(personas.user(name))
    return client


def _url(name: str, idea: Idea) -> str:
    return reverse(f"ideas:{name}", args=[idea.pk])


def _trial(personas, idea: Idea) -> Trial:
    return trial_start(
        idea=idea,
        by=personas.members["lead"],
        rationale="Cheap to try.",
        owner=personas.members["member"],
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 3, 31),
        measure="Five customers buy again.",
        review_on=dt.date(2027, 4, 2),
    )


# --- the permission matrix ------------------------------------------------------------------

PANEL = {"admin": 200, "coordinator": 200, "sponsor": 200, "lead": 200, "member": 200}
VOTE = {"lead": 302, "member": 302, "admin": 403, "coordinator": 403, "sponsor": 403}
DECIDE = {"admin": 302, "coordinator": 302, "lead": 302, "sponsor": 403, "member": 403}
OUTCOME = {"admin": 302, "coordinator": 302, "lead": 302, "member": 302, "sponsor": 403}


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_who_sees_the_panel(client, personas, name):
    idea = idea_create(circle=personas.circle)
    response = _login(client, personas, name).get(_url("decision_panel", idea))
    assert response.status_code == PANEL.get(name, 404)
    if response.status_code == 200:
        assert "Temperature check" in response.content.decode()


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_who_votes(client, personas, name):
    idea = idea_create(circle=personas.circle)
    response = _login(client, personas, name).post(
        _url("vote", idea), {"value": "agree", "reason": "Yes"}
    )
    assert response.status_code == VOTE.get(name, 404)
    assert TemperatureVote.objects.count() == (1 if response.status_code == 302 else 0)


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_who_reveals_and_hides(client, personas, name):
    idea = idea_create(circle=personas.circle)
    response = _login(client, personas, name).post(_url("votes_reveal", idea), {"show": "no"})
    assert response.status_code == DECIDE.get(name, 404)
    idea.refresh_from_db()
    assert idea.results_revealed is (response.status_code != 302)


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_who_decides(client, personas, name):
    idea = idea_create(circle=personas.circle)
    response = _login(client, personas, name).post(
        _url("decide", idea), {"to_stage": "discussing", "rationale": "Worth a talk."}
    )
    assert response.status_code == DECIDE.get(name, 404)
    idea.refresh_from_db()
    assert idea.stage == ("discussing" if response.status_code == 302 else "proposed")


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_who_starts_a_trial(client, personas, name):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    response = _login(client, personas, name).post(
        _url("decide", idea),
        {
            "to_stage": "trial",
            "rationale": "Cheap to try.",
            "owner": personas.members["member"].pk,
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-31",
            "review_on": "2027-04-02",
            "measure": "Five customers buy again.",
        },
    )
    assert response.status_code == DECIDE.get(name, 404)
    assert Trial.objects.count() == (1 if response.status_code == 302 else 0)


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_who_records_the_outcome(client, personas, name):
    """The member is the trial's owner here; a member who does not own it may not."""
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    trial = _trial(personas, idea)
    response = _login(client, personas, name).post(
        _url("trial_outcome", idea), {"result": "met", "outcome": "Seven bought again."}
    )
    assert response.status_code == OUTCOME.get(name, 404)
    trial.refresh_from_db()
    assert trial.result == ("met" if response.status_code == 302 else "")


def test_a_member_who_does_not_own_the_trial_may_not_record_it(client, personas):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    trial = trial_start(
        idea=idea,
        by=personas.members["lead"],
        rationale="Cheap to try.",
        owner=personas.members["lead"],
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 3, 31),
        measure="Five customers buy again.",
        review_on=dt.date(2027, 4, 2),
    )
    response = _login(client, personas, "member").post(
        _url("trial_outcome", idea), {"result": "met", "outcome": "Fine."}
    )
    assert response.status_code == 403
    assert "Only the trial's owner" in html.unescape(response.content.decode())
    trial.refresh_from_db()
    assert trial.result == ""


def test_an_idea_of_another_circle_is_not_found_for_its_non_members(client, personas):
    idea = idea_create(circle=personas.other_circle)
    client = _login(client, personas, "member")
    assert client.get(_url("decision_panel", idea)).status_code == 404
    assert client.post(_url("vote", idea), {"value": "agree"}).status_code == 404
    assert not TemperatureVote.objects.exists()


def test_gets_are_not_actions(client, personas):
    idea = idea_create(circle=personas.circle)
    client = _login(client, personas, "lead")
    assert client.get(_url("decide", idea)).status_code == 405
    assert client.post(_url("decision_panel", idea)).status_code == 405


# --- what people see and are told ----------------------------------------------------------


def test_hidden_results_do_not_reach_a_members_page(client, personas):
    idea = idea_create(circle=personas.circle)
    other = newcomer(personas.circle, "Olga Other")
    vote_set(idea=idea, member=other, value="disagree", reason="Customers hate cold calls")
    vote_set(idea=idea, member=personas.members["member"], value="agree", reason="Mine")
    votes_hide(idea=idea)
    for name in ("member", "lead"):
        page = _login(client, personas, name).get(_url("decision_panel", idea)).content.decode()
        assert "Customers hate cold calls" not in page
        assert "Olga Other" not in page
        assert "2</strong> people have voted" in page


def test_a_member_sees_their_own_vote_while_results_are_hidden(client, personas):
    idea = idea_create(circle=personas.circle)
    vote_set(idea=idea, member=personas.members["member"], value="agree", reason="Mine")
    votes_hide(idea=idea)
    page = _login(client, personas, "member").get(_url("decision_panel", idea)).content.decode()
    assert "Your vote: <strong>Agree</strong> — “Mine”" in page


def test_revealed_results_in_a_named_circle_show_names_and_reasons(client, personas):
    idea = idea_create(circle=personas.circle)
    vote_set(idea=idea, member=personas.members["lead"], value="disagree", reason="Too slow")
    page = _login(client, personas, "member").get(_url("decision_panel", idea)).content.decode()
    assert "Lead Persona: <strong>Disagree</strong> — “Too slow”" in page
    assert "without names" not in page


def test_a_vote_by_htmx_gets_the_panel_back_with_the_message(client, personas):
    idea = idea_create(circle=personas.circle)
    response = _login(client, personas, "member").post(
        _url("vote", idea), {"value": "unsure", "reason": "Not sure yet"}, **HX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<section id="idea-decisions"' in page
    assert "<html" not in page
    assert "Your vote is recorded: unsure." in page
    assert "Your vote: <strong>Unsure</strong>" in page


def test_a_decision_without_rationale_shows_why_and_keeps_what_was_typed(client, personas):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    response = _login(client, personas, "lead").post(
        _url("decide", idea),
        {
            "to_stage": "trial",
            "rationale": " ",
            "owner": personas.members["member"].pk,
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-31",
            "review_on": "2027-04-02",
            "measure": "Five customers buy again.",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the rationale for this decision" in page
    assert "Five customers buy again.</textarea>" in page
    assert not Trial.objects.exists()
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"to_stage": "adopted", "rationale": "Go."}, "cannot move to “Adopted”"),
        ({"to_stage": "trial", "rationale": "Go."}, "A trial needs an owner, a start, an end"),
        ({"to_stage": "nowhere", "rationale": "Go."}, "Select a valid choice"),
    ],
)
def test_a_bad_decision_by_htmx_is_said_in_the_panel(client, personas, data, problem):
    idea = idea_create(circle=personas.circle)
    response = _login(client, personas, "lead").post(_url("decide", idea), data, **HX)
    assert response.status_code == 200
    assert problem in response.content.decode()
    idea.refresh_from_db()
    assert idea.stage == Stage.PROPOSED


def test_a_vote_after_the_decision_is_refused(client, personas):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    vote_set(idea=idea, member=personas.members["member"], value="agree")
    idea_decide(idea=idea, to_stage="adopted", rationale="Works.", by=personas.members["lead"])
    response = _login(client, personas, "member").post(_url("vote", idea), {"value": "disagree"})
    assert response.status_code == 400
    assert "Voting on this idea closed when it moved to “Adopted”" in response.content.decode()
    assert TemperatureVote.objects.get().value == "agree"


def test_a_plain_post_goes_back_to_the_page_it_came_from_on_this_site_only(client, personas):
    idea = idea_create(circle=personas.circle)
    client = _login(client, personas, "member")
    back = f"/ideas/{idea.pk}/"
    response = client.post(_url("vote", idea), {"value": "agree", "next": back})
    assert response["Location"] == back
    response = client.post(_url("vote", idea), {"value": "unsure", "next": "https://evil.example/"})
    assert response["Location"] == _url("decision_panel", idea)


def test_the_panel_offers_the_lead_only_the_allowed_steps(client, personas):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    page = _login(client, personas, "lead").get(_url("decision_panel", idea)).content.decode()
    assert 'value="adopted"' in page
    assert 'value="set_aside"' in page
    assert "Start the trial" in page
    assert 'name="to_stage" value="discussing"' not in page
    member_page = _login(client, personas, "member").get(_url("decision_panel", idea))
    assert 'name="to_stage"' not in member_page.content.decode()


# --- query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lead", "member", "admin"])
def test_the_panels_queries_do_not_grow_with_votes_and_decisions(client, personas, name):
    """Measured twice in the same state (discussing again after a trial, the viewer's own vote
    given): only the number of votes, vote changes and decisions grows."""
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING)
    lead, member = personas.members["lead"], personas.members["member"]
    vote_set(idea=idea, member=member, value="agree", reason="One")
    vote_set(idea=idea, member=lead, value="agree", reason="One")
    _trial(personas, idea)
    idea_decide(idea=idea, to_stage="discussing", rationale="Talk again.", by=lead)

    def grow():
        for i in range(4):
            vote_set(idea=idea, member=newcomer(personas.circle), value="unsure", reason=f"{i}")
        for reason in ("Two", "Three"):
            vote_set(idea=idea, member=member, value="disagree", reason=reason)
            vote_set(idea=idea, member=lead, value="unsure", reason=reason)
        for _ in range(2):
            idea_decide(idea=idea, to_stage="set_aside", rationale="Later.", by=lead)
            idea_decide(idea=idea, to_stage="discussing", rationale="Now.", by=lead)

    _login(client, personas, name)
    assert_queries_flat(client, _url("decision_panel", idea), grow=grow)
    assert Decision.objects.filter(idea=idea).count() == 6
