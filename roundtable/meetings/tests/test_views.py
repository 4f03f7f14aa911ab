"""Meeting pages (views/meeting.py) for every persona, their forms' bad input, and query counts
that must not grow with the data. Every test also tries the outsider."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.services import circle_update
from roundtable.commitments.services.commitments import commitment_answer, commitment_ask
from roundtable.ideas.models import AgendaLink
from roundtable.ideas.services.challenges import challenge_create
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.ideas import idea_propose
from roundtable.meetings import services
from roundtable.meetings.tests.helpers import newcomer, weekly_from_two_weeks_ago
from roundtable.orgs.services import member_update
from roundtable.testing.charts import chart_in
from roundtable.testing.personas import PERSONA_NAMES

MANAGERS = {"admin", "coordinator", "lead"}


@pytest.fixture
def meeting(personas):
    return weekly_from_two_weeks_ago(personas.circle)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_meeting_pages_for_every_persona(client, personas, meeting, persona):
    client.force_login(personas.user(persona))
    expected = {
        reverse("meetings:detail", args=[meeting.pk]): {"admin", "coordinator", "sponsor",
                                                        "lead", "member"},
        reverse("meetings:move", args=[meeting.pk]): MANAGERS,
        reverse("meetings:cancel", args=[meeting.pk]): MANAGERS,
        reverse("meetings:schedule", args=[personas.circle.pk]): MANAGERS,
        reverse("circles:detail", args=[personas.circle.pk]): {"admin", "coordinator",
                                                               "sponsor", "lead", "member"},
    }  # fmt: skip
    for url, allowed in expected.items():
        assert client.get(url).status_code == (200 if persona in allowed else 404), url


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_circle_members_add_agenda_items(client, personas, meeting, persona):
    client.force_login(personas.user(persona))
    response = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Repeat call-outs"}
    )
    added = meeting.agenda_items.filter(title="Repeat call-outs").exists()
    assert added == (persona in {"lead", "member"})
    assert response.status_code == (302 if persona in {"lead", "member"} else 404)


def test_other_circles_notes_are_hidden(client, personas, meeting):
    services.meeting_notes_save(
        meeting=meeting, notes="Secret **plans**", author=None, base_version=0
    )
    other = personas.other_circle.memberships.first().member
    for user in (other.user, personas.outsider):
        client.force_login(user)
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
        response = client.post(
            reverse("meetings:notes", args=[meeting.pk]), {"notes": "Mine", "version": "1"}
        )
        assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.notes == "Secret **plans**"


def test_notes_are_saved_and_shown_sanitised(client, personas, meeting):
    client.force_login(personas.member)
    url = reverse("meetings:notes", args=[meeting.pk])
    response = client.post(url, {"notes": "**Wins** <script>x()</script>", "version": "0"})
    assert response.status_code == 302
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "<strong>Wins</strong>" in page
    assert "<script>x()" not in page
    too_long = client.post(url, {"notes": "y" * 50_001, "version": "1"})
    assert too_long.status_code == 400
    assert "limited to 50,000 characters" in too_long.content.decode()
    meeting.refresh_from_db()
    assert meeting.notes.startswith("**Wins**")


def test_agenda_items_are_toggled_only_through_their_own_meeting(client, personas, meeting):
    item = services.agenda_item_add(
        meeting=meeting, member=personas.members["member"], title="Pricing"
    )
    other_meeting = personas.circle.meetings.exclude(pk=meeting.pk).earliest("starts_at")
    client.force_login(personas.member)
    wrong = reverse("meetings:agenda_toggle", args=[other_meeting.pk, item.pk])
    assert client.post(wrong).status_code == 404
    right = reverse("meetings:agenda_toggle", args=[meeting.pk, item.pk])
    assert client.post(right).status_code == 302
    item.refresh_from_db()
    assert item.done
    for persona in ("outsider", "sponsor"):
        client.force_login(personas.user(persona))
        assert client.post(right).status_code == 404
    item.refresh_from_db()
    assert item.done


def test_member_reports_own_attendance_not_others(client, personas, meeting):
    client.force_login(personas.member)
    me, lead = personas.members["member"], personas.members["lead"]
    url = reverse("meetings:attendance", args=[meeting.pk, me.pk])
    assert client.post(url, {"status": "excused"}).status_code == 302
    assert meeting.attendance.get(member=me).status == "excused"
    url = reverse("meetings:attendance", args=[meeting.pk, lead.pk])
    assert client.post(url, {"status": "absent"}).status_code == 404
    client.force_login(personas.outsider)
    outsider = reverse("meetings:attendance", args=[meeting.pk, personas.members["outsider"].pk])
    assert client.post(outsider, {"status": "present"}).status_code == 404
    mine = reverse("meetings:attendance", args=[meeting.pk, me.pk])
    assert client.post(mine, {"status": "absent"}).status_code == 404
    assert list(meeting.attendance.values_list("member_id", "status")) == [(me.pk, "excused")]


def test_feedback_and_trend_on_the_circle_page(client, personas, meeting):
    client.force_login(personas.member)
    response = client.post(
        reverse("meetings:feedback", args=[meeting.pk]), {"rating": "2", "comment": "Storming"}
    )
    assert response.status_code == 302
    body = client.get(reverse("circles:detail", args=[personas.circle.pk])).content.decode()
    assert "How meetings have gone" in body
    # The chart's JSON and the table behind it: the meeting, its rating and a link to it.
    trend = chart_in(body, "chart-meeting-trend")
    past = list(personas.circle.meetings.filter(starts_at__lt=timezone.now()).order_by("starts_at"))
    assert past[0] == meeting
    assert trend.links == [reverse("meetings:detail", args=[m.pk]) for m in past]
    assert trend.data["links"] == trend.links
    assert trend.values["Usefulness"][0] == 2.0
    assert trend.columns["Usefulness"][0] == "2.0/5 from 1"
    assert trend.columns["Status"][0] == "held"
    # Past meetings nobody rated are there too, shown as such.
    assert trend.values["Usefulness"][1:] == [None] * (len(past) - 1)
    assert trend.columns["Usefulness"][1:] == ["no ratings"] * (len(past) - 1)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "“Storming”" in page
    assert "Member Persona" not in page.split("How useful was it?")[1].split("</article>")[0]
    client.force_login(personas.outsider)
    refused = client.post(reverse("meetings:feedback", args=[meeting.pk]), {"rating": "5"})
    assert refused.status_code == 404
    assert list(meeting.feedback.values_list("rating", flat=True)) == [2]


def test_htmx_agenda_add_returns_the_fragment(client, personas, meeting):
    client.force_login(personas.member)
    response = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"title": "Spare parts"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Spare parts" in response.content.decode()
    client.force_login(personas.outsider)
    refused = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Ours"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 404
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Spare parts"]


def test_htmx_attendance_mark_returns_the_table(client, personas, meeting):
    personas.circle.memberships.update(joined_on=timezone.localdate() - dt.timedelta(days=30))
    client.force_login(personas.lead)
    member = personas.members["member"]
    url = reverse("meetings:attendance", args=[meeting.pk, member.pk])
    response = client.post(url, {"status": "present"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'value="present" class="small " aria-pressed="true"' in body
    assert meeting.attendance.get(member=member).status == "present"
    response = client.post(url, {"status": "asleep"}, HTTP_HX_REQUEST="true")
    assert "Choose present, absent or excused." in response.content.decode()
    assert meeting.attendance.get(member=member).status == "present"
    client.force_login(personas.outsider)
    assert client.post(url, {"status": "absent"}, HTTP_HX_REQUEST="true").status_code == 404
    assert meeting.attendance.get(member=member).status == "present"


def test_consistency_on_own_page_not_on_a_peers(client, personas, meeting):
    member = personas.members["member"]
    # Joined before the first meeting, so it counts for them.
    personas.circle.memberships.update(joined_on=timezone.localdate() - dt.timedelta(days=30))
    services.attendance_set(
        meeting=meeting, member=member, status="present", reported_by=personas.members["lead"]
    )
    url = reverse("orgs:member_detail", args=[member.pk])
    client.force_login(personas.member)
    own = client.get(url).content.decode()
    assert "Current streak" in own
    attendance = chart_in(own, "chart-attendance-trend")
    past = list(personas.circle.meetings.filter(starts_at__lt=timezone.now()).order_by("starts_at"))
    assert past[0] == meeting
    assert attendance.links == [reverse("meetings:detail", args=[m.pk]) for m in past]
    assert attendance.columns["Attendance"] == ["present"] + ["not recorded"] * (len(past) - 1)
    assert attendance.data["datasets"][0]["point_colours"] == ["accent"] + ["grey-hollow"] * (
        len(past) - 1
    )
    client.force_login(personas.lead)
    assert "Current streak" not in client.get(url).content.decode()
    body = client.get(reverse("circles:detail", args=[personas.circle.pk])).content.decode()
    assert "meetings in a row" in body
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404


def test_meeting_page_shows_circle_time_and_my_time(client, personas):
    circle = circle_update(circle=personas.circle, time_zone="America/New_York")
    services.schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=2,
        start_time=dt.time(9),
        starts_on=timezone.localdate(),
    )
    member_update(member=personas.members["member"], time_zone="Europe/Berlin")
    meeting = circle.meetings.earliest("starts_at")
    client.force_login(personas.member)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "09:00 America/New_York time" in body
    berlin = meeting.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{berlin:%H:%M} your time" in body
    client.force_login(personas.outsider)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


def test_reply_from_home_page(client, personas, meeting):
    upcoming = personas.circle.meetings.filter(starts_at__gt=timezone.now()).earliest("starts_at")
    client.force_login(personas.member)
    response = client.post(
        reverse("meetings:reply", args=[upcoming.pk]), {"response": "no", "next": "home"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home:home")
    assert upcoming.rsvps.get().response == "no"
    home = client.get(reverse("home:home")).content.decode()
    assert 'value="no" class="small "' in home
    client.force_login(personas.lead)
    page = client.get(reverse("meetings:detail", args=[upcoming.pk])).content.decode()
    assert "not coming" in page
    for persona in ("sponsor", "outsider"):
        client.force_login(personas.user(persona))
        reply = client.post(reverse("meetings:reply", args=[upcoming.pk]), {"response": "yes"})
        assert reply.status_code == 404
    assert list(upcoming.rsvps.values_list("response", flat=True)) == ["no"]
    client.force_login(personas.member)
    client.post(reverse("meetings:reply", args=[upcoming.pk]), {"response": "perhaps"})
    assert list(upcoming.rsvps.values_list("response", flat=True)) == ["no"]


def _grow(personas, meeting, count=5):
    """More people in the circle, each with an agenda item, attendance, feedback and a reply,
    and an idea put on the agenda and decided at the meeting."""
    lead = personas.members["lead"]
    challenge = challenge_create(
        program=personas.program, circle=personas.circle, posed_by=lead,
        title="Stock runs out", description="We run out of stock twice a month.",
    )  # fmt: skip
    for _ in range(count):
        member = newcomer(personas.circle, joined_on=dt.date(2027, 1, 1))
        services.agenda_item_add(meeting=meeting, member=member, title="Stock levels")
        services.attendance_set(meeting=meeting, member=member, status="present", reported_by=lead)
        services.feedback_give(meeting=meeting, member=member, rating=4, comment="Good")
        services.rsvp_set(meeting=meeting, member=member, response="yes")
        idea, _ = idea_propose(
            challenge=challenge, circle=personas.circle, member=member,
            summary="Order weekly", how="Every Monday.", effect="No gaps.",
        )  # fmt: skip
        # The meeting is past, so the link is made here (the service links the next meeting).
        item = services.agenda_item_add(meeting=meeting, member=member, title="Idea: Order weekly")
        AgendaLink.objects.create(agenda_item=item, idea=idea)
        idea_decide(idea=idea, to_stage="discussing", rationale="Worth a talk.", by=lead,
                    meeting=meeting)  # fmt: skip
        # A commitment asked for at the meeting, answered with the member's own date.
        commitment = commitment_ask(circle=personas.circle, asked_by=lead, owner=member,
                                    title="Count the stock", meeting=meeting)  # fmt: skip
        commitment_answer(commitment=commitment, member=member,
                          due_on=timezone.localdate() + dt.timedelta(days=3))  # fmt: skip


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("persona", ["lead", "member", "sponsor"])
def test_meeting_page_query_count_does_not_grow(client, personas, meeting, persona, anonymous):
    circle_update(circle=personas.circle, feedback_anonymous=anonymous)
    personas.circle.memberships.update(joined_on=dt.date(2027, 1, 1))
    client.force_login(personas.user(persona))
    url = reverse("meetings:detail", args=[meeting.pk])
    client.get(url)  # warm the session
    before = _queries(client, url)
    _grow(personas, meeting)
    assert _queries(client, url) == before
    body = client.get(url).content.decode()
    assert body.count("<strong>Stock levels</strong>") == 5
    assert body.count("“Good” — ") == 5  # with a name or "anonymous", as each was given
    assert body.count('Order weekly</a> <span class="badge">Discussing</span>') == 5
    assert body.count("Order weekly</a>: <strong>Proposed → Discussing</strong>") == 5
    assert body.count("<strong>Count the stock</strong>") == 5
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404


def test_circle_meetings_list_query_count_does_not_grow(client, personas, meeting):
    personas.circle.memberships.update(joined_on=dt.date(2027, 1, 1))
    client.force_login(personas.member)
    url = reverse("circles:detail", args=[personas.circle.pk])
    client.get(url)
    before = _queries(client, url)
    _grow(personas, meeting)
    for upcoming in personas.circle.meetings.filter(starts_at__gt=timezone.now())[:3]:
        services.agenda_item_add(
            meeting=upcoming, member=personas.members["member"], title="Pricing"
        )
    assert _queries(client, url) == before
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
