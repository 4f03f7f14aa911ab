"""Meeting pages (views/meeting.py, views/schedule.py) for every persona, the forms' bad input,
and query counts that must not grow with the data. Every test also tries the outsider."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.services import circle_update
from roundtable.meetings import services
from roundtable.meetings.tests.helpers import newcomer
from roundtable.orgs.services import member_set_availability, member_update
from roundtable.testing.personas import PERSONA_NAMES

MANAGERS = {"admin", "coordinator", "lead"}


@pytest.fixture
def meeting(personas):
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=timezone.localdate().weekday(),
        start_time=dt.time(9),
        starts_on=timezone.localdate() - dt.timedelta(days=14),
        now=timezone.now() - dt.timedelta(days=14),
    )
    return personas.circle.meetings.order_by("starts_at").first()


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
    assert "2.0/5 from 1" in body
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "“Storming”" in page
    assert "Member Persona" not in page.split("How useful was it?")[1].split("</article>")[0]
    client.force_login(personas.outsider)
    refused = client.post(reverse("meetings:feedback", args=[meeting.pk]), {"rating": "5"})
    assert refused.status_code == 404
    assert list(meeting.feedback.values_list("rating", flat=True)) == [2]


def test_schedule_form_reports_bad_input(client, personas):
    client.force_login(personas.lead)
    url = reverse("meetings:schedule", args=[personas.circle.pk])
    bad = {
        "frequency": "monthly",
        "weekday": "1",
        "nth": "",
        "start_time": "25:00",
        "duration_minutes": "5",
        "starts_on": "2027-01-01",
        "reminder_lead_hours": "24",
    }
    response = client.post(url, bad)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid time" in body
    assert "greater than or equal to 15" in body
    assert 'value="6">Sunday</option>' in client.get(url).content.decode()
    client.force_login(personas.outsider)
    good = {**bad, "frequency": "weekly", "start_time": "09:00", "duration_minutes": "60"}
    assert client.post(url, good).status_code == 404
    assert not personas.circle.meetings.exists()


def test_move_form_refuses_the_past(client, personas, meeting):
    client.force_login(personas.lead)
    upcoming = personas.circle.meetings.filter(starts_at__gt=timezone.now()).first()
    response = client.post(
        reverse("meetings:move", args=[upcoming.pk]),
        {"starts_at": "2020-01-01T09:00", "duration_minutes": "60", "reason": "Oops"},
    )
    assert "cannot be moved into the past" in response.content.decode()
    client.force_login(personas.outsider)
    refused = client.post(
        reverse("meetings:move", args=[upcoming.pk]),
        {"starts_at": "2027-03-20T09:00", "duration_minutes": "60", "reason": "Mine now"},
    )
    assert refused.status_code == 404
    refused = client.post(reverse("meetings:cancel", args=[upcoming.pk]), {"reason": "Mine"})
    assert refused.status_code == 404
    upcoming.refresh_from_db()
    assert (upcoming.sequence, upcoming.status) == (0, "scheduled")


def test_lead_moves_and_cancels_a_meeting(client, personas, meeting):
    upcoming, later = personas.circle.meetings.filter(starts_at__gt=timezone.now())[:2]
    client.force_login(personas.lead)
    response = client.post(
        reverse("meetings:move", args=[upcoming.pk]),
        {"starts_at": "2027-03-09T14:00", "duration_minutes": "90", "reason": "Room taken"},
    )
    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.starts_at == dt.datetime(2027, 3, 9, 14, tzinfo=dt.UTC)  # London, GMT
    assert upcoming.duration_minutes == 90
    response = client.post(reverse("meetings:cancel", args=[later.pk]), {"reason": "Offsite"})
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.is_cancelled


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
    assert "att-present" in own
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


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_coordinators_edit_the_meeting_structure(client, personas, meeting, persona):
    client.force_login(personas.user(persona))
    url = reverse("meetings:agenda_template", args=[personas.program.pk])
    response = client.post(url, {"text": "Wins: one each\nHot seat: one problem, all ideas\n"})
    if persona in {"admin", "coordinator"}:
        assert response.status_code == 302
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert "Hot seat" in page
        assert "Critique round" not in page
    else:
        assert response.status_code == 404


def test_meeting_structure_bad_input(client, personas):
    client.force_login(personas.coordinator)
    url = reverse("meetings:agenda_template", args=[personas.program.pk])
    assert "Critique round" in client.get(url).content.decode()  # the default
    response = client.post(url, {"text": ": no title"})
    assert "has no title" in response.content.decode()
    assert not personas.program.agenda_sections.exists()
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404


def test_schedule_page_suggests_times_from_availability(client, personas):
    lead, member = personas.members["lead"], personas.members["member"]
    member_set_availability(member=lead, slots=[(1, dt.time(9), dt.time(12))])
    member_set_availability(member=member, slots=[(1, dt.time(10), dt.time(12))])
    client.force_login(personas.lead)
    body = client.get(reverse("meetings:schedule", args=[personas.circle.pk])).content.decode()
    assert "Times that suit the circle" in body
    assert "Tuesday 10:00" in body
    assert "2: Lead Persona, Member Persona" in body
    client.force_login(personas.outsider)
    assert client.get(reverse("meetings:schedule", args=[personas.circle.pk])).status_code == 404


def _grow(personas, meeting, count=5):
    """More people in the circle, each with an agenda item, attendance, feedback and a reply."""
    lead = personas.members["lead"]
    for _ in range(count):
        member = newcomer(personas.circle, joined_on=dt.date(2027, 1, 1))
        services.agenda_item_add(meeting=meeting, member=member, title="Stock levels")
        services.attendance_set(meeting=meeting, member=member, status="present", reported_by=lead)
        services.feedback_give(meeting=meeting, member=member, rating=4, comment="Good")
        services.rsvp_set(meeting=meeting, member=member, response="yes")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["lead", "member", "sponsor"])
def test_meeting_page_query_count_does_not_grow(client, personas, meeting, persona):
    personas.circle.memberships.update(joined_on=dt.date(2027, 1, 1))
    client.force_login(personas.user(persona))
    url = reverse("meetings:detail", args=[meeting.pk])
    client.get(url)  # warm the session
    before = _queries(client, url)
    _grow(personas, meeting)
    assert _queries(client, url) == before
    body = client.get(url).content.decode()
    assert body.count("<strong>Stock levels</strong>") == 5
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


def _schedule_post(**changes):
    data = {"frequency": "weekly", "weekday": "1", "nth": "", "start_time": "09:00",
            "duration_minutes": "60", "starts_on": "2027-03-01", "ends_on": "",
            "reminder_lead_hours": "24"}  # fmt: skip
    return {**data, **changes}


def test_schedule_change_is_previewed_and_applied_only_on_confirmation(client, personas):
    services.schedule_set(
        circle=personas.circle, frequency="weekly", weekday=1, start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    first = personas.circle.meetings.earliest("starts_at")
    services.rsvp_set(meeting=first, member=personas.members["member"], response="yes")
    url = reverse("meetings:schedule", args=[personas.circle.pk])
    client.force_login(personas.outsider)
    assert client.post(url, _schedule_post(starts_on="2028-06-01")).status_code == 404
    client.force_login(personas.lead)
    response = client.post(url, _schedule_post(starts_on="2028-06-01"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "What this change does" in body
    assert "Tue 2 Mar 2027, 09:00</strong>\n      is <strong>cancelled</strong>" in body
    assert "Holds: 1 reply" in body
    assert "is removed: it holds nothing" in body
    first.refresh_from_db()
    assert (first.status, personas.circle.meetings.count()) == ("scheduled", 12)
    token = response.context["plan"].token
    applied = client.post(url, _schedule_post(starts_on="2028-06-01", confirm=token))
    assert applied.status_code == 302
    first.refresh_from_db()
    assert (first.status, personas.circle.meetings.count()) == ("cancelled", 1)


def test_schedule_form_refuses_a_start_years_ahead(client, personas):
    client.force_login(personas.lead)
    url = reverse("meetings:schedule", args=[personas.circle.pk])
    body = client.post(url, _schedule_post(starts_on="2100-01-01")).content.decode()
    assert "The first meeting can be at most 3 years ahead (on or before 01 March 2030)." in body
    assert not personas.circle.meetings.exists()


def test_a_suggested_time_fills_the_schedule_form_with_one_click(client, personas):
    lead, member = personas.members["lead"], personas.members["member"]
    member_set_availability(member=lead, slots=[(3, dt.time(9), dt.time(12))])
    member_set_availability(member=member, slots=[(3, dt.time(10), dt.time(12))])
    client.force_login(personas.lead)
    url = reverse("meetings:schedule", args=[personas.circle.pk])
    body = client.get(url).content.decode()
    link = "?weekday=3&amp;start_time=10:00#schedule-form"
    assert f'href="{link}" aria-label="Use Thursday 10:00"' in body
    filled = client.get(url, {"weekday": "3", "start_time": "10:00"}).content.decode()
    assert '<option value="3" selected>Thursday</option>' in filled
    assert 'value="10:00"' in filled
    client.force_login(personas.outsider)
    assert client.get(url, {"weekday": "3", "start_time": "10:00"}).status_code == 404


def test_lead_restores_a_cancelled_meeting(client, personas, meeting):
    upcoming = personas.circle.meetings.filter(starts_at__gt=timezone.now()).first()
    services.meeting_cancel(meeting=upcoming, reason="Snow")
    url = reverse("meetings:restore", args=[upcoming.pk])
    client.force_login(personas.outsider)
    assert client.post(url, {"reason": "Mine"}).status_code == 404
    client.force_login(personas.member)
    assert client.post(url, {"reason": "Mine"}).status_code == 404
    client.force_login(personas.lead)
    detail = client.get(reverse("meetings:detail", args=[upcoming.pk])).content.decode()
    assert f'href="{url}">Restore meeting</a>' in detail
    assert client.post(url, {"reason": ""}).status_code == 302
    upcoming.refresh_from_db()
    assert (upcoming.status, upcoming.change_reason) == ("scheduled", "It takes place after all.")
