"""Calendar feeds, read back with an independent parser (icalendar + recurring-ical-events)."""

from __future__ import annotations

import datetime as dt

import recurring_ical_events
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from roundtable.circles.services import circle_update
from roundtable.meetings import services
from roundtable.testing.personas import PERSONA_NAMES


def _schedule(personas):
    circle = circle_update(circle=personas.circle, time_zone="America/New_York")
    services.schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=timezone.localdate(),
    )
    return circle


def _parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def test_member_feed_matches_the_apps_meetings(client, personas):
    circle = _schedule(personas)
    meetings = list(circle.meetings.order_by("starts_at"))
    services.meeting_cancel(meeting=meetings[1], reason="Holiday")
    moved = services.meeting_move(
        meeting=meetings[2], starts_at=meetings[2].starts_at + dt.timedelta(hours=3), reason="Clash"
    )
    feed = services.calendar_feed_reset(member=personas.members["member"])
    response = client.get(reverse("meetings:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = _parse(response.content)
    window = (timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(weeks=13))
    occurrences = recurring_ical_events.of(calendar).between(*window)
    by_uid = {str(e["UID"]): e for e in occurrences}
    assert len(by_uid) == len(meetings)
    for meeting in meetings:
        event = by_uid[f"meeting-{meeting.pk}@roundtable"]
        meeting.refresh_from_db()
        assert event.decoded("DTSTART") == meeting.starts_at
        assert event.decoded("DTSTART").tzinfo.key == "America/New_York"
        assert int(event["SEQUENCE"]) == meeting.sequence
        assert str(event["URL"]).endswith(f"/meetings/{meeting.pk}/")
    assert str(by_uid[f"meeting-{meetings[1].pk}@roundtable"]["STATUS"]) == "CANCELLED"
    assert int(by_uid[f"meeting-{moved.pk}@roundtable"]["SEQUENCE"]) == 1
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"America/New_York"}


def test_reset_link_stops_the_old_feed(client, personas):
    _schedule(personas)
    old = services.calendar_feed_reset(member=personas.members["member"]).token
    client.force_login(personas.member)
    response = client.post(reverse("meetings:feed_reset"))
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:feed", args=["made-up"])).status_code == 404


def test_profile_shows_the_calendar_link(client, personas):
    client.force_login(personas.member)
    assert "Create my calendar link" in client.get(reverse("orgs:profile")).content.decode()
    client.post(reverse("meetings:feed_reset"))
    body = client.get(reverse("orgs:profile")).content.decode()
    assert "/calendar/" in body


def test_meeting_ics_download_respects_access(client, personas):
    circle = _schedule(personas)
    meeting = circle.meetings.first()
    url = reverse("meetings:ics", args=[meeting.pk])
    for persona in PERSONA_NAMES:
        client.force_login(personas.user(persona))
        response = client.get(url)
        assert response.status_code == (404 if persona == "outsider" else 200), persona
    client.force_login(personas.member)
    events = _parse(client.get(url).content).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["UID"]) == f"meeting-{meeting.pk}@roundtable"


def test_home_lists_next_meetings(client, personas):
    _schedule(personas)
    client.force_login(personas.member)
    body = client.get(reverse("home:home")).content.decode()
    assert "My next meetings" in body
    assert "Add an agenda item" in body
