"""A circle's schedule and the series it produces: setting the rhythm, keeping the rolling horizon
of meetings in line with it, and the worker's periodic roll forward."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.meetings.models import Meeting, Schedule
from roundtable.meetings.services.agenda import agenda_carry_over
from roundtable.timeslots.recurrence import Recurrence

HORIZON = dt.timedelta(weeks=12)


@transaction.atomic
def schedule_set(
    *,
    circle: Circle,
    frequency: str,
    weekday: int,
    start_time: dt.time,
    starts_on: dt.date,
    duration_minutes: int = 60,
    nth: int | None = None,
    ends_on: dt.date | None = None,
    reminder_lead_hours: int = 24,
    now: dt.datetime | None = None,
) -> Schedule:
    """Create or change a circle's schedule; only future meetings not edited one by one follow."""
    try:
        recurrence = Recurrence(
            frequency=frequency,
            weekday=weekday,
            start_time=start_time,
            time_zone=circle.time_zone,
            starts_on=starts_on,
            nth=nth if frequency == "monthly" else None,
            ends_on=ends_on,
        )
    except ValueError as exc:
        raise DomainError(str(exc)) from exc
    schedule = Schedule.objects.filter(circle=circle).first() or Schedule(circle=circle)
    schedule.frequency = frequency
    schedule.weekday = weekday
    schedule.nth = recurrence.nth
    schedule.start_time = start_time
    schedule.duration_minutes = duration_minutes
    schedule.starts_on = starts_on
    schedule.ends_on = ends_on
    schedule.reminder_lead_hours = reminder_lead_hours
    schedule.rrule = recurrence.rrule
    full_clean_or_raise(schedule)
    schedule.save()
    meetings_materialise(circle=circle, now=now)
    return schedule


def _is_pristine(meeting: Meeting) -> bool:
    return not (
        meeting.notes
        or meeting.agenda_items.exists()
        or meeting.attendance.exists()
        or meeting.feedback.exists()
    )


@transaction.atomic
def meetings_materialise(*, circle: Circle, now: dt.datetime | None = None) -> list[Meeting]:
    """Make the series' meetings exist for the rolling horizon, and bring future meetings that
    follow the series in line with it. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    schedule = Schedule.objects.filter(circle=circle).first()
    future = Meeting.objects.select_for_update().filter(
        circle=circle, starts_at__gte=now, detached=False, series_start__isnull=False
    )
    if schedule is None:
        wanted: list[dt.datetime] = []
    else:
        wanted = schedule.recurrence().occurrences(now, now + HORIZON)
    wanted_set = {w.astimezone(dt.UTC) for w in wanted}
    for meeting in future:
        if meeting.series_start not in wanted_set:
            if _is_pristine(meeting):
                meeting.delete()
            else:
                meeting.status = Meeting.Status.CANCELLED
                meeting.detached = True
                meeting.change_reason = "The circle's schedule changed."
                meeting.sequence += 1
                meeting.save()
        elif schedule is not None and meeting.duration_minutes != schedule.duration_minutes:
            meeting.duration_minutes = schedule.duration_minutes
            meeting.sequence += 1
            meeting.save()
    if schedule is None:
        return []
    existing = set(
        Meeting.objects.filter(circle=circle, series_start__in=wanted_set).values_list(
            "series_start", flat=True
        )
    )
    created = [
        Meeting(
            circle=circle,
            schedule=schedule,
            series_start=start,
            starts_at=start,
            duration_minutes=schedule.duration_minutes,
        )
        for start in sorted(wanted_set - set(existing))
    ]
    return Meeting.objects.bulk_create(created)


def meetings_roll_forward(*, now: dt.datetime | None = None) -> int:
    """The worker's periodic duty: extend every schedule's horizon and carry unfinished agenda
    items of meetings that ended. Returns how many meetings were created."""
    now = now or timezone.now()
    created = 0
    for circle in Circle.objects.filter(schedule__isnull=False):
        created += len(meetings_materialise(circle=circle, now=now))
    ended = Meeting.objects.filter(
        carried_over_at__isnull=True,
        status=Meeting.Status.SCHEDULED,
        starts_at__lt=now,
        agenda_items__done=False,
    )
    for meeting in ended.distinct():
        if meeting.ends_at <= now:
            agenda_carry_over(meeting=meeting, now=now)
    return created
