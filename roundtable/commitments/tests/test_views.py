"""Commitment pages: every page as every persona (the other circle's lead and the outsider
included), what a refused post does (nothing), my commitments' order as the page shows it, the
meeting page's one line, and query counts that do not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.commitments.models import BusyPeriod, Commitment, DateChange
from roundtable.commitments.services import busy
from roundtable.commitments.services import commitments as services
from roundtable.commitments.tests.helpers import agreed, asked, taken_on
from roundtable.ideas.tests.decision_factories import newcomer
from roundtable.meetings.models import Meeting
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.usefixtures("frozen_clock")

PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "peer", "outsider")
NORTH = {"admin", "coordinator", "sponsor", "lead", "member"}
ASKERS = {"admin", "coordinator", "lead", "member"}
SOUTH = {"admin", "coordinator", "sponsor", "peer"}


@pytest.fixture
def users(personas, peer):
    found = {name: personas.user(name) for name in PERSONAS if name != "peer"}
    found["peer"] = peer.user
    return found


@pytest.fixture
def world(personas, lead, member):
    commitment = agreed(personas.circle, lead, member)
    request = asked(personas.circle, member, lead, "Book the room")
    period = busy.busy_period_add(
        member=member, label="Launch", starts_on=dt.date(2027, 3, 4), ends_on=dt.date(2027, 3, 6)
    )
    return {"commitment": commitment, "request": request, "period": period}


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url).status_code


def test_every_page_as_every_persona(personas, users, world):
    c, period = world["commitment"], world["period"]
    circle = personas.circle.pk
    pages = [
        (reverse("commitments:mine"), set(PERSONAS)),
        (reverse("commitments:busy"), set(PERSONAS)),
        (reverse("commitments:board", args=[circle]), NORTH),
        (reverse("commitments:create", args=[circle]), ASKERS),
        (reverse("commitments:detail", args=[c.pk]), NORTH),
        (reverse("commitments:move", args=[c.pk]), {"member"}),
        (reverse("commitments:busy_detail", args=[period.pk]), {"member"}),
        (reverse("commitments:board", args=[personas.other_circle.pk]), SOUTH),
    ]  # fmt: skip
    seen, expected = {}, {}
    for url, allowed in pages:
        for name, user in users.items():
            seen[(url, name)] = _get(user, url)
            # Someone who sees a commitment but does not own it is sent back from its move page.
            refused_move = "/move/" in url and name in NORTH
            expected[(url, name)] = 200 if name in allowed else 302 if refused_move else 404
    assert seen == expected


def test_the_owner_still_sees_their_commitment_after_leaving_the_circle(personas, member, world):
    from roundtable.circles.services import circle_remove_member

    circle_remove_member(circle=personas.circle, member=member)
    assert _get(member.user, reverse("commitments:detail", args=[world["commitment"].pk])) == 200


POSTS = {
    "answer": {"due_on": "2027-03-09"},
    "decline": {"reason": "No."},
    "counter": {"proposal": "Half."},
    "accept": {},
    "reply": {"text": "Please."},
    "done": {"note": "Done."},
    "drop": {"reason": "Not needed."},
    "move": {"due_on": "2027-03-09", "reason": "Late."},
}


def _state(*commitments):
    rows = []
    for c in commitments:
        c.refresh_from_db()
        rows.append((c.status, c.due_at, c.answer, c.done_at, c.dropped_reason))
    return rows, DateChange.objects.count()


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor", "lead", "peer", "outsider"])
def test_nobody_but_the_owner_answers_moves_finishes_or_drops(personas, users, world, name):
    c, request = world["commitment"], world["request"]  # the member's, and the lead's request
    before = _state(c, request)
    client = Client()
    client.force_login(users[name])
    for action, data in POSTS.items():
        target = request if action in {"answer", "decline", "counter"} and name != "lead" else c
        response = client.post(reverse(f"commitments:{action}", args=[target.pk]), data)
        visible = name in NORTH
        assert response.status_code == (302 if visible else 404), (name, action)
    if name == "lead":  # the lead owns the request: only the member's commitment is refused
        return
    assert _state(c, request) == before


def test_a_non_owner_is_told_why_and_nothing_moves(client, personas, world):
    c = world["commitment"]
    before = _state(c)
    client.force_login(personas.lead)
    response = client.post(
        reverse("commitments:move", args=[c.pk]),
        {"due_on": "2027-03-09", "reason": "I say so."},
        follow=True,
    )
    assert "Only Member Persona, who owns it, moves its date." in response.content.decode()
    assert _state(c) == before


def test_a_past_date_is_refused_on_the_move_page_and_kept_typed(client, personas, world):
    c = world["commitment"]
    before = _state(c)
    client.force_login(personas.member)
    response = client.post(
        reverse("commitments:move", args=[c.pk]), {"due_on": "2027-02-01", "reason": "Oops."}
    )
    page = response.content.decode()
    assert "Choose a date and time still to come." in page
    assert "Oops.</textarea>" in page
    assert _state(c) == before


def test_asking_from_the_board_makes_a_request_without_a_date(client, personas, lead, member):
    client.force_login(personas.lead)
    url = reverse("commitments:create", args=[personas.circle.pk])
    refused = client.post(url, {"owner": member.pk, "title": "Send it", "due_on": "2027-03-09"})
    assert "chooses their own date" in refused.content.decode()
    assert not Commitment.objects.exists()
    response = client.post(url, {"owner": member.pk, "title": "Send it"})
    commitment = Commitment.objects.get()
    assert response.url == reverse("commitments:detail", args=[commitment.pk])
    assert (commitment.owner, commitment.asked_by, commitment.due_at) == (member, lead, None)


def test_the_busy_period_form_refuses_an_end_before_the_start(client, personas):
    client.force_login(personas.member)
    response = client.post(
        reverse("commitments:busy"),
        {"label": "Launch", "starts_on": "2027-03-10", "ends_on": "2027-03-09"},
    )
    assert response.status_code == 400
    assert "ends on or after the day it starts" in response.content.decode()
    assert not BusyPeriod.objects.exists()


def test_my_commitments_page_puts_requests_on_top_then_overdue(client, personas, lead, member):
    taken_on(personas.circle, member, "Later thing", on=dt.date(2027, 3, 12))
    taken_on(personas.circle, member, "Sooner thing", on=dt.date(2027, 3, 3))
    asked(personas.circle, lead, member, "Asked thing")
    client.force_login(personas.member)
    page = client.get(reverse("commitments:mine")).content.decode()
    positions = [page.index(t) for t in ("Asked thing", "Sooner thing", "Later thing")]
    assert positions == sorted(positions)
    assert "Waiting for your answer" in page


def test_the_meeting_line_asks_someone_or_takes_it_on_with_a_date(client, personas, lead, member):
    meeting = Meeting.objects.create(
        circle=personas.circle,
        starts_at=dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
        duration_minutes=60,
    )
    client.force_login(personas.lead)
    url = reverse("commitments:meeting_add", args=[meeting.pk])
    client.post(url, {"owner": member.pk, "title": "Draft the script"})
    client.post(url, {"owner": lead.pk, "title": "Book the room"})  # no date: refused
    client.post(url, {"owner": lead.pk, "title": "Send notes", "due_on": "2027-03-02"})
    made = Commitment.objects.filter(meeting=meeting).order_by("id")
    assert [(c.title, c.owner, c.status) for c in made] == [
        ("Draft the script", member, "requested"),
        ("Send notes", lead, "open"),
    ]
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Draft the script" in page
    assert "Send notes" in page
    client.force_login(personas.sponsor)
    assert client.post(url, {"owner": member.pk, "title": "X"}).status_code == 404
    assert made.count() == 2


def _grow(personas, lead, count=4):
    for i in range(count):
        person = newcomer(personas.circle)
        base = taken_on(personas.circle, person, f"Grown {i}", on=dt.date(2027, 3, 2))
        other = agreed(personas.circle, lead, person, f"Asked {i}")
        services.commitment_wait_on(commitment=other, on=base, member=person)
        services.commitment_done(commitment=base, member=person)
        services.commitment_move(
            commitment=other, member=person, due_on=dt.date(2027, 3, 9), reason="Later."
        )


@pytest.mark.parametrize("persona", ["lead", "sponsor"])
def test_the_board_query_count_does_not_grow(client, personas, lead, persona, world):
    client.force_login(personas.user(persona))
    url = reverse("commitments:board", args=[personas.circle.pk])
    assert_queries_flat(client, url, grow=lambda: _grow(personas, lead))
    assert client.get(url).content.decode().count("Grown ") == 4


def test_my_commitments_query_count_does_not_grow(client, personas, lead, world):
    client.force_login(personas.lead)
    url = reverse("commitments:mine")
    assert_queries_flat(client, url, grow=lambda: _grow(personas, lead))
    assert client.get(url).content.decode().count("Asked ") >= 4


def test_a_commitment_page_query_count_does_not_grow(client, personas, lead, member, world):
    c = world["commitment"]
    client.force_login(personas.member)
    url = reverse("commitments:detail", args=[c.pk])

    def grow():
        for i in range(4):
            person = newcomer(personas.circle)
            waiter = taken_on(personas.circle, person, f"Waiter {i}")
            services.commitment_wait_on(commitment=waiter, on=c, member=person)
            services.commitment_move(
                commitment=c, member=member, due_on=dt.date(2027, 3, 10 + i), reason="Again."
            )

    assert_queries_flat(client, url, grow=grow)
    assert "Date changes: moved 4 times" in client.get(url).content.decode()


def test_home_shows_what_is_due_this_week_with_flat_queries(client, personas, lead, member):
    client.force_login(personas.member)
    url = reverse("home:home")

    def grow():
        for i in range(3):
            taken_on(personas.circle, member, f"This week {i}", on=dt.date(2027, 3, 3))

    assert_queries_flat(client, url, grow=grow)
    page = client.get(url).content.decode()
    assert "Due this week" in page
    assert page.count("This week ") == 3
