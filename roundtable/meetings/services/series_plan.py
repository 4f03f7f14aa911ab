"""What a schedule change would do to a circle's coming meetings, worked out without writing:
which meetings move, are cancelled, come back or go, and what each holds. The schedule page and
the API show it as a preview; `schedules` applies exactly this plan once it is confirmed."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from roundtable.circles.models import Circle
from roundtable.meetings.models import AgendaItem, Attendance, Feedback, Meeting, Rsvp, Schedule
from roundtable.notifications.models import Notification

HORIZON = dt.timedelta(weeks=12)
# A series meeting follows its occurrence to a new one at most this far away (a new weekday or
# time in the same week, the 2nd Tuesday becoming the 3rd); farther, it is cancelled instead.
FOLLOW_WITHIN = dt.timedelta(days=7)

Action = Literal["move", "cancel", "delete", "restore", "resize"]


@dataclass(frozen=True)
class MeetingHolds:
    """What a meeting holds that a person would miss if it went."""

    open_agenda: int
    agenda: int
    notes: bool
    attendance: int
    replies: int
    feedback: int
    announced: bool  # a reminder or change notice (with its .ics) went out

    @property
    def anything(self) -> bool:
        return bool(
            self.agenda
            or self.notes
            or self.attendance
            or self.replies
            or self.feedback
            or self.announced
        )

    def describe(self) -> str:
        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        parts = [
            count(self.agenda, "agenda item", "agenda items") if self.agenda else "",
            "notes" if self.notes else "",
            count(self.attendance, "attendance record", "attendance records")
            if self.attendance
            else "",
            count(self.replies, "reply", "replies") if self.replies else "",
            count(self.feedback, "rating", "ratings") if self.feedback else "",
            "members were sent a reminder" if self.announced else "",
        ]
        return ", ".join(p for p in parts if p) or "nothing yet"


@dataclass(frozen=True)
class MeetingChange:
    meeting: Meeting
    action: Action
    starts_at: dt.datetime  # where the meeting is after the change
    duration_minutes: int
    holds: MeetingHolds
    # For a cancellation: the start of the meeting its open agenda items go to (None: none is
    # planned yet, so they wait on the cancelled meeting until one is).
    agenda_to: dt.datetime | None = None


@dataclass(frozen=True)
class SchedulePlan:
    changes: tuple[MeetingChange, ...]
    new_starts: tuple[dt.datetime, ...]

    @property
    def token(self) -> str:
        """Names exactly what the plan does; a confirmation carries it, so a plan that changed
        since the preview (someone added an agenda item meanwhile) is shown again, not applied."""
        text = "|".join(
            f"{c.meeting.pk}:{c.action}:{c.starts_at.isoformat()}:{c.duration_minutes}:"
            f"{c.meeting.sequence}"
            for c in self.changes
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def of(self, action: Action) -> list[MeetingChange]:
        return [c for c in self.changes if c.action == action]


def _count(model: type[AgendaItem | Attendance | Rsvp | Feedback], **filters: object) -> Coalesce:
    rows = (
        model.objects.filter(meeting=OuterRef("pk"), **filters)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)


def meetings_with_holds(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """One query for the meetings and what each holds, with subqueries rather than joins so the
    counts do not multiply each other."""
    sent = Notification.objects.filter(
        meeting=OuterRef("pk"),
        kind__in=[Notification.Kind.REMINDER, Notification.Kind.CHANGE],
        sent_at__isnull=False,
        skipped_reason="",
    )
    return queryset.annotate(
        n_open_agenda=_count(AgendaItem, done=False),
        n_agenda=_count(AgendaItem),
        n_attendance=_count(Attendance),
        n_replies=_count(Rsvp),
        n_feedback=_count(Feedback),
        was_announced=Exists(sent),
    )


def holds_of(meeting: Meeting) -> MeetingHolds:
    """What a meeting from `meetings_with_holds` holds."""
    return MeetingHolds(
        open_agenda=meeting.n_open_agenda,  # type: ignore[attr-defined]
        agenda=meeting.n_agenda,  # type: ignore[attr-defined]
        notes=bool(meeting.notes.strip()),
        attendance=meeting.n_attendance,  # type: ignore[attr-defined]
        replies=meeting.n_replies,  # type: ignore[attr-defined]
        feedback=meeting.n_feedback,  # type: ignore[attr-defined]
        announced=meeting.was_announced,  # type: ignore[attr-defined]
    )


def _overlaps(start: dt.datetime, minutes: int, others: list[Meeting]) -> bool:
    end = start + dt.timedelta(minutes=minutes)
    return any(o.starts_at < end and start < o.ends_at for o in others)


def schedule_plan(*, circle: Circle, schedule: Schedule | None, now: dt.datetime) -> SchedulePlan:
    """What bringing the circle's coming series meetings in line with `schedule` (saved or not;
    None: no schedule) would do. Meetings moved or cancelled one by one are left alone."""
    wanted: list[dt.datetime] = []
    duration = 60
    if schedule is not None:
        duration = schedule.duration_minutes
        wanted = sorted(
            w.astimezone(dt.UTC) for w in schedule.recurrence().occurrences(now, now + HORIZON)
        )
    series = list(
        meetings_with_holds(
            Meeting.objects.filter(
                circle=circle, starts_at__gte=now, detached=False, series_start__isnull=False
            )
        ).order_by("starts_at")
    )
    # Occurrences that already have a meeting (kept, or edited one by one) are not made again,
    # nor is one that would overlap a meeting someone moved there by hand.
    taken = set(
        Meeting.objects.filter(circle=circle, series_start__in=wanted).values_list(
            "series_start", flat=True
        )
    )
    by_hand = list(
        Meeting.objects.filter(
            circle=circle, detached=True, status=Meeting.Status.SCHEDULED, starts_at__gte=now
        )
    )
    free = [w for w in wanted if w not in taken and not _overlaps(w, duration, by_hand)]
    wanted_set = set(wanted)

    changes: list[MeetingChange] = []
    stays: list[dt.datetime] = [m.starts_at for m in by_hand]
    unmatched = []
    for meeting in series:
        holds = holds_of(meeting)
        if meeting.series_start in wanted_set:
            if meeting.is_cancelled:  # cancelled by an earlier schedule change: back it comes
                changes.append(
                    MeetingChange(meeting, "restore", meeting.starts_at, duration, holds)
                )
            elif meeting.duration_minutes != duration:
                changes.append(MeetingChange(meeting, "resize", meeting.starts_at, duration, holds))
            stays.append(meeting.starts_at)
        else:
            unmatched.append((meeting, holds))

    # Each remaining meeting follows the free occurrence nearest to it, in order, so a new
    # weekday or time moves the meetings (and all they hold) rather than replacing them.
    index = 0
    cancelled: list[tuple[Meeting, MeetingHolds]] = []
    for meeting, holds in unmatched:
        while index < len(free) and free[index] < meeting.starts_at - FOLLOW_WITHIN:
            index += 1
        near = [i for i in range(index, len(free)) if free[i] <= meeting.starts_at + FOLLOW_WITHIN]
        if near:
            nearest = min(near, key=lambda i: abs(free[i] - meeting.starts_at))
            target = free.pop(nearest)
            index = nearest  # the ones skipped before it are made as new meetings
            action: Action = "restore" if meeting.is_cancelled else "move"
            changes.append(MeetingChange(meeting, action, target, duration, holds))
            stays.append(target)
        elif meeting.is_cancelled:
            continue  # already cancelled by an earlier change, and still not wanted
        elif holds.anything:
            cancelled.append((meeting, holds))
        else:
            changes.append(
                MeetingChange(meeting, "delete", meeting.starts_at, meeting.duration_minutes, holds)
            )
    stays.extend(free)
    stays.sort()
    for meeting, holds in cancelled:
        following = next((s for s in stays if s > meeting.starts_at), None)
        changes.append(
            MeetingChange(
                meeting,
                "cancel",
                meeting.starts_at,
                meeting.duration_minutes,
                holds,
                agenda_to=following if holds.open_agenda else None,
            )
        )
    changes.sort(key=lambda c: (c.meeting.starts_at, c.meeting.pk))
    return SchedulePlan(changes=tuple(changes), new_starts=tuple(free))
