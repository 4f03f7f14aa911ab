"""The points-of-view page of a program-wide challenge: each circle's ideas side by side with
their strongest arguments and decisions; full for the circles one sees, in summary (no links, no
names) for the others; every persona; a flat query count."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.ideas.models import Stage
from roundtable.ideas.selectors.points_of_view import strongest_arguments
from roundtable.ideas.services.critiques import (
    contribution_hide,
    critique_add,
    critique_endorse,
    critique_withdraw,
)
from roundtable.ideas.services.trials import trial_outcome_record, trial_start
from roundtable.ideas.tests.decision_factories import newcomer
from roundtable.ideas.tests.helpers import OTHER_REASON, REASON, critique_make, idea_make
from roundtable.ideas.tests.travel import decide, third_circle
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.usefixtures("frozen_clock")

PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "peer", "outsider")


def _main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, re.DOTALL)
    assert found
    return found.group()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(challenge) -> str:
    return reverse("ideas:points_of_view", args=[challenge.pk])


@pytest.fixture
def users(personas, peer):
    found = {name: personas.user(name) for name in PERSONAS if name != "peer"}
    found["peer"] = peer.user
    return found


# --- the strongest arguments ----------------------------------------------------------------


def test_the_strongest_argument_is_the_most_endorsed_then_most_replied_then_oldest(
    personas, program_challenge, frozen_clock
):
    circle = personas.circle
    idea = idea_make(program_challenge, circle, personas.members["member"])
    a, b, c, d = (newcomer(circle, name) for name in ("Ann", "Ben", "Cat", "Dan"))
    critique_make(idea, a, "strength", reasoning=f"{REASON} (oldest)")
    frozen_clock.shift(86_400)
    replied = critique_make(idea, b, "strength", reasoning=f"{REASON} (replied)")
    newest = critique_make(idea, c, "strength", reasoning=f"{REASON} (newest)")
    assert strongest_arguments([idea.pk])[(idea.pk, "strength")].reasoning.endswith("(oldest)")
    critique_add(idea=idea, member=d, reasoning=OTHER_REASON, parent=replied)
    assert strongest_arguments([idea.pk])[(idea.pk, "strength")].reasoning.endswith("(replied)")
    critique_endorse(critique=newest, member=d)
    best = strongest_arguments([idea.pk])[(idea.pk, "strength")]
    assert (best.reasoning[-8:], best.endorsements, best.replies) == ("(newest)", 1, 0)


def test_hidden_and_withdrawn_arguments_never_count(personas, program_challenge):
    circle, lead = personas.circle, personas.members["lead"]
    idea = idea_make(program_challenge, circle, personas.members["member"])
    a, b, c = (newcomer(circle, name) for name in ("Ann", "Ben", "Cat"))
    hidden = critique_make(idea, a, "concern", reasoning=f"{REASON} (hidden)")
    withdrawn = critique_make(idea, b, "concern", reasoning=f"{REASON} (withdrawn)")
    critique_make(idea, c, "concern", reasoning=f"{REASON} (kept)")
    for critique in (hidden, withdrawn):
        critique_endorse(critique=critique, member=lead)
        critique_endorse(critique=critique, member=personas.members["member"])
    contribution_hide(contribution=hidden, by=lead, reason="A personal remark about Sam")
    critique_withdraw(critique=withdrawn, member=b)
    best = strongest_arguments([idea.pk])
    assert best[(idea.pk, "concern")].reasoning.endswith("(kept)")
    assert (idea.pk, "strength") not in best


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def world(personas, program_challenge, peer):
    """North's idea (named, with a named concern), South's adopted idea with a strength, an
    outcome and a decision."""
    north = idea_make(program_challenge, personas.circle, personas.members["member"],
                      summary="Call at lunchtime")  # fmt: skip
    critique_make(north, personas.members["lead"], "concern", reasoning=f"{REASON} (north)")
    south = idea_make(program_challenge, personas.other_circle, peer, summary="Text before")
    helper = newcomer(personas.other_circle, "Hana")
    critique_make(south, helper, "strength", reasoning=f"{OTHER_REASON} (south)")
    decide(south, peer)
    return {"north": north, "south": south}


def test_every_persona(personas, program_challenge, challenge, users, world):
    seen = {}
    for name, user in users.items():
        client = _client(user)
        seen[name] = (
            client.get(_url(program_challenge)).status_code,
            client.get(_url(challenge)).status_code,  # a circle's own challenge has none
        )
    assert seen == {name: (404 if name == "outsider" else 200, 404) for name in PERSONAS}


def test_a_member_sees_their_circle_in_full_and_the_others_in_summary(
    personas, program_challenge, world
):
    page = _main(_client(personas.member).get(_url(program_challenge)).content.decode())
    north, south = world["north"], world["south"]
    assert f'href="{reverse("ideas:idea_detail", args=[north.pk])}"' in page
    assert f'href="{reverse("ideas:idea_detail", args=[south.pk])}"' not in page
    assert "Text before" in page
    assert "(south)" in page  # South's strongest argument, in summary
    assert "The circle chose adopted." in page  # its latest decision's rationale
    assert "Other circles' ideas show here in summary only" in page
    # Nothing names anyone, in full or in summary.
    for name in ("Member Persona", "Lead Persona", "Peer Persona", "Hana"):
        assert name not in page, name
    # South adopted its idea: it can be proposed to North with one click; North's cannot travel.
    assert reverse("ideas:idea_propose_to_circle", args=[south.pk]) in page
    assert reverse("ideas:idea_propose_to_circle", args=[north.pk]) not in page


def test_an_overseer_sees_every_circle_in_full_and_proposes_nowhere(
    personas, program_challenge, world
):
    page = _main(_client(personas.coordinator).get(_url(program_challenge)).content.decode())
    for idea in world.values():
        assert f'href="{reverse("ideas:idea_detail", args=[idea.pk])}"' in page
    assert "in summary only" not in page
    assert "idea_propose_to_circle" not in page
    assert "Propose to" not in page


def test_a_trial_outcome_shows_and_an_idea_already_proposed_offers_no_second_click(
    client, personas, program_challenge, peer, world
):
    west, west_lead = third_circle(personas)
    idea = decide(idea_make(program_challenge, west, west_lead, summary="Morning calls"),
                  west_lead, Stage.DISCUSSING)  # fmt: skip
    day = idea.created_on
    trial = trial_start(
        idea=idea, by=west_lead, rationale="A month.", owner=west_lead,
        starts_on=day, ends_on=day, measure="Half pick up.", review_on=day,
    )  # fmt: skip
    trial_outcome_record(trial=trial, by=west_lead, result="met", outcome="Sixty percent did.")
    client.force_login(personas.member)
    page = _main(client.get(_url(program_challenge)).content.decode())
    assert "Met the measure" in page
    assert "Sixty percent did." in page
    assert reverse("ideas:idea_propose_to_circle", args=[idea.pk]) in page
    client.post(reverse("ideas:idea_propose_to_circle", args=[idea.pk]),
                {"circle": personas.circle.pk})  # fmt: skip
    page = _main(client.get(_url(program_challenge)).content.decode())
    assert reverse("ideas:idea_propose_to_circle", args=[idea.pk]) not in page
    assert "Adopted from West's idea" in page  # the copy in North, crediting West


def test_the_page_takes_as_many_queries_with_more_circles_ideas_and_critiques(
    client, personas, program_challenge, world
):
    client.force_login(personas.member)
    grown = []

    def grow():
        for n in range(3):
            circle, lead = third_circle(personas, f"Circle {n}")
            other = newcomer(circle, f"Other {n}")
            idea = idea_make(program_challenge, circle, lead)
            for stance in ("strength", "concern"):
                critique = critique_make(idea, other, stance, reasoning=f"{REASON} {n}")
                critique_add(idea=idea, member=lead, reasoning=OTHER_REASON, parent=critique)
            decide(idea, lead)
            grown.append(idea)
            north = idea_make(program_challenge, personas.circle, personas.members["member"])
            critique_make(north, personas.members["lead"], "strength")

    assert_queries_flat(client, _url(program_challenge), grow=grow)
    page = client.get(_url(program_challenge)).content.decode()
    assert all(f"Circle {n}" in page for n in range(3))
