"""Ideas pages: every view as every persona (the outsider and the other circle's lead
included), what a refused or bad post does, and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.ideas.models import Critique
from roundtable.ideas.services.critiques import critique_add, critique_endorse
from roundtable.ideas.tests.helpers import OTHER_REASON, REASON, critique_make, idea_make
from roundtable.testing.factories import MemberFactory
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.usefixtures("frozen_clock")

PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "peer", "outsider")
ALL = set(PERSONAS)
NORTH = {"admin", "coordinator", "sponsor", "lead", "member"}
NORTH_MANAGERS = {"admin", "coordinator", "lead"}
PROGRAM = ALL - {"outsider"}


@pytest.fixture
def world(personas, challenge, program_challenge, peer):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    critique = critique_make(idea, personas.members["lead"])
    south_idea = idea_make(program_challenge, personas.other_circle, peer)
    users = {name: personas.user(name) for name in PERSONAS if name != "peer"}
    users["peer"] = peer.user
    return {"idea": idea, "critique": critique, "south_idea": south_idea, "users": users}


def _pages(personas, challenge, program_challenge, world) -> list[tuple[str, set[str]]]:
    idea, critique = world["idea"], world["critique"]
    circle, program = personas.circle.pk, personas.program.pk
    return [
        (reverse("ideas:circle_challenges", args=[circle]), NORTH),
        (reverse("ideas:program_challenges", args=[program]), PROGRAM),
        (reverse("ideas:circle_challenge_create", args=[circle]), NORTH_MANAGERS),
        (reverse("ideas:program_challenge_create", args=[program]), {"admin", "coordinator"}),
        (reverse("ideas:challenge_detail", args=[challenge.pk]), NORTH),
        (reverse("ideas:challenge_detail", args=[program_challenge.pk]), PROGRAM),
        (reverse("ideas:challenge_edit", args=[challenge.pk]), NORTH_MANAGERS),
        (reverse("ideas:challenge_close", args=[challenge.pk]), NORTH_MANAGERS),
        (reverse("ideas:challenge_edit", args=[program_challenge.pk]), {"admin", "coordinator"}),
        (reverse("ideas:idea_propose", args=[challenge.pk]), {"lead", "member"}),
        (reverse("ideas:idea_propose", args=[program_challenge.pk]), {"lead", "member", "peer"}),
        (reverse("ideas:idea_detail", args=[idea.pk]), NORTH),
        (reverse("ideas:idea_detail", args=[world["south_idea"].pk]), PROGRAM - {"lead", "member"}),
        (reverse("ideas:idea_revise", args=[idea.pk]), {"member"}),
        (reverse("ideas:idea_hide", args=[idea.pk]), NORTH_MANAGERS),
        (reverse("ideas:critique_edit", args=[idea.pk, critique.pk]), {"lead"}),
        (reverse("ideas:critique_hide", args=[idea.pk, critique.pk]), NORTH_MANAGERS),
        (reverse("ideas:circle_settings", args=[circle]), NORTH_MANAGERS),
    ]


def test_every_page_as_every_persona(personas, challenge, program_challenge, world):
    seen: dict[tuple[str, str], int] = {}
    expected: dict[tuple[str, str], int] = {}
    for url, allowed in _pages(personas, challenge, program_challenge, world):
        for name, user in world["users"].items():
            client = Client()
            client.force_login(user)
            seen[(url, name)] = client.get(url).status_code
            # Edit pages of something someone else wrote: back to the page, with a refusal.
            refused_edit = ("revise" in url or "/edit/" in url) and "challenges" not in url
            takes_part = name in {"lead", "member"}
            expected[(url, name)] = (
                200 if name in allowed else 302 if refused_edit and takes_part else 404
            )
    assert seen == expected


POSTS = ["critique_add", "critique_withdraw", "critique_endorse", "idea_withdraw"]


def test_a_critique_from_outside_the_circle_is_a_404_and_nothing_changes(
    personas, challenge, world
):
    idea, critique = world["idea"], world["critique"]
    for name in ("admin", "coordinator", "sponsor", "peer", "outsider"):
        client = Client()
        client.force_login(world["users"][name])
        for url in (
            reverse("ideas:critique_add", args=[idea.pk]),
            reverse("ideas:critique_endorse", args=[idea.pk, critique.pk]),
            reverse("ideas:critique_withdraw", args=[idea.pk, critique.pk]),
            reverse("ideas:idea_withdraw", args=[idea.pk]),
        ):
            response = client.post(url, {"stance": "concern", "reasoning": OTHER_REASON})
            assert response.status_code == 404, (name, url)
    assert Critique.objects.count() == 1
    assert not critique.endorsements.exists()


def test_a_bare_verdict_is_refused_with_the_hint_and_what_was_typed_kept(client, personas, world):
    client.force_login(personas.member)
    url = reverse("ideas:critique_add", args=[world["idea"].pk])
    response = client.post(url, {"stance": "concern", "reasoning": "bad idea"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "a claim and why" in page
    assert "bad idea</textarea>" in page
    assert Critique.objects.count() == 1


def test_a_reply_to_a_reply_is_refused(client, personas, world):
    idea, critique = world["idea"], world["critique"]
    reply, _ = critique_add(
        idea=idea, member=personas.members["member"], reasoning=OTHER_REASON, parent=critique
    )
    client.force_login(personas.lead)
    response = client.post(
        reverse("ideas:critique_add", args=[idea.pk]), {"parent": reply.pk, "reasoning": REASON}
    )
    assert response.status_code == 400
    assert "Replies go one level deep" in response.content.decode()
    assert Critique.objects.count() == 2


def test_htmx_posting_a_critique_updates_the_section(client, personas, world):
    client.force_login(personas.member)
    response = client.post(
        reverse("ideas:critique_add", args=[world["idea"].pk]),
        {"stance": "strength", "reasoning": OTHER_REASON},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Critique added." in body
    assert OTHER_REASON in body


def test_hiding_shows_the_reason_in_its_place(client, personas, world):
    idea, critique = world["idea"], world["critique"]
    client.force_login(personas.lead)
    url = reverse("ideas:critique_hide", args=[idea.pk, critique.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # the form again
    critique.refresh_from_db()
    assert not critique.is_hidden
    client.post(url, {"reason": "A personal remark about Sam"})
    page = client.get(reverse("ideas:idea_detail", args=[idea.pk])).content.decode()
    assert "Hidden by the lead: A personal remark about Sam" in page
    assert REASON not in page


def test_the_idea_page_shows_the_version_a_critique_answered(client, personas, world):
    idea = world["idea"]
    client.force_login(personas.member)
    client.post(
        reverse("ideas:idea_revise", args=[idea.pk]),
        {"summary": "A shorter script", "how": "Half a page.", "effect": "20 minutes."},
    )
    page = client.get(reverse("ideas:idea_detail", args=[idea.pk])).content.decode()
    assert "answered v1; the idea is now at v2" in page
    assert "<del>A </del>" in page or "<ins>" in page


def test_the_idea_page_takes_as_many_queries_with_more_critiques(client, personas, world):
    idea = world["idea"]
    client.force_login(personas.member)

    def grow():
        for n in range(4):
            other = MemberFactory.create(organization=personas.organization)
            circle_add_member(circle=personas.circle, member=other)
            for stance in ("strength", "concern", "question", "alternative"):
                critique = critique_make(idea, other, stance=stance, reasoning=f"{REASON} {n}")
                critique_add(idea=idea, member=other, reasoning=OTHER_REASON, parent=critique)
                critique_endorse(critique=critique, member=personas.members["member"])

    assert_queries_flat(client, reverse("ideas:idea_detail", args=[idea.pk]), grow=grow)


def test_the_challenge_pages_take_as_many_queries_with_more_ideas(
    client, personas, challenge, program_challenge, world
):
    client.force_login(personas.coordinator)

    def grow():
        for _ in range(3):
            idea = idea_make(challenge, personas.circle, personas.members["member"])
            critique_make(idea, personas.members["lead"])
            idea_make(program_challenge, personas.circle, personas.members["lead"])

    for url in (
        reverse("ideas:challenge_detail", args=[challenge.pk]),
        reverse("ideas:challenge_detail", args=[program_challenge.pk]),
        reverse("ideas:circle_challenges", args=[personas.circle.pk]),
        reverse("ideas:program_challenges", args=[personas.program.pk]),
    ):
        assert_queries_flat(client, url, grow=grow)
