"""The data both email benchmarks send: one big circle with weekly meetings and `rows` reminders
already due. Import it only once Django is set up and the database migrated."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roundtable.circles.services import circle_create
from roundtable.meetings.models import Meeting
from roundtable.notifications.models import Notification
from roundtable.orgs.services import member_create, organization_create
from roundtable.programs.services import program_create


def due_reminders_create(*, rows: int, people: int, meeting_every: dt.timedelta) -> None:
    org = organization_create(name="Bench", time_zone="Europe/London")
    members = [
        member_create(organization=org, email=f"p{i}@example.org", full_name=f"Person {i}")
        for i in range(people)
    ]
    program = program_create(
        organization=org,
        name="Bench program",
        purpose="Benchmark",
        sponsor=members[0],
        coordinators=[members[0]],
        start_date=timezone.localdate(),
    )
    circle = circle_create(program=program, name="Big circle", members=members, lead=members[0])
    start = timezone.now() + dt.timedelta(hours=2)
    meetings = Meeting.objects.bulk_create(
        Meeting(circle=circle, starts_at=start + meeting_every * i)
        for i in range(-(-rows // people))
    )
    due = timezone.now() - dt.timedelta(minutes=1)
    Notification.objects.bulk_create(
        [
            Notification(kind="reminder", meeting=m, member=p, due_at=due)
            for m in meetings
            for p in members
        ][:rows],
        batch_size=2000,
    )
