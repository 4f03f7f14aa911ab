"""Calendar clients that do not know a zone by name (or distrust it) place events with the
VTIMEZONE block itself: read the offsets from that block alone and every event must still land on
the instant stored for the meeting, on both sides of each zone's daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Timezone

from roundtable.meetings.calendar import CalendarEvent, meetings_ics

ZONES = ("Europe/London", "America/New_York", "Australia/Sydney")


def _events() -> list[CalendarEvent]:
    """A 09:00 meeting every four weeks for a year, in each zone: both sides of every change."""
    events = []
    for index, zone in enumerate(ZONES):
        tz = ZoneInfo(zone)
        for week in range(0, 52, 4):
            # Aware arithmetic in one zone keeps the wall-clock time: 09:00 every time.
            local = dt.datetime(2026, 1, 5, 9, 0, tzinfo=tz) + dt.timedelta(weeks=week)
            events.append(
                CalendarEvent(
                    pk=index * 100 + week,
                    circle_name=f"Circle in {zone}",
                    program_name="Program",
                    tzid=zone,
                    starts_at=local.astimezone(dt.UTC),
                    duration_minutes=60,
                    cancelled=False,
                    sequence=0,
                    change_reason="",
                    updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                )
            )
    return events


@pytest.mark.django_db
def test_events_land_on_their_instant_with_the_vtimezone_offsets_alone() -> None:
    events = _events()
    calendar = Calendar.from_ical(meetings_ics(events, name="Feed"))
    blocks = [tz for tz in calendar.walk("VTIMEZONE") if isinstance(tz, Timezone)]
    zones = {tz.tz_name: tz.to_tz(lookup_tzid=False) for tz in blocks}
    assert set(zones) == set(ZONES)
    expected = {e.pk: e.starts_at for e in events}
    seen = 0
    for vevent in calendar.events:
        start: Any = vevent["DTSTART"]
        tzid = start.params["TZID"]
        local = start.dt.replace(tzinfo=None)
        placed = local.replace(tzinfo=zones[tzid]).astimezone(dt.UTC)
        pk = int(str(vevent["UID"]).split("-")[1].split("@")[0])
        assert placed == expected[pk], (tzid, local)
        end_value: Any = vevent["DTEND"]
        end = end_value.dt.replace(tzinfo=zones[tzid])
        assert end.astimezone(dt.UTC) - placed == dt.timedelta(minutes=60)
        seen += 1
    assert seen == len(events)
