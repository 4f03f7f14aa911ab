"""Reads over past meetings: a circle's feedback trend, the consistency figures of a circle or a
member (one computation for both), and a member's attendance trend. Plain data for templates,
and the two trends as charts (roundtable.core.charts) that the pages draw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from roundtable.circles.models import Circle
from roundtable.core.charts import Chart, Dataset, LegendEntry, TableColumn
from roundtable.meetings.models import Attendance, Meeting
from roundtable.orgs.models import Member


@dataclass(frozen=True)
class TrendPoint:
    meeting_id: int
    starts_at: dt.datetime
    status: str  # "held", "moved" or "cancelled"
    average_rating: float | None
    ratings: int
    present: int


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
            )
        )
    return points


# A meeting's state as a palette key: held bars in the accent, moved ones apart, cancelled ones a
# grey stub, held but unrated ones hollow (told apart from cancelled by shape, not by a pale grey).
_TREND_COLOURS = {
    "held": "accent",
    "moved": "violet",
    "cancelled": "grey",
    "unrated": "grey-hollow",
}


def _day(moment: dt.datetime, fmt: str) -> str:
    return date_format(timezone.localtime(moment), fmt)


def circle_trend_chart(points: list[TrendPoint]) -> Chart:
    """The trend as a bar chart: each past meeting's average usefulness (1-5), coloured by what
    happened to it, each bar a link to its meeting; the table adds its state and who was there."""

    def state(p: TrendPoint) -> str:
        return "unrated" if p.status == "held" and p.average_rating is None else p.status

    def text(p: TrendPoint) -> str:
        if p.status == "cancelled":
            return "cancelled"
        said = (
            "no ratings" if p.average_rating is None else f"{p.average_rating}/5 from {p.ratings}"
        )
        return f"{said} (moved)" if p.status == "moved" else said

    return Chart(
        kind="bar",
        key="meeting-trend",
        title="Usefulness of each meeting",
        summary=f"Average usefulness (1-5) of the last {len(points)} meetings, oldest first.",
        labels=[_day(p.starts_at, "j M") for p in points],
        long_labels=[_day(p.starts_at, "D j M Y") for p in points],
        links=[reverse("meetings:detail", args=[p.meeting_id]) for p in points],
        datasets=[
            Dataset(
                name="Usefulness",
                values=[p.average_rating for p in points],
                point_colours=[_TREND_COLOURS[state(p)] for p in points],
                texts=[text(p) for p in points],
                stub_missing=True,
            )
        ],
        extra_columns=[
            TableColumn(name="Status", cells=[p.status for p in points]),
            TableColumn(name="Present", cells=[str(p.present) for p in points]),
        ],
        legend=[
            LegendEntry("held (height: usefulness, 1-5)", "accent"),
            LegendEntry("moved", "violet"),
            LegendEntry("cancelled", "grey"),
            LegendEntry("no ratings", "grey-hollow"),
        ],
        y_min=0,
        y_max=5,
        y_label="Usefulness",
        label_header="Meeting",
    )


def trend_has_early_dip(points: list[TrendPoint]) -> bool:
    """True when a rated meeting in the first third scores below the circle's later average."""
    rated = [p for p in points if p.average_rating is not None]
    if len(rated) < 4:
        return False
    third = max(1, len(rated) // 3)
    early, later = rated[:third], rated[third:]
    later_avg = sum(p.average_rating or 0 for p in later) / len(later)
    return min(p.average_rating or 0 for p in early) < later_avg - 0.5


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


def meetings_consistency(
    *,
    circle: Circle | None = None,
    member: Member | None = None,
    programs: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> Consistency:
    """Held against scheduled, moved, cancelled, attendance rate and streak, for one circle (all
    its meetings, everyone's attendance, meetings held in a row) or for one member (the meetings
    of their circles while they were in them, their own attendance, meetings attended in a row).
    Give exactly one of `circle` and `member`; `programs` (ids) limits a member's figures to the
    circles of those programs (None: all)."""
    if (circle is None) == (member is None):
        raise ValueError("Give exactly one of circle and member.")
    now = now or timezone.now()
    if member is not None:
        meetings = Meeting.objects.filter(_member_meetings_q(member, programs))
        whose = Q(attendance__member=member)
    else:
        meetings = Meeting.objects.filter(circle=circle)
        whose = Q()
    past = list(
        meetings.filter(starts_at__lt=now)
        .annotate(
            present=Count("attendance", filter=whose & Q(attendance__status="present")),
            recorded=Count("attendance", filter=whose),
        )
        .order_by("-starts_at")
    )
    held = [m for m in past if not m.is_cancelled]
    streak = 0
    for m in past:
        if m.is_cancelled:
            if member is None:
                break  # a circle's run of meetings held ends at a cancelled one
            continue  # a member cannot attend a cancelled meeting: it does not end their run
        if member is not None and not m.present:
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


@dataclass(frozen=True)
class AttendancePoint:
    meeting_id: int
    starts_at: dt.datetime
    status: str  # present, excused, absent, unrecorded, cancelled, moved-present ...


def member_attendance_trend(
    *,
    member: Member,
    programs: Collection[int] | None = None,
    now: dt.datetime | None = None,
    limit: int = 26,
) -> list[AttendancePoint]:
    """The member's recent meetings, oldest first, with what happened for them; `programs` (ids)
    limits them to the circles of those programs (None: all)."""
    now = now or timezone.now()
    query = _member_meetings_q(member, programs)
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


def _member_meetings_q(member: Member, programs: Collection[int] | None = None) -> Q:
    """Meetings of the member's circles (of these programs, if given) while they were in them."""
    spans = member.circle_memberships.values_list("circle_id", "joined_on", "left_on")
    if programs is not None:
        spans = spans.filter(circle__program__in=programs)
    query = Q(pk__in=[])
    for circle_id, joined, left in spans:
        part = Q(circle_id=circle_id, starts_at__date__gte=joined)
        if left is not None:
            part &= Q(starts_at__date__lte=left)
        query |= part
    return query


# A member's mark at a meeting: its height says how much they were there (present highest), its
# colour and shape say which; not recorded and cancelled are short stubs, hollow and grey.
_ATTENDANCE_MARKS = {
    "present": (3, "accent", "present"),
    "excused": (2, "amber", "excused"),
    "absent": (1, "red", "absent"),
    "unrecorded": (None, "grey-hollow", "not recorded"),
    "cancelled": (None, "grey", "cancelled"),
}


def member_attendance_chart(points: list[AttendancePoint]) -> Chart:
    """The attendance trend as a short bar chart: one mark per meeting, a link to it."""
    marks = [_ATTENDANCE_MARKS.get(p.status, (None, "grey-hollow", p.status)) for p in points]
    return Chart(
        kind="bar",
        key="attendance-trend",
        title="Attendance",
        summary=f"Attendance at the last {len(points)} meetings, oldest first.",
        labels=[_day(p.starts_at, "j M") for p in points],
        long_labels=[_day(p.starts_at, "D j M Y") for p in points],
        links=[reverse("meetings:detail", args=[p.meeting_id]) for p in points],
        datasets=[
            Dataset(
                name="Attendance",
                values=[mark[0] for mark in marks],
                point_colours=[mark[1] for mark in marks],
                texts=[mark[2] for mark in marks],
                stub_missing=True,
            )
        ],
        legend=[LegendEntry(label, colour) for _, colour, label in _ATTENDANCE_MARKS.values()],
        y_min=0,
        y_max=3,
        show_y_axis=False,
        height="short",
        label_header="Meeting",
    )
