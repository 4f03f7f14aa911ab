"""Calendar feeds (calendar.py, views/calendar.py), read back with an independent parser
(icalendar + recurring-ical-events): content, daylight saving, who may fetch, query counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from roundtable.accounts.models import User
from roundtable.circles.services import circle_add_member, circle_remove_member, circle_update
from roundtable.meetings import services
from roundtable.meetings.tests.daylight_saving import DST_CASES, DST_OFFSETS, SERIES_STARTS_ON
from roundtable.meetings.tests.helpers import newcomer
from roundtable.orgs.services import member_update
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


def _feed_events(client, token):
    response = client.get(reverse("meetings:feed", args=[token]))
    assert response.status_code == 200
    return _parse(response.content)


@pytest.mark.parametrize("zone", sorted(DST_CASES))
def test_the_feed_keeps_nine_oclock_local_across_daylight_saving(client, personas, zone):
    circle = circle_update(circle=personas.circle, time_zone=zone)
    services.schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=SERIES_STARTS_ON,
        now=dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC),
    )
    feed = services.calendar_feed_reset(member=personas.members["member"])
    calendar = _feed_events(client, feed.token)
    starts = {}
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo.key == zone
        assert (start.time(), end - start) == (dt.time(9), dt.timedelta(hours=1))
        starts[start.astimezone(dt.UTC)] = start
    before, after = DST_CASES[zone]
    assert starts[before].date() + dt.timedelta(days=7) == starts[after].date()
    assert starts[after].astimezone(ZoneInfo(zone)).time() == dt.time(9)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    offsets = {
        str(part["TZOFFSETTO"].to_ical())
        for part in vtimezone.subcomponents
        if part.name in {"STANDARD", "DAYLIGHT"}
    }
    assert DST_OFFSETS[zone] <= offsets


def test_the_feed_drops_a_circle_the_member_left(client, personas):
    _schedule(personas)
    member = personas.members["member"]
    feed = services.calendar_feed_reset(member=member)
    assert len(_feed_events(client, feed.token).walk("VEVENT")) == 12
    circle_remove_member(circle=personas.circle, member=member)
    assert _feed_events(client, feed.token).walk("VEVENT") == []


def test_the_feed_is_gone_for_an_inactive_member(client, personas):
    _schedule(personas)
    member = personas.members["member"]
    feed = services.calendar_feed_reset(member=member)
    member_update(member=member, is_active=False)
    response = client.get(reverse("meetings:feed", args=[feed.token]))
    assert response.status_code == 404
    assert b"BEGIN:VEVENT" not in response.content


def test_the_feed_is_gone_for_a_deactivated_account(client, personas):
    _schedule(personas)
    member = personas.members["member"]
    feed = services.calendar_feed_reset(member=member)
    User.objects.filter(pk=member.user_id).update(is_active=False)
    response = client.get(reverse("meetings:feed", args=[feed.token]))
    assert response.status_code == 404
    assert b"BEGIN:VEVENT" not in response.content


def test_the_feed_costs_the_same_queries_however_many_meetings(client, personas):
    circle = _schedule(personas)
    member = personas.members["member"]
    feed = services.calendar_feed_reset(member=member)
    with CaptureQueriesContext(connection) as small:
        _feed_events(client, feed.token)
    services.schedule_set(
        circle=personas.other_circle,
        frequency="weekly",
        weekday=3,
        start_time=dt.time(15),
        starts_on=timezone.localdate(),
    )
    circle_add_member(circle=personas.other_circle, member=member)
    for meeting in circle.meetings.all()[:4]:
        services.agenda_item_add(meeting=meeting, member=member, title="Pricing")
        newcomer(circle)
    with CaptureQueriesContext(connection) as big:
        calendar = _feed_events(client, feed.token)
    assert len(calendar.walk("VEVENT")) == 24
    assert len(big) == len(small)
