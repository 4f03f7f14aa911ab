"""iCalendar (RFC 5545) for meetings: one event per meeting with a stable UID, SEQUENCE raised on
every change, STATUS:CANCELLED for cancelled meetings, TZID times with their VTIMEZONE, and a URL
back to the meeting.

Feeds and downloads are published (METHOD:PUBLISH); the file in a reminder or change notice is
an invitation (RFC 5546: METHOD:REQUEST, or CANCEL) from Roundtable to its one reader, which mail
clients apply to the event they already hold.

Events are written directly as text (escaped and folded as RFC 5545 says) because building a
component object per event made a 5,000-meeting feed take seconds; the VTIMEZONE blocks come
from `icalendar`, built once per zone, with their onsets rewritten so that every client reads
them alike (see `_onsets_as_rule_or_lines`). Tests read every feed back with `icalendar` and
`recurring-ical-events`, and with ical.js and node-ical (tests/calendar/read_ics.mjs).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import YEARLY, rrule
from dateutil.rrule import weekdays as rrule_weekdays
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from roundtable.circles.models import Circle
from roundtable.meetings.models import AgendaItem, Meeting

PRODID = "-//Roundtable//Peer circles//EN"
CRLF = "\r\n"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, limit = [], 75
    while data:
        cut = min(limit, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut].decode())
        data, limit = data[cut:], 74
    return (CRLF + " ").join(parts)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(value: dt.datetime, tzid: str) -> str:
    return value.astimezone(ZoneInfo(tzid)).strftime("%Y%m%dT%H%M%S")


def _yearly_rule(onsets: list[dt.datetime], *, until: dt.datetime | None) -> str | None:
    """The RRULE that gives exactly these onsets (the nth or last weekday of one month, at one
    time, every year), or None when no such rule does."""
    first = onsets[0]
    ordinals = {(onset.day - 1) // 7 + 1 for onset in onsets}
    if all(onset.day + 7 > monthrange(onset.year, onset.month)[1] for onset in onsets):
        nth = -1
    elif len(ordinals) == 1:
        nth = ordinals.pop()
    else:
        return None
    weekday = rrule_weekdays[first.weekday()]
    expanded = rrule(
        YEARLY, dtstart=first, bymonth=first.month, byweekday=weekday(nth), until=onsets[-1]
    )
    if list(expanded) != onsets:
        return None
    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
    rule = f"FREQ=YEARLY;BYMONTH={first.month};BYDAY={nth}{day}"
    return rule + (f";UNTIL={_utc(until)}" if until else "")


def _onsets_as_rule_or_lines(part: TimezoneStandard | TimezoneDaylight, last_year: int) -> None:
    """Write a part's onsets so every client reads them all. Outlook is reported to read a
    yearly RRULE and misread RDATEs, so a rule is written wherever one gives exactly the same
    onsets;
    otherwise each onset gets an RDATE line of its own, the first included: ical.js
    (Thunderbird, many web calendars) reads only the first date of an RDATE line and skips the
    part's DTSTART once it has RDATEs (RFC 5545 counts an onset given twice once)."""
    lists = part.get("RDATE")
    if lists is None:
        return
    onsets = [part.DTSTART] + [
        value.dt
        for rdates in (lists if isinstance(lists, list) else [lists])
        for value in rdates.dts
    ]
    del part["RDATE"]
    # A rule that runs to the end of the range goes on as tzdata foresees; one that stops
    # before it says when (UNTIL is in UTC: the onset's local time less the offset before it).
    last = onsets[-1]
    until = None if last.year == last_year else (last - part.TZOFFSETFROM).replace(tzinfo=dt.UTC)
    rule = _yearly_rule(onsets, until=until)
    if rule:
        part.add("RRULE", vRecur.from_ical(rule))
        return
    for onset in onsets:
        part.add("RDATE", onset)


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> str:
    zone = Timezone.from_tzid(
        tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
    )
    for part in zone.standard + zone.daylight:
        _onsets_as_rule_or_lines(part, last_year)
    return zone.to_ical().decode().rstrip(CRLF)


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs of one meeting; built from plain rows so a long feed stays fast."""

    pk: int
    circle_name: str
    program_name: str
    tzid: str
    starts_at: dt.datetime
    duration_minutes: int
    cancelled: bool
    sequence: int
    change_reason: str
    updated_at: dt.datetime
    agenda: tuple[str, ...] = ()
    runner: str = ""  # who runs it, when the circle rotates the role


def events_from_meetings(meetings: Iterable[Meeting]) -> list[CalendarEvent]:
    return [
        CalendarEvent(
            pk=m.pk,
            circle_name=m.circle.name,
            program_name=m.circle.program.name,
            tzid=m.circle.time_zone,
            starts_at=m.starts_at,
            duration_minutes=m.duration_minutes,
            cancelled=m.is_cancelled,
            sequence=m.sequence,
            change_reason=m.change_reason,
            updated_at=m.updated_at,
            agenda=tuple(item.title for item in m.agenda_items.all()),
            runner=m.runner.name if m.runner_id and m.runner else "",
        )
        for m in meetings
    ]


def events_from_queryset(meetings: QuerySet[Meeting]) -> list[CalendarEvent]:
    """Three queries whatever the number of meetings: meetings, their circles, their agendas."""
    rows = list(
        meetings.values_list(
            "pk",
            "circle_id",
            "starts_at",
            "duration_minutes",
            "status",
            "sequence",
            "change_reason",
            "updated_at",
            "runner__user__full_name",  # joined: no query more
        )
    )
    circles = {
        pk: (name, program, tz)
        for pk, name, program, tz in Circle.objects.filter(pk__in={r[1] for r in rows}).values_list(
            "pk", "name", "program__name", "time_zone"
        )
    }
    agenda: dict[int, list[str]] = {}
    for meeting_id, title in (
        AgendaItem.objects.filter(meeting_id__in=[r[0] for r in rows])
        .order_by("created_at", "id")
        .values_list("meeting_id", "title")
    ):
        agenda.setdefault(meeting_id, []).append(title)
    events = []
    for pk, circle_id, starts_at, duration, status, sequence, reason, updated, runner in rows:
        name, program, tzid = circles[circle_id]
        events.append(
            CalendarEvent(
                pk=pk,
                circle_name=name,
                program_name=program,
                tzid=tzid,
                starts_at=starts_at,
                duration_minutes=duration,
                cancelled=status == Meeting.Status.CANCELLED,
                sequence=sequence,
                change_reason=reason,
                updated_at=updated,
                agenda=tuple(agenda.get(pk, ())),
                runner=runner or "",
            )
        )
    return events


@dataclass(frozen=True)
class Invitee:
    """The one person an emailed .ics is for (RFC 5546 wants the organizer and the attendee)."""

    email: str
    name: str


def _param(text: str) -> str:
    """A quoted parameter value (RFC 5545 3.2: no double quote or control character inside)."""
    return '"' + "".join(" " if c == '"' or ord(c) < 32 else c for c in text) + '"'


def _invitation_lines(invitee: Invitee) -> list[str]:
    # The organizer is the address the emails come from, so clients accept its updates; no
    # replies are asked for (answers go through the RSVP links).
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return [
        f"ORGANIZER;CN={_param(organizer_name or 'Roundtable')}:mailto:{organizer_email}",
        f"ATTENDEE;CN={_param(invitee.name)};ROLE=REQ-PARTICIPANT;RSVP=FALSE"
        f":mailto:{invitee.email}",
    ]


def _event_lines(
    event: CalendarEvent, stamp: str, base_url: str, invitation: list[str]
) -> list[str]:
    tzid = event.tzid
    description = [f"Peer circle meeting of {event.circle_name}."]
    if event.runner and not event.cancelled:
        description.append(f"Run by {event.runner}.")
    if event.change_reason:
        prefix = "Cancelled: " if event.cancelled else "Moved: "
        description.append(prefix + event.change_reason)
    if event.agenda:
        description.append("Agenda so far:\n" + "\n".join(f"- {t}" for t in event.agenda))
    ends_at = event.starts_at + dt.timedelta(minutes=event.duration_minutes)
    return [
        "BEGIN:VEVENT",
        f"UID:meeting-{event.pk}@roundtable",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        f"DTSTART;TZID={tzid}:{_local(event.starts_at, tzid)}",
        f"DTEND;TZID={tzid}:{_local(ends_at, tzid)}",
        f"SUMMARY:{_escape(f'{event.circle_name} · {event.program_name}')}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        *invitation,
        f"URL:{base_url}{event.pk}/",
        "DESCRIPTION:" + _escape("\n\n".join(description)),
        "END:VEVENT",
    ]


def meetings_ics(
    meetings: Iterable[Meeting] | Iterable[CalendarEvent],
    *,
    name: str,
    method: str = "PUBLISH",
    invitee: Invitee | None = None,
) -> bytes:
    """The calendar text; takes meetings (few) or prepared events (a whole feed). An invitee
    makes it an invitation to that person (emails); without one it is published (feeds)."""
    items = list(meetings)
    events_in = (
        events_from_meetings(items)  # type: ignore[arg-type]
        if items and isinstance(items[0], Meeting)
        else items
    )
    stamp = _utc(dt.datetime.now(dt.UTC))
    base_url = settings.SITE_URL + reverse("meetings:detail", args=[0])[:-2]
    invitation = _invitation_lines(invitee) if invitee else []
    events: list[str] = []
    zones: dict[str, tuple[int, int]] = {}
    for event in events_in:
        assert isinstance(event, CalendarEvent)  # noqa: S101 - narrowed for the type checker
        events.extend(_event_lines(event, stamp, base_url, invitation))
        year = event.starts_at.year
        first, last = zones.get(event.tzid, (year, year))
        zones[event.tzid] = (min(first, year), max(last, year))
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    body = CRLF.join(_fold(line) for line in lines + events)
    blocks = [body]
    for tzid, (first, last) in sorted(zones.items()):
        # Whole decades, so the cache is shared across feeds of different spans.
        blocks.append(_vtimezone(tzid, first // 10 * 10 - 1, last // 10 * 10 + 10))
    blocks.append("END:VCALENDAR")
    return (CRLF.join(blocks) + CRLF).encode()


def meeting_invitation_ics(*, meeting: Meeting, invitee: Invitee) -> tuple[str, bytes]:
    """The .ics of a reminder or change notice and its iTIP method, which the attachment's
    Content-Type repeats: REQUEST for a meeting that takes place (a move raised its SEQUENCE, so
    clients replace the old time), CANCEL for a cancelled one (clients remove it)."""
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    return method, meetings_ics([meeting], name=meeting.circle.name, method=method, invitee=invitee)
