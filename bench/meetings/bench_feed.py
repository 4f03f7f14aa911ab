"""Benchmark: build one member's calendar feed covering 50 circles over two years.

Target (issue 3): under 200 ms. Run: .venv/bin/python bench/meetings/bench_feed.py
Uses a throwaway SQLite database (or DATABASE_URL) and prints the figures.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from roundtable.circles.services import circle_create  # noqa: E402
from roundtable.meetings.calendar import events_from_queryset, meetings_ics  # noqa: E402
from roundtable.meetings.models import Meeting, Schedule  # noqa: E402
from roundtable.meetings.selectors import meetings_for_member_feed  # noqa: E402
from roundtable.orgs.services import member_create, organization_create  # noqa: E402
from roundtable.programs.services import program_create  # noqa: E402
from roundtable.timeslots.recurrence import Recurrence  # noqa: E402

CIRCLES = 50
ZONES = ["Europe/London", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]


def main() -> None:
    call_command("migrate", verbosity=0)
    org = organization_create(name="Bench Org", time_zone="UTC")
    member = member_create(organization=org, email="bench@example.org", full_name="Bench")
    program = program_create(
        organization=org,
        name="Bench",
        purpose="Benchmark",
        sponsor=member,
        coordinators=[member],
        start_date=timezone.localdate(),
    )
    now = timezone.now()
    start = now - dt.timedelta(days=90)
    rows = []
    for i in range(CIRCLES):
        circle = circle_create(
            program=program, name=f"Circle {i}", time_zone=ZONES[i % 4], members=[member]
        )
        recurrence = Recurrence("weekly", i % 5, dt.time(9), circle.time_zone, start.date())
        schedule = Schedule.objects.create(
            circle=circle,
            frequency="weekly",
            weekday=i % 5,
            start_time=dt.time(9),
            starts_on=start.date(),
            rrule=recurrence.rrule,
        )
        for when in recurrence.occurrences(start, start + dt.timedelta(days=730)):
            rows.append(
                Meeting(circle=circle, schedule=schedule, series_start=when, starts_at=when)
            )
    Meeting.objects.bulk_create(rows, batch_size=2000)
    feed = list(meetings_for_member_feed(member=member))
    print(f"circles: {CIRCLES}, meetings in the database: {len(rows)}, in the feed: {len(feed)}")
    timings = []
    for _ in range(7):
        t0 = time.perf_counter()
        events = events_from_queryset(meetings_for_member_feed(member=member))
        body = meetings_ics(events, name="Bench")
        timings.append((time.perf_counter() - t0) * 1000)
    print(f"feed size: {len(body) / 1024:.0f} KiB")
    print(
        f"build time (query + render), 7 runs: median {statistics.median(timings):.0f} ms, "
        f"best {min(timings):.0f} ms, worst {max(timings):.0f} ms (target < 200 ms)"
    )


if __name__ == "__main__":
    main()
