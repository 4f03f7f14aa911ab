"""Reads for meetings, scoped by the permission policy; the trend is plain data for templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.meetings.models import AgendaItem, Attendance, Meeting, Rsvp
from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.common import MemberAvailability, SlotCandidate, find_common_slots


def meeting_get_for_user(*, user: Any, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.filter(pk=pk)
        .select_related("circle__program__organization", "circle__lead__user", "schedule")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("added_by__user"),
            ),
            Prefetch("attendance", queryset=Attendance.objects.select_related("member__user")),
        )
        .first()
    )
    if meeting is None or not permissions.can_view_circle(user, meeting.circle):
        raise Http404("No such meeting.")
    return meeting


def circle_upcoming_meetings(*, circle: Circle, now: dt.datetime | None = None, limit: int = 6
) -> QuerySet[Meeting]:  # fmt: skip
    now = now or timezone.now()
    return (
        circle.meetings.filter(starts_at__gte=now - dt.timedelta(hours=3))
        .annotate(item_count=Count("agenda_items"))
        .order_by("starts_at")[:limit]
    )


@dataclass(frozen=True)
class TrendPoint:
    meeting_id: int
    starts_at: dt.datetime
    status: str  # "held", "moved" or "cancelled"
    average_rating: float | None
    ratings: int
    present: int
    bar_percent: int


def circle_trend(*, circle: Circle, now: dt.datetime | None = None, limit: int = 26
) -> list[TrendPoint]:  # fmt: skip
    """Past meetings, oldest first, with their feedback: the weak ones are part of the story."""
    now = now or timezone.now()
    past = (
        circle.meetings.filter(starts_at__lt=now)
        .annotate(
            avg_rating=Avg("feedback__rating"),
            rating_count=Count("feedback", distinct=True),
            present_count=Count(
                "attendance", filter=Q(attendance__status="present"), distinct=True
            ),
        )
        .order_by("-starts_at")[:limit]
    )
    points = []
    for m in reversed(list(past)):
        if m.is_cancelled:
            status = "cancelled"
        elif m.was_moved:
            status = "moved"
        else:
            status = "held"
        avg = float(m.avg_rating) if m.avg_rating is not None else None
        points.append(
            TrendPoint(
                meeting_id=m.pk,
                starts_at=m.starts_at,
                status=status,
                average_rating=round(avg, 1) if avg is not None else None,
                ratings=m.rating_count,
                present=m.present_count,
                bar_percent=round(avg / 5 * 10) * 10 if avg is not None else 0,
            )
        )
    return points


def trend_has_early_dip(points: list[TrendPoint]) -> bool:
    """True when a rated meeting in the first third scores below the circle's later average."""
    rated = [p for p in points if p.average_rating is not None]
    if len(rated) < 4:
        return False
    third = max(1, len(rated) // 3)
    early, later = rated[:third], rated[third:]
    later_avg = sum(p.average_rating or 0 for p in later) / len(later)
    return min(p.average_rating or 0 for p in early) < later_avg - 0.5


FEED_PAST = dt.timedelta(days=92)


def meetings_for_member_feed(*, member: Any, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings of the circles a member is in now: the last three months and all ahead."""
    now = now or timezone.now()
    circle_ids = member.circle_memberships.filter(left_on__isnull=True).values("circle_id")
    return (
        Meeting.objects.filter(circle_id__in=circle_ids, starts_at__gte=now - FEED_PAST)
        .select_related("circle__program")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )


def upcoming_meetings_for_user(*, user: Any, limit: int = 5) -> Sequence[Meeting]:
    """The next meetings of the circles the user is in, soonest first (for the home page)."""
    ids = [m.pk for m in permissions.memberships(user).values()]
    meetings = list(
        Meeting.objects.filter(
            circle__memberships__member_id__in=ids,
            circle__memberships__left_on__isnull=True,
            starts_at__gte=timezone.now() - dt.timedelta(hours=1),
        )
        .select_related("circle__program")
        .annotate(item_count=Count("agenda_items", distinct=True))
        .distinct()
        .order_by("starts_at")[:limit]
    )
    replies = dict(
        Rsvp.objects.filter(meeting__in=meetings, member_id__in=ids).values_list(
            "meeting_id", "response"
        )
    )
    for meeting in meetings:
        meeting.my_reply = replies.get(meeting.pk)  # type: ignore[attr-defined]
    return meetings


@dataclass(frozen=True)
class Consistency:
    scheduled: int  # meetings that were due by now
    held: int
    moved: int
    cancelled: int
    attendance_rate: float | None  # share of recorded attendance that was "present"
    streak: int  # most recent meetings in a row held (circle) or attended (member)

    @property
    def held_percent(self) -> int | None:
        return round(self.held / self.scheduled * 100) if self.scheduled else None

    @property
    def attendance_percent(self) -> int | None:
        return round(self.attendance_rate * 100) if self.attendance_rate is not None else None


def circle_consistency(*, circle: Circle, now: dt.datetime | None = None) -> Consistency:
    now = now or timezone.now()
    past = list(
        circle.meetings.filter(starts_at__lt=now)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status="present")),
            recorded=Count("attendance"),
        )
        .order_by("-starts_at")
    )
    held = [m for m in past if not m.is_cancelled]
    streak = 0
    for m in past:
        if m.is_cancelled:
            break
        streak += 1
    recorded = sum(m.recorded for m in held)
    return Consistency(
        scheduled=len(past),
        held=len(held),
        moved=sum(1 for m in held if m.was_moved),
        cancelled=len(past) - len(held),
        attendance_rate=(sum(m.present for m in held) / recorded) if recorded else None,
        streak=streak,
    )


def member_consistency(*, member: Any, now: dt.datetime | None = None) -> Consistency:
    """Across the member's circles, since they joined each: meetings due, and their attendance."""
    now = now or timezone.now()
    query = _member_meetings_q(member)
    past = list(
        Meeting.objects.filter(query, starts_at__lt=now)
        .annotate(
            mine=Count("attendance", filter=Q(attendance__member=member)),
            mine_present=Count(
                "attendance", filter=Q(attendance__member=member, attendance__status="present")
            ),
        )
        .order_by("-starts_at")
    )
    held = [m for m in past if not m.is_cancelled]
    streak = 0
    for m in held:
        if not m.mine_present:
            break
        streak += 1
    recorded = sum(m.mine for m in held)
    return Consistency(
        scheduled=len(past),
        held=len(held),
        moved=sum(1 for m in held if m.was_moved),
        cancelled=len(past) - len(held),
        attendance_rate=(sum(m.mine_present for m in held) / recorded) if recorded else None,
        streak=streak,
    )


def circle_slot_suggestions(
    *, circle: Circle, duration_minutes: int = 60, start_date: dt.date | None = None, limit: int = 5
) -> list[SlotCandidate]:
    """The weekly times that suit most current members, from their own availability."""
    memberships = circle.memberships.filter(left_on__isnull=True).select_related("member__user")
    members = [m.member for m in memberships.prefetch_related("member__availability")]
    names = {m.pk: m.name for m in members}
    availability = [
        MemberAvailability(
            member_id=m.pk,
            time_zone=m.time_zone,
            slots=tuple(
                WeeklySlot.from_times(s.weekday, s.start_time, s.end_time)
                for s in m.availability.all()
            ),
        )
        for m in members
    ]
    ranked = find_common_slots(
        availability,
        time_zone=circle.time_zone,
        duration_minutes=duration_minutes,
        start_date=start_date or timezone.localdate(),
        end_date=circle.program.end_date,
        limit=limit,
    )
    return [
        SlotCandidate(
            weekday=c.weekday,
            start=c.start,
            duration_minutes=c.duration_minutes,
            time_zone=c.time_zone,
            occurrences=c.occurrences,
            attendees=tuple(names[i] for i in c.attendees),  # type: ignore[index]
            unavailable=tuple(names[i] for i in c.unavailable),  # type: ignore[index]
            missed=tuple((names[i], k) for i, k in c.missed),  # type: ignore[index]
        )
        for c in ranked
        if c.attendees
    ]


@dataclass(frozen=True)
class AttendancePoint:
    meeting_id: int
    starts_at: dt.datetime
    status: str  # present, excused, absent, unrecorded, cancelled, moved-present ...


def member_attendance_trend(
    *, member: Any, now: dt.datetime | None = None, limit: int = 26
) -> list[AttendancePoint]:
    """The member's recent meetings, oldest first, with what happened for them."""
    now = now or timezone.now()
    query = _member_meetings_q(member)
    meetings = list(Meeting.objects.filter(query, starts_at__lt=now).order_by("-starts_at")[:limit])
    marks = dict(
        Attendance.objects.filter(meeting__in=meetings, member=member).values_list(
            "meeting_id", "status"
        )
    )
    return [
        AttendancePoint(
            meeting_id=m.pk,
            starts_at=m.starts_at,
            status="cancelled" if m.is_cancelled else marks.get(m.pk, "unrecorded"),
        )
        for m in reversed(meetings)
    ]


def _member_meetings_q(member: Any) -> Q:
    """Meetings of the member's circles while they were in them."""
    spans = member.circle_memberships.values_list("circle_id", "joined_on", "left_on")
    query = Q(pk__in=[])
    for circle_id, joined, left in spans:
        part = Q(circle_id=circle_id, starts_at__date__gte=joined)
        if left is not None:
            part &= Q(starts_at__date__lte=left)
        query |= part
    return query
