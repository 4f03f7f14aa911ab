"""Every calendar client reads our calendars alike: the member feed, a per-meeting download and the
.ics of reminders and change notices, read with icalendar (+ recurring-ical-events, and again with
the file's VTIMEZONE blocks alone), ical.js (Thunderbird, many web calendars) and node-ical
(through tests/calendar/read_ics.mjs), must give each meeting's start, end, UID, SEQUENCE and
STATUS as the database holds them, on both sides of the daylight-saving changes in London, New
York and Sydney. Change notices are invitations mail clients apply (RFC 5546)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterable
from email.message import Message
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from django.conf import settings
from django.core import mail
from django.urls import reverse
from icalendar import Calendar, Timezone

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member, circle_create, circle_update
from roundtable.meetings import services
from roundtable.meetings.calendar import CalendarEvent, meetings_ics
from roundtable.meetings.models import Meeting
from roundtable.meetings.tests.daylight_saving import DST_CASES, SERIES_STARTS_ON
from roundtable.notifications.services import notifications_plan, notifications_send_due
from roundtable.testing.personas import Personas

NOW = dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)  # the series start: the feed holds them all
# Tuesday 30 March, 14:00 UTC: the reminders of that day's meetings are due in all three zones,
# after the London and New York changes (BST, EDT) and before Sydney's (still AEDT).
REMINDERS_SENT = dt.datetime(2027, 3, 29, 14, tzinfo=dt.UTC)
READER = Path(__file__).resolve().parents[3] / "tests" / "calendar" / "read_ics.mjs"
ZONES = ("Europe/London", "America/New_York", "Australia/Sydney")

# uid, start, end (UTC), sequence, status: what a calendar shows of one meeting
Row = tuple[str, dt.datetime, dt.datetime, int, str]


def _rows(meetings: Iterable[Meeting]) -> set[Row]:
    return {
        (
            f"meeting-{m.pk}@roundtable",
            m.starts_at,
            m.ends_at,
            m.sequence,
            "CANCELLED" if m.is_cancelled else "CONFIRMED",
        )
        for m in meetings
    }


def _read_with_icalendar(body: bytes) -> set[Row]:
    calendar = Calendar.from_ical(body)
    window = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    return {
        (
            str(event["UID"]),
            event.decoded("DTSTART").astimezone(dt.UTC),
            event.decoded("DTEND").astimezone(dt.UTC),
            int(event["SEQUENCE"]),
            str(event["STATUS"]),
        )
        for event in recurring_ical_events.of(calendar).between(*window)
    }


def _read_with_the_vtimezone_blocks(body: bytes) -> set[Row]:
    """As a client that does not know zone names places times: with the file's offsets alone."""
    calendar = Calendar.from_ical(body)
    zones = {
        tz.tz_name: tz.to_tz(lookup_tzid=False)
        for tz in calendar.walk("VTIMEZONE")
        if isinstance(tz, Timezone)
    }

    def placed(value: Any) -> dt.datetime:
        local = value.dt.replace(tzinfo=None)
        return local.replace(tzinfo=zones[value.params["TZID"]]).astimezone(dt.UTC)

    return {
        (
            str(event["UID"]),
            placed(event["DTSTART"]),
            placed(event["DTEND"]),
            int(str(event["SEQUENCE"])),
            str(event["STATUS"]),
        )
        for event in calendar.events
    }


def _read_with_javascript(bodies: dict[str, bytes], folder: Path) -> dict[str, dict[str, Any]]:
    """ical.js and node-ical, one Node process for all files: {name: {parser: reading}}."""
    node = shutil.which("node")
    assert node, "node is needed to read calendars with ical.js and node-ical"
    assert (READER.parents[2] / "node_modules" / "ical.js").is_dir(), "run `npm ci` first"
    paths = {}
    for index, (name, body) in enumerate(bodies.items()):
        paths[name] = folder / f"{index}.ics"
        paths[name].write_bytes(body)
    done = subprocess.run(  # noqa: S603 - our own script on files we wrote
        [node, str(READER), *map(str, paths.values())],
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    )
    out = json.loads(done.stdout)
    return {name: out[str(path)] for name, path in paths.items()}


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _readings(bodies: dict[str, bytes], folder: Path) -> dict[tuple[str, str], set[Row]]:
    """What each of four readers sees in each file: {(file, reader): rows}."""
    readings = {}
    for name, body in bodies.items():
        readings[name, "icalendar"] = _read_with_icalendar(body)
        readings[name, "icalendar, VTIMEZONE alone"] = _read_with_the_vtimezone_blocks(body)
    for name, by_parser in _read_with_javascript(bodies, folder).items():
        for parser, reading in by_parser.items():
            readings[name, parser] = {
                (
                    e["uid"],
                    _instant(e["start"]),
                    _instant(e["end"]),
                    e["sequence"],
                    e["status"],
                )
                for e in reading["events"]
            }
    return readings


