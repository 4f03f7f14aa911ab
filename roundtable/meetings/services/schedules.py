"""A circle's schedule and the series it produces: setting the rhythm (after a preview of what it
does to the coming meetings), keeping the rolling horizon in line with it, and the worker's
periodic roll forward. Nothing that holds anything is deleted, and a meeting keeps its row (its
calendar UID) when the series moves it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.core.validation import full_clean_or_raise
from roundtable.meetings.models import Meeting, Schedule
from roundtable.meetings.services.agenda import agenda_carry_over
from roundtable.meetings.services.changes import agenda_carry_over_undo
from roundtable.meetings.services.rotation import rotation_assign
from roundtable.meetings.services.series_plan import HORIZON, SchedulePlan, schedule_plan
from roundtable.notifications.services import notifications_meeting_changed
from roundtable.programs.services import planning_window_check
from roundtable.timeslots.recurrence import Recurrence

__all__ = ["HORIZON", "ScheduleChangeUnconfirmed", "schedule_change_preview", "schedule_set"]

SERIES_CHANGED = "The circle's schedule changed."


class ScheduleChangeUnconfirmed(DomainError):
    """The change would move, cancel or remove meetings that exist: show `plan`, then send its
    token back to confirm."""

    code = "confirmation_required"

    def __init__(self, plan: SchedulePlan, *, stale: bool) -> None:
        super().__init__(
            "The meetings changed since the preview; check what this change does now."
            if stale
            else "This change moves or cancels meetings already planned; check the preview "
            "and confirm it."
        )
        self.plan = plan


def _schedule_built(
    *,
    circle: Circle,
    frequency: str,
    weekday: int,
    start_time: dt.time,
    starts_on: dt.date,
    duration_minutes: int,
    nth: int | None,
    ends_on: dt.date | None,
    reminder_lead_hours: int,
    today: dt.date,
) -> Schedule:
    """The circle's schedule with the new values, checked but not saved."""
    program = circle.program
    if program.end_date and starts_on > program.end_date:
        raise DomainError(
            f"The program ends on {program.end_date:%d %B %Y}; the first meeting must be "
            "before then.",
            field="starts_on",
        )
    for field, value, what in (("starts_on", starts_on, "The first meeting"),
                               ("ends_on", ends_on, "The last meeting")):  # fmt: skip
        if value is not None:
            planning_window_check(
                organization=program.organization, value=value, field=field, what=what,
                today=today,
            )  # fmt: skip
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
    return schedule


def schedule_change_preview(
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
) -> SchedulePlan:
    """What `schedule_set` with these values would do to the coming meetings; writes nothing."""
    now = now or timezone.now()
    schedule = _schedule_built(
        circle=circle, frequency=frequency, weekday=weekday, start_time=start_time,
        starts_on=starts_on, duration_minutes=duration_minutes, nth=nth, ends_on=ends_on,
        reminder_lead_hours=reminder_lead_hours, today=timezone.localdate(now),
    )  # fmt: skip
    return schedule_plan(circle=circle, schedule=schedule, now=now)


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
    confirm: str = "",
    now: dt.datetime | None = None,
) -> Schedule:
    """Create or change a circle's schedule. When that changes meetings that exist, it applies
    only with `confirm` set to the token of the preview (`schedule_change_preview`) that showed
    it; otherwise ScheduleChangeUnconfirmed carries the plan to show."""
    now = now or timezone.now()
    Circle.objects.select_for_update().filter(pk=circle.pk).first()  # one change at a time
    schedule = _schedule_built(
        circle=circle, frequency=frequency, weekday=weekday, start_time=start_time,
        starts_on=starts_on, duration_minutes=duration_minutes, nth=nth, ends_on=ends_on,
        reminder_lead_hours=reminder_lead_hours, today=timezone.localdate(now),
    )  # fmt: skip
    plan = schedule_plan(circle=circle, schedule=schedule, now=now)
    if plan.changes and confirm != plan.token:
        raise ScheduleChangeUnconfirmed(plan, stale=bool(confirm))
    schedule.save()
    # Whether a circle has a schedule is a flag; the meetings the series makes are ahead of
    # every figure (the roll forward's new meetings change none, so it bumps nothing).
    figures_changed(circle.program_id)
    _plan_apply(plan=plan, circle=circle, schedule=schedule, now=now)
    return schedule


def _plan_apply(
    *, plan: SchedulePlan, circle: Circle, schedule: Schedule | None, now: dt.datetime
) -> list[Meeting]:
    """Carry out a plan: remove what holds nothing and was never announced, cancel (keeping the
    row) what holds something, move and restore in place, make the new occurrences, carry the
    open agenda of what was cancelled to the next meeting that takes place, and tell everyone
    who was told about a changed meeting. Returns the meetings made."""
    changed: list[Meeting] = []
    restored: list[Meeting] = []
    Meeting.objects.filter(pk__in=[c.meeting.pk for c in plan.of("delete")]).delete()
    for change in plan.changes:
        if change.action == "delete":
            continue
        meeting = change.meeting
        if change.action in {"move", "restore"}:
            meeting.series_start = meeting.starts_at = change.starts_at
        if change.action == "cancel":
            meeting.status = Meeting.Status.CANCELLED
        elif change.action == "restore":
            meeting.status = Meeting.Status.SCHEDULED
            restored.append(meeting)
        meeting.duration_minutes = change.duration_minutes
        meeting.change_reason = SERIES_CHANGED
        meeting.sequence += 1
        meeting.save()
        changed.append(meeting)
    created = Meeting.objects.bulk_create(
        Meeting(
            circle=circle,
            schedule=schedule,
            series_start=start,
            starts_at=start,
            duration_minutes=schedule.duration_minutes if schedule else 60,
        )
        for start in plan.new_starts
    )
    for meeting in restored:
        agenda_carry_over_undo(meeting=meeting, now=now)
    for change in plan.of("cancel"):
        agenda_carry_over(meeting=change.meeting, now=now)
    for meeting in changed:
        notifications_meeting_changed(meeting=meeting, now=now)
    rotation_assign(circle=circle, now=now)  # new meetings get their runner, if the role rotates
    return created


@transaction.atomic
def meetings_materialise(*, circle: Circle, now: dt.datetime | None = None) -> list[Meeting]:
    """Make the series' meetings exist for the rolling horizon, and bring coming meetings that
    follow the series in line with it. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    schedule = Schedule.objects.filter(circle=circle).select_related("circle").first()
    plan = schedule_plan(circle=circle, schedule=schedule, now=now)
    return _plan_apply(plan=plan, circle=circle, schedule=schedule, now=now)


def meetings_roll_forward(*, now: dt.datetime | None = None) -> int:
    """The worker's periodic duty: extend every schedule's horizon and carry the open agenda
    items of meetings that ended, or were cancelled, to the next one. Returns how many meetings
    were created."""
    now = now or timezone.now()
    created = 0
    for circle in Circle.objects.filter(schedule__isnull=False):
        created += len(meetings_materialise(circle=circle, now=now))
    waiting = Meeting.objects.filter(carried_over_at__isnull=True, agenda_items__done=False)
    ended = waiting.filter(status=Meeting.Status.SCHEDULED, starts_at__lt=now)
    for meeting in ended.distinct():
        if meeting.ends_at <= now:
            agenda_carry_over(meeting=meeting, now=now)
    # A cancelled meeting's items wait for the next meeting that takes place to exist.
    for meeting in waiting.filter(status=Meeting.Status.CANCELLED).distinct():
        agenda_carry_over(meeting=meeting, now=now)
    return created
