"""Proposing another circle's adopted idea to one's own (`idea_adopt_into` and its page action):
when it may travel, whom it credits, how it is written in an anonymous circle, and the refusals
that change nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.core.errors import DomainError
from roundtable.ideas.models import Idea, Stage
from roundtable.ideas.services.adoption import idea_adopt_into
from roundtable.ideas.services.challenges import challenge_close
from roundtable.ideas.services.trials import trial_outcome_record, trial_start
from roundtable.ideas.tests.helpers import idea_make, make_anonymous
from roundtable.ideas.tests.travel import decide, third_circle

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def south_idea(personas, program_challenge, peer):
    """South's idea for the program-wide challenge, adopted by South."""
    idea = idea_make(
        program_challenge, personas.other_circle, peer, summary="Text before calling",
        how="Send a short text the day before.", effect="Twice as many pick up.",
    )  # fmt: skip
    return decide(idea, peer)


def test_an_adopted_idea_is_proposed_with_its_current_wording_and_its_origin(personas, south_idea):
    member = personas.members["member"]
    idea, capability = idea_adopt_into(origin=south_idea, circle=personas.circle, member=member)
    assert capability is None
    assert (idea.circle, idea.origin, idea.author, idea.stage) == (
        personas.circle, south_idea, member, Stage.PROPOSED,
    )  # fmt: skip
    assert idea.challenge == south_idea.challenge
    version = idea.versions.get()
    assert (version.summary, version.how, version.effect) == (
        "Text before calling", "Send a short text the day before.", "Twice as many pick up.",
    )  # fmt: skip


def test_in_an_anonymous_circle_the_proposal_has_no_author_and_a_capability(personas, south_idea):
    make_anonymous(personas.circle)
    idea, capability = idea_adopt_into(
        origin=south_idea, circle=personas.circle, member=personas.members["member"]
    )
    assert capability
    assert (idea.author_id, idea.anonymous, idea.origin_id) == (None, True, south_idea.pk)


@pytest.mark.parametrize("stages", [(), (Stage.DISCUSSING,), (Stage.DISCUSSING, Stage.SET_ASIDE)])
def test_an_idea_not_adopted_is_refused_and_nothing_is_written(
    personas, program_challenge, peer, stages
):
    idea = idea_make(program_challenge, personas.other_circle, peer)
    if stages:
        decide(idea, peer, *stages)
    with pytest.raises(DomainError, match="has not adopted this idea"):
        idea_adopt_into(origin=idea, circle=personas.circle, member=personas.members["member"])
    assert not Idea.objects.filter(circle=personas.circle).exists()


def test_an_idea_on_trial_travels_once_its_trial_met_its_measure(personas, program_challenge, peer):
    idea = decide(idea_make(program_challenge, personas.other_circle, peer), peer,
                  Stage.DISCUSSING)  # fmt: skip
    today = idea.created_on
    trial = trial_start(
        idea=idea, by=peer, rationale="Try it for a month.", owner=peer, starts_on=today,
        ends_on=today, measure="Half pick up.", review_on=today,
    )  # fmt: skip
    member = personas.members["member"]
    with pytest.raises(DomainError, match="once its trial met its measure"):
        idea_adopt_into(origin=idea, circle=personas.circle, member=member)
    trial_outcome_record(trial=trial, by=peer, result="partly", outcome="A third picked up.")
    with pytest.raises(DomainError, match="once its trial met its measure"):
        idea_adopt_into(origin=idea, circle=personas.circle, member=member)
    trial_outcome_record(trial=trial, by=peer, result="met", outcome="Half picked up.")
    adopted, _ = idea_adopt_into(origin=idea, circle=personas.circle, member=member)
    assert adopted.origin == idea