def _assert_same(rows: set[Row], expected: set[Row], where: object) -> None:
    """Shows the rows a reader got wrong (the file's) beside the ones it should have seen."""
    assert (rows - expected, expected - rows) == (set(), set()), where


def _method(body: bytes) -> str:
    return str(Calendar.from_ical(body)["METHOD"])


def _circles(personas: Personas) -> dict[str, Circle]:
    """The member's three circles, one per zone, each meeting weekly on Tuesdays at 09:00."""
    member = personas.members["member"]
    circles = {
        "Europe/London": circle_update(circle=personas.circle, time_zone="Europe/London"),
        "America/New_York": circle_update(
            circle=personas.other_circle, time_zone="America/New_York"
        ),
        "Australia/Sydney": circle_create(
            program=personas.program, name="East", time_zone="Australia/Sydney", members=[member]
        ),
    }
    circle_add_member(circle=circles["America/New_York"], member=member)
    for circle in circles.values():
        services.schedule_set(
            circle=circle,
            frequency="weekly",
            weekday=1,
            start_time=dt.time(9),
            starts_on=SERIES_STARTS_ON,
            now=NOW,
        )
    return circles


def _attachment(message: mail.EmailMessage) -> tuple[Message, bytes]:
    """The .ics part of a sent email as the recipient's mail client gets it."""
    (part,) = [p for p in message.message().walk() if (p.get_filename() or "").endswith(".ics")]
    body = part.get_payload(decode=True)
    assert isinstance(body, bytes)
    return part, body


def _uid_pk(body: bytes) -> int:
    (uid,) = {str(e["UID"]) for e in Calendar.from_ical(body).events}
    return int(uid.removeprefix("meeting-").removesuffix("@roundtable"))


def _sent_to(email: str) -> dict[int, tuple[Message, bytes]]:
    """The .ics attachments sent to one person, by meeting; the outbox is emptied."""
    attachments = {}
    for message in mail.outbox:
        if message.to == [email]:
            part, body = _attachment(message)
            attachments[_uid_pk(body)] = (part, body)
    mail.outbox.clear()
    return attachments


def _reminders_sent(email: str) -> dict[int, tuple[Message, bytes]]:
    notifications_plan(now=REMINDERS_SENT)
    notifications_send_due(now=REMINDERS_SENT)
    return _sent_to(email)


def test_the_feed_a_download_and_reminders_read_alike_in_every_client(client, personas, tmp_path):
    circles = _circles(personas)
    member = personas.members["member"]
    meetings = {
        zone: list(circle.meetings.order_by("starts_at")) for zone, circle in circles.items()
    }
    # A London meeting moved from winter time (GMT) into summer time (BST); one cancelled.
    services.meeting_move(
        meeting=meetings["Europe/London"][6],  # Tuesday 16 March
        starts_at=meetings["Europe/London"][8].starts_at + dt.timedelta(days=1, hours=2),
        reason="Clash",
    )
    services.meeting_cancel(meeting=meetings["America/New_York"][7], reason="Holiday")
    everything = Meeting.objects.filter(circle__in=circles.values())
    assert everything.count() == 36
    for zone in ZONES:  # each zone's change falls within the feed
        assert set(DST_CASES[zone]) <= {m.starts_at for m in everything}, zone

    client.force_login(personas.member)
    feed = services.calendar_feed_reset(member=member)
    bodies = {"feed": client.get(reverse("meetings:feed", args=[feed.token])).content}
    expected = {"feed": _rows(everything)}
    for zone in ZONES:  # the first meeting after each change, as a download
        after = everything.get(starts_at=DST_CASES[zone][1])
        bodies[f"download {zone}"] = client.get(reverse("meetings:ics", args=[after.pk])).content
        expected[f"download {zone}"] = _rows([after])
    reminders = _reminders_sent(member.email)
    assert len(reminders) == 3  # one meeting in each zone, on Tuesday 30 March
    for pk, (_, body) in reminders.items():
        bodies[f"reminder {pk}"] = body
        expected[f"reminder {pk}"] = _rows(everything.filter(pk=pk))

    readings = _readings(bodies, tmp_path)
    readers = ("icalendar", "icalendar, VTIMEZONE alone", "ical.js", "node-ical")
    assert sorted(readings) == sorted((name, reader) for name in bodies for reader in readers)
    for (name, reader), rows in readings.items():
        _assert_same(rows, expected[name], (name, reader))


