"""Writers for the flags, dashboard and digest tests: meetings with attendance at exact days,
schedules, overdue commitments and many circles at once (bulk, for query counts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from roundtable.circles.models import Circle, CircleMembership
from roundtable.commitments.models import Commitment
from roundtable.commitments.services.commitments import commitment_take_on
from roundtable.insights.models import PulseAnswer
from roundtable.meetings.models import Attendance, Feedback, Meeting, Schedule
from roundtable.orgs.models import Member
from roundtable.programs.models import Program
from roundtable.testing.factories import MemberFactory


def people(circle: Circle, count: int) -> list[Member]:
    """`count` members of the circle's organisation to mark present or absent."""
    return MemberFactory.create_batch(count, organization=circle.program.organization)


def meeting_on(
    circle: Circle,
    day: dt.date,
    *,
    present: int = 0,
    absent: int = 0,
    cancelled: bool = False,
    pool: Sequence[Member] = (),
    hour: int = 9,
    ratings: Sequence[int] = (),
) -> Meeting:
    """A meeting of the circle at `hour` UTC on `day`, with `present` then `absent` people of
    `pool` recorded, and `ratings` as anonymous feedback."""
    starts = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        circle=circle,
        starts_at=starts,
        series_start=starts,
        status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.SCHEDULED,
    )
    if present + absent > len(pool):
        raise ValueError("Not enough people in the pool.")
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=person,
            status=Attendance.Status.PRESENT if n < present else Attendance.Status.ABSENT,
        )
        for n, person in enumerate(pool[: present + absent])
    )
    Feedback.objects.bulk_create(
        Feedback(meeting=meeting, anonymous=True, rating=rating, given_on=day) for rating in ratings
    )
    return meeting


def schedule_for(circle: Circle, *, starts_on: dt.date, ends_on: dt.date | None = None) -> Schedule:
    return Schedule.objects.create(
        circle=circle,
        frequency=Schedule.Frequency.WEEKLY,
        weekday=starts_on.weekday(),
        start_time=dt.time(9),
        starts_on=starts_on,
        ends_on=ends_on,
        rrule="FREQ=WEEKLY",
    )


def overdue_commitment(
    circle: Circle, owner: Member, due_on: dt.date, *, title: str = "Call back the lapsed list"
) -> Commitment:
    """An open commitment the owner took on a week before its day (through the service)."""
    made = dt.datetime.combine(due_on - dt.timedelta(days=7), dt.time(9), tzinfo=dt.UTC)
    return commitment_take_on(circle=circle, owner=owner, title=title, due_on=due_on, now=made)


def pulse_answers(circle: Circle, period_start: dt.date, count: int, score: int = 4) -> None:
    PulseAnswer.objects.bulk_create(
        PulseAnswer(
            circle=circle,
            period_start=period_start,
            trust=score,
            clarity=score,
            participation=score,
            usefulness=score,
            progress=score,
        )
        for _ in range(count)
    )


def circles_bulk(
    program: Program,
    count: int,
    *,
    prefix: str,
    pool: Sequence[Member],
    last_monday: dt.date,
    lead: Member | None = None,
) -> list[Circle]:
    """`count` circles with two members each, a schedule, eight weeks of weekly meetings up to
    `last_monday` (one cancelled, the rest with attendance and a rating), an overdue
    commitment and nothing else: built in a few bulk inserts so that a page can be measured
    with 5 circles and again with 50."""
    circles = Circle.objects.bulk_create(
        Circle(program=program, name=f"{prefix} {n:03d}", lead=lead) for n in range(count)
    )
    joined = last_monday - dt.timedelta(weeks=10)
    CircleMembership.objects.bulk_create(
        CircleMembership(circle=circle, member=person, joined_on=joined)
        for circle in circles
        for person in pool[:2]
    )
    Schedule.objects.bulk_create(
        Schedule(
            circle=circle,
            frequency=Schedule.Frequency.WEEKLY,
            weekday=0,
            start_time=dt.time(9),
            starts_on=joined,
            rrule="FREQ=WEEKLY",
        )
        for circle in circles
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            circle=circle,
            starts_at=dt.datetime.combine(
                last_monday - dt.timedelta(weeks=week), dt.time(9), tzinfo=dt.UTC
            ),
            status=Meeting.Status.CANCELLED if week == 3 else Meeting.Status.SCHEDULED,
        )
        for circle in circles
        for week in range(8)
    )
    held = [m for m in meetings if m.status == Meeting.Status.SCHEDULED]
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=person,
            status=Attendance.Status.PRESENT if n == 0 else Attendance.Status.ABSENT,
        )
        for meeting in held
        for n, person in enumerate(pool[:2])
    )
    Feedback.objects.bulk_create(
        Feedback(meeting=meeting, anonymous=True, rating=4, given_on=meeting.starts_at.date())
        for meeting in held
    )
    Commitment.objects.bulk_create(
        Commitment(
            circle=circle,
            owner=pool[0],
            title="Share the parts list",
            status=Commitment.Status.OPEN,
            due_at=dt.datetime.combine(last_monday, dt.time(9), tzinfo=dt.UTC)
            - dt.timedelta(days=n),
            due_time_zone="UTC",
        )
        for circle in circles
        for n in range(1, 4)
    )
    return circles
