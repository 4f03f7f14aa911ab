"""iCalendar (RFC 5545) for meetings: one event per meeting with a stable UID, SEQUENCE raised on
every change, STATUS:CANCELLED for cancelled meetings, TZID times with their VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from roundtable.meetings.models import Meeting

PRODID = "-//Roundtable//Peer circles//EN"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@roundtable"


def _event(meeting: Meeting, stamp: dt.datetime) -> Event:
    circle = meeting.circle
    tz = ZoneInfo(circle.time_zone)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", f"{circle.name} · {circle.program.name}")
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("url", settings.SITE_URL + reverse("meetings:detail", args=[meeting.pk]))
    lines = [f"Peer circle meeting of {circle.name}."]
    if meeting.change_reason:
        lines.append(("Cancelled: " if meeting.is_cancelled else "Moved: ") + meeting.change_reason)
    items = [i.title for i in meeting.agenda_items.all()]
    if items:
        lines.append("Agenda so far:\n" + "\n".join(f"- {t}" for t in items))
    event.add("description", "\n\n".join(lines))
    return event


def meetings_ics(meetings: Iterable[Meeting], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for meeting in meetings:
        calendar.add_component(_event(meeting, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
