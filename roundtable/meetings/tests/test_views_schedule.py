"""Schedule pages (views/schedule.py): the schedule with its preview and suggested times, moving,
cancelling and restoring one meeting, the meeting structure; bad input; the outsider too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.meetings import services
from roundtable.meetings.tests.helpers import weekly_from_two_weeks_ago
from roundtable.orgs.services import member_set_availability
from roundtable.testing.personas import PERSONA_NAMES

MANAGERS = {"admin", "coordinator", "lead"}


@pytest.fixture
def meeting(personas):
    return weekly_from_two_weeks_ago(personas.circle)


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