def test_refusals_own_circle_twice_outsider_of_the_circle_and_closed_challenge(
    personas, south_idea, peer
):
    member = personas.members["member"]
    with pytest.raises(DomainError, match="already South's own"):
        idea_adopt_into(origin=south_idea, circle=personas.other_circle, member=peer)
    with pytest.raises(DomainError, match="take part in its ideas"):
        idea_adopt_into(origin=south_idea, circle=personas.circle, member=peer)
    idea_adopt_into(origin=south_idea, circle=personas.circle, member=member)
    with pytest.raises(DomainError, match="already proposed to North"):
        idea_adopt_into(origin=south_idea, circle=personas.circle, member=member)
    west, west_lead = third_circle(personas)
    challenge_close(challenge=south_idea.challenge, summary="Texting first works.")
    with pytest.raises(DomainError, match="closed"):
        idea_adopt_into(origin=south_idea, circle=west, member=west_lead)
    assert Idea.objects.filter(origin=south_idea).count() == 1


def test_an_idea_of_a_circle_challenge_does_not_travel(personas, challenge):
    idea = decide(idea_make(challenge, personas.circle, personas.members["member"]),
                  personas.members["lead"])  # fmt: skip
    west, west_lead = third_circle(personas)
    with pytest.raises(DomainError, match="posed to the whole program"):
        idea_adopt_into(origin=idea, circle=west, member=west_lead)


# --- the page action ------------------------------------------------------------------------


def _post(user, idea, circle_pk):
    client = Client()
    client.force_login(user)
    return client, client.post(
        reverse("ideas:idea_propose_to_circle", args=[idea.pk]), {"circle": circle_pk}
    )


def test_one_click_proposes_it_and_the_new_idea_credits_its_origin(personas, south_idea):
    client, response = _post(personas.member, south_idea, personas.circle.pk)
    idea = Idea.objects.get(origin=south_idea)
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas:idea_detail", args=[idea.pk])
    page = client.get(response["Location"]).content.decode()
    # The member does not see South: its name is credited, with no link to South's idea.
    assert "Adopted from South's idea" in page
    assert reverse("ideas:idea_detail", args=[south_idea.pk]) not in page
    # A coordinator sees South: the credit links to the origin.
    coordinator = Client()
    coordinator.force_login(personas.coordinator)
    page = coordinator.get(response["Location"]).content.decode()
    assert (
        f'<a href="{reverse("ideas:idea_detail", args=[south_idea.pk])}">South\'s idea</a>' in page
    )


def test_an_anonymous_proposal_gives_this_browser_the_capability(personas, south_idea):
    make_anonymous(personas.circle)
    client, response = _post(personas.member, south_idea, personas.circle.pk)
    idea = Idea.objects.get(origin=south_idea)
    page = client.get(response["Location"]).content.decode()
    assert idea.author_id is None
    assert "You wrote this anonymously" in page


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor", "peer", "outsider"])
def test_proposing_to_a_circle_one_is_not_in_is_a_404_and_nothing_changes(
    personas, south_idea, peer, name
):
    user = peer.user if name == "peer" else personas.user(name)
    _, response = _post(user, south_idea, personas.circle.pk)
    assert response.status_code == 404
    assert not Idea.objects.filter(origin=south_idea).exists()


def test_the_lead_proposes_to_their_circle_too(personas, south_idea):
    _, response = _post(personas.lead, south_idea, personas.circle.pk)
    assert response.status_code == 302
    assert Idea.objects.get(origin=south_idea).author == personas.members["lead"]


def test_proposing_to_another_circle_than_ones_own_is_a_404(personas, south_idea, peer):
    west, _ = third_circle(personas)
    for circle_pk in (west.pk, "", "nonsense"):
        _, response = _post(personas.member, south_idea, circle_pk)
        assert response.status_code == 404
    assert not Idea.objects.filter(origin=south_idea).exists()


def test_proposing_an_idea_not_adopted_is_refused_with_the_reason(
    personas, program_challenge, peer
):
    idea = idea_make(program_challenge, personas.other_circle, peer)
    client, response = _post(personas.member, idea, personas.circle.pk)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "South has not adopted this idea" in page
    assert not Idea.objects.filter(origin=idea).exists()