def test_a_reminder_then_a_move_and_a_cancellation_are_invitations_clients_apply(
    personas, tmp_path
):
    circles = _circles(personas)
    member = personas.members["member"]
    reminders = _reminders_sent(member.email)
    london = circles["Europe/London"].meetings.get(pk__in=reminders)
    new_york = circles["America/New_York"].meetings.get(pk__in=reminders)
    as_reminded = _rows([london])

    services.meeting_move(
        meeting=london,
        starts_at=london.starts_at + dt.timedelta(days=1),
        reason="Room taken",
        now=REMINDERS_SENT,
    )
    services.meeting_cancel(meeting=new_york, reason="Holiday", now=REMINDERS_SENT)
    notifications_send_due(now=REMINDERS_SENT)
    notices = _sent_to(member.email)
    assert sorted(notices) == sorted([london.pk, new_york.pk])

    # The method is in the calendar and, once with the charset, in the attachment's header.
    files = {
        "reminder": (*reminders[london.pk], "REQUEST"),
        "move": (*notices[london.pk], "REQUEST"),
        "cancellation": (*notices[new_york.pk], "CANCEL"),
    }
    for name, (part, body, method) in files.items():
        header = part["Content-Type"]
        assert _method(body) == method, name
        assert (part.get_content_type(), part.get_param("method")) == ("text/calendar", method)
        assert part.get_content_charset() == "utf-8", name
        assert header.lower().count("charset") == 1, header
    for _, body in reminders.values():  # every reminder, whatever its zone
        assert _method(body) == "REQUEST"
    # From the address the emails come from, to the member, who is not asked to reply by mail.
    event = Calendar.from_ical(files["move"][1]).events[0]
    assert str(event["ORGANIZER"]) == "mailto:" + parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"

    # Every client sees the new time with a higher SEQUENCE, and the cancellation.
    london.refresh_from_db()
    new_york.refresh_from_db()
    expected = {"reminder": as_reminded, "move": _rows([london]), "cancellation": _rows([new_york])}
    readings = _readings({name: body for name, (_, body, _) in files.items()}, tmp_path)
    assert len(readings) == 3 * 4
    for (name, reader), rows in readings.items():
        _assert_same(rows, expected[name], (name, reader))
    assert (london.sequence, new_york.sequence) == (1, 1)
    assert {row[3] for row in as_reminded} == {0}


def test_feed_and_download_responses_name_the_method_of_their_calendar(client, personas):
    circles = _circles(personas)
    feed = services.calendar_feed_reset(member=personas.members["member"])
    client.force_login(personas.member)
    meeting = circles["Europe/London"].meetings.earliest("starts_at")
    for url in (
        reverse("meetings:feed", args=[feed.token]),
        reverse("meetings:ics", args=[meeting.pk]),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "text/calendar; method=PUBLISH; charset=utf-8"
        assert _method(response.content) == "PUBLISH"


def test_years_of_meetings_read_alike_across_every_change(tmp_path):
    """Spring and autumn, north and south, a 09:00 meeting every four weeks for a year: in the
    three zones (yearly rules) and in two where no rule runs to the end of the range: Mexico
    City, whose summer time stopped after 2022, and Sao Paulo, whose ends moved for Carnival."""
    years = [(zone, 2026) for zone in ZONES] + [
        ("America/Mexico_City", 2021),
        ("America/Mexico_City", 2026),
        ("America/Sao_Paulo", 2018),
        ("America/Sao_Paulo", 2026),
    ]
    events = []
    for index, (zone, year) in enumerate(years):
        for week in range(0, 52, 4):
            # Aware arithmetic in one zone keeps the wall-clock time: 09:00 every time.
            local = dt.datetime(year, 1, 5, 9, tzinfo=ZoneInfo(zone)) + dt.timedelta(weeks=week)
            events.append(
                CalendarEvent(
                    pk=index * 100 + week,
                    circle_name=f"Circle in {zone}",
                    program_name="Program",
                    tzid=zone,
                    starts_at=local.astimezone(dt.UTC),
                    duration_minutes=90,
                    cancelled=week == 24,
                    sequence=week % 3,
                    change_reason="",
                    updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                )
            )
    expected = {
        (
            f"meeting-{e.pk}@roundtable",
            e.starts_at,
            e.starts_at + dt.timedelta(minutes=90),
            e.sequence,
            "CANCELLED" if e.cancelled else "CONFIRMED",
        )
        for e in events
    }
    readings = _readings({"year": meetings_ics(events, name="Year")}, tmp_path)
    assert len(readings) == 4
    for reader, rows in readings.items():
        _assert_same(rows, expected, reader)
