"""Ideas into meetings: an idea or a challenge put on the next meeting's agenda (refused, nothing
added, without an upcoming meeting), the meeting page listing them and the decisions recorded at
it, and the decision form's choice of meeting."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.core.errors import DomainError
from roundtable.ideas.models import AgendaLink, Decision
from roundtable.ideas.services.agenda import agenda_link_add
from roundtable.ideas.tests.helpers import idea_make, make_anonymous
from roundtable.ideas.tests.travel import decide, meeting_at
from roundtable.meetings.models import AgendaItem

pytestmark = pytest.mark.usefixtures("frozen_clock")

PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "peer", "outsider")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def users(personas, peer):
    found = {name: personas.user(name) for name in PERSONAS if name != "peer"}
    found["peer"] = peer.user
    return found


@pytest.fixture
def idea(personas, challenge):
    return idea_make(challenge, personas.circle, personas.members["member"],
                     summary="Call at lunchtime")  # fmt: skip


# --- the service ------------------------------------------------------------------------------


def test_an_idea_goes_on_the_next_meeting_not_a_past_or_cancelled_one(personas, idea):
    meeting_at(personas.circle, -1)
    meeting_at(personas.circle, 1, cancelled=True)
    following = meeting_at(personas.circle, 2)
    meeting_at(personas.circle, 9)
    link = agenda_link_add(circle=personas.circle, member=personas.members["member"], idea=idea)
    assert link.agenda_item.meeting == following
    assert link.agenda_item.title == "Idea: Call at lunchtime"
    assert link.agenda_item.added_by == personas.members["member"]
    with pytest.raises(DomainError, match="already on the agenda"):
        agenda_link_add(circle=personas.circle, member=personas.members["lead"], idea=idea)
    assert AgendaItem.objects.count() == 1


def test_without_an_upcoming_meeting_it_is_refused_with_a_clear_message(personas, idea):
    meeting_at(personas.circle, -1)
    with pytest.raises(DomainError, match="North has no upcoming meeting to add this to"):
        agenda_link_add(circle=personas.circle, member=personas.members["member"], idea=idea)
    assert (AgendaItem.objects.count(), AgendaLink.objects.count()) == (0, 0)


def test_a_program_challenge_goes_on_the_chosen_circles_meeting_only_where_posed(
    personas, challenge, program_challenge, peer
):
    south_meeting = meeting_at(personas.other_circle, 3)
    link = agenda_link_add(circle=personas.other_circle, member=peer, challenge=program_challenge)
    assert (link.agenda_item.meeting, link.challenge) == (south_meeting, program_challenge)
    assert link.agenda_item.title == "Challenge: Lapsed customers do not answer"
    with pytest.raises(DomainError, match="not posed to South"):
        agenda_link_add(circle=personas.other_circle, member=peer, challenge=challenge)
    with pytest.raises(DomainError, match="take part"):
        agenda_link_add(
            circle=personas.other_circle, member=personas.members["member"],
            challenge=program_challenge,
        )  # fmt: skip
    assert AgendaLink.objects.count() == 1


def test_an_anonymous_idea_goes_on_the_agenda_with_no_adder_named(personas, challenge):
    make_anonymous(personas.circle)
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    meeting_at(personas.circle, 2)
    link = agenda_link_add(circle=personas.circle, member=personas.members["member"], idea=idea)
    link.agenda_item.refresh_from_db()
    assert link.agenda_item.added_by is None


# --- the pages ----------------------------------------------------------------------------------


def test_add_to_agenda_from_the_idea_page_as_every_persona(personas, users, idea):
    meeting_at(personas.circle, 2)
    url = reverse("ideas:idea_agenda_add", args=[idea.pk])
    seen = {}
    for name, user in users.items():
        AgendaLink.objects.all().delete()
        AgendaItem.objects.all().delete()
        response = _client(user).post(url)
        seen[name] = (response.status_code, AgendaLink.objects.filter(idea=idea).count())
    assert seen == {name: (302, 1) if name in ("lead", "member") else (404, 0) for name in PERSONAS}


def test_add_to_agenda_from_a_program_challenge_per_the_viewers_circle(
    personas, users, program_challenge
):
    meeting_at(personas.circle, 2)
    meeting_at(personas.other_circle, 2)
    url = reverse("ideas:challenge_agenda_add", args=[program_challenge.pk])
    seen = {}
    for name, user in users.items():
        for circle in (personas.circle, personas.other_circle):
            AgendaLink.objects.all().delete()
            response = _client(user).post(url, {"circle": circle.pk})
            seen[(name, circle.name)] = (response.status_code, AgendaLink.objects.count())
    ours = {("lead", "North"), ("member", "North"), ("peer", "South")}
    assert seen == {
        (name, circle): (302, 1) if (name, circle) in ours else (404, 0)
        for name in PERSONAS
        for circle in ("North", "South")
    }


def test_the_challenge_page_offers_the_viewers_circles(personas, program_challenge, idea):
    page = (
        _client(personas.member)
        .get(reverse("ideas:challenge_detail", args=[program_challenge.pk]))
        .content.decode()
    )
    assert "Add to the next meeting's agenda" in page
    assert "Points of view" in page
    page = (
        _client(personas.coordinator)
        .get(reverse("ideas:challenge_detail", args=[program_challenge.pk]))
        .content.decode()
    )
    assert "next meeting" not in page


def test_no_upcoming_meeting_from_the_page_says_so_and_adds_nothing(personas, idea):
    client = _client(personas.member)
    response = client.post(reverse("ideas:idea_agenda_add", args=[idea.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "North has no upcoming meeting to add this to" in page
    assert AgendaItem.objects.count() == 0


def _main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, re.DOTALL)
    assert found
    return found.group()


def test_the_meeting_page_lists_the_ideas_on_its_agenda_and_the_decisions_recorded(
    personas, users, idea, program_challenge
):
    today = meeting_at(personas.circle, 0.1)
    agenda_link_add(circle=personas.circle, member=personas.members["member"], idea=idea)
    agenda_link_add(circle=personas.circle, member=personas.members["lead"],
                    challenge=program_challenge)  # fmt: skip
    decide(idea, personas.members["lead"], "discussing", meeting=today)
    url = reverse("meetings:detail", args=[today.pk])
    for name, user in users.items():
        response = _client(user).get(url)
        if name in ("peer", "outsider"):
            assert response.status_code == 404, name
            continue
        page = _main(response.content.decode())
        ideas = page[page.index("Ideas on the agenda") : page.index("Decisions recorded")]
        assert f'href="{reverse("ideas:idea_detail", args=[idea.pk])}">Call at lunchtime' in ideas
        assert program_challenge.title in ideas
        decisions = page[page.index("Decisions recorded") :]
        assert "Call at lunchtime</a>: <strong>Proposed → Discussing</strong>" in decisions
        assert "The circle chose discussing." in decisions
        assert "Member Persona" not in ideas  # the idea's author is not named


# --- the decision form's meeting ---------------------------------------------------------------


def test_the_decision_form_offers_the_last_seven_days_meetings_todays_chosen(personas, idea):
    meeting_at(personas.circle, -8)
    last_week = meeting_at(personas.circle, -6)
    today = meeting_at(personas.circle, 0.2)
    meeting_at(personas.circle, 3)
    client = _client(personas.lead)
    page = client.get(reverse("ideas:idea_detail", args=[idea.pk])).content.decode()
    offered = re.findall(r'<option value="(\d+)"( selected)?>the meeting of', page)
    assert offered == [(str(today.pk), " selected"), (str(last_week.pk), "")]
    response = client.post(
        reverse("ideas:decide", args=[idea.pk]),
        {"to_stage": "discussing", "rationale": "We talked it through.", "meeting": last_week.pk},
    )
    assert response.status_code == 302
    assert Decision.objects.get().meeting == last_week
    page = client.get(reverse("meetings:detail", args=[last_week.pk])).content.decode()
    assert "We talked it through." in page


def test_a_meeting_older_than_a_week_is_refused_and_nothing_is_decided(personas, idea):
    old = meeting_at(personas.circle, -8)
    response = _client(personas.lead).post(
        reverse("ideas:decide", args=[idea.pk]),
        {"to_stage": "discussing", "rationale": "We talked it through.", "meeting": old.pk},
    )
    assert response.status_code == 400
    assert "meetings of the last seven days" in response.content.decode()
    assert not Decision.objects.exists()
