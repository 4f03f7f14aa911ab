"""A program's dashboard (every circle's health at a glance, with its at-risk flags) and the
overview of several programs on a coordinator's or sponsor's home page. Each is a fixed number
of grouped queries whatever the number of circles; the figures cover the last DASHBOARD_WEEKS
whole weeks before today (today's meetings are judged tomorrow, as the flags do).

Pulse figures come from the pulse's own selector: a count of answers always, the mean only for
a closed period that at least PULSE_MIN_ANSWERS members answered."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment
from roundtable.core.charts import Chart, Dataset
from roundtable.core.freshness import figures_cached, figures_cached_each
from roundtable.insights.selectors.flags import (
    FLAG_TITLES,
    Flag,
    circle_flags,
    day_start,
    day_text,
    flag_counts,
    program_flags,
)
from roundtable.insights.selectors.pulses import PulsePeriodResult, pulse_results
from roundtable.meetings.models import Attendance, Feedback, Meeting
from roundtable.programs.models import Program

# The window of the dashboard's figures, in whole weeks ending yesterday.
DASHBOARD_WEEKS = 8


def _percent(part: int, whole: int) -> int | None:
    return round(part / whole * 100) if whole else None


@dataclass(frozen=True)
class PulseFigure:
    """A circle's latest pulse period: closed if there is one, else the open one. `overall` (the
    mean of the five statements, 1-5) only when the pulse's selector shows the period."""

    period_start: dt.date
    period_end: dt.date
    answers: int
    is_open: bool
    overall: float | None

    @classmethod
    def latest(cls, periods: Sequence[PulsePeriodResult]) -> PulseFigure | None:
        if not periods:
            return None
        closed = [p for p in periods if not p.is_open]
        period = closed[-1] if closed else periods[-1]
        return cls(
            period_start=period.period_start,
            period_end=period.period_end,
            answers=period.answers,
            is_open=period.is_open,
            overall=period.overall if period.shown else None,
        )


@dataclass
class CircleRow:
    """One circle on the dashboard."""

    circle: Circle
    members: int
    scheduled: int  # meetings due in the window (cancelled ones included)
    held: int
    present: int
    recorded: int
    usefulness: float | None  # mean feedback rating (1-5) of the window's meetings
    ratings: int
    pulse: PulseFigure | None
    open_commitments: int
    overdue: int
    flags: list[Flag] = field(default_factory=list)

    @property
    def consistency(self) -> int | None:
        """Meetings held of those scheduled, in percent."""
        return _percent(self.held, self.scheduled)

    @property
    def attendance(self) -> int | None:
        """Recorded attendance marked present, in percent."""
        return _percent(self.present, self.recorded)

    @property
    def at_risk(self) -> bool:
        return bool(self.flags)


# Sortable columns: (key in ?sort=, the column's name, the value sorted by). A missing value
# (no meetings yet, no ratings) sorts last in either direction. "Open" and "Overdue" count
# commitments (the page says so to screen readers too).
SortValue = Callable[[CircleRow], Any]
SORTS: dict[str, tuple[str, SortValue]] = {
    "name": ("Circle", lambda r: r.circle.name.casefold()),
    "lead": ("Lead", lambda r: r.circle.lead.name.casefold() if r.circle.lead else None),
    "members": ("Members", lambda r: r.members),
    "consistency": ("Consistency", lambda r: r.consistency),
    "attendance": ("Attendance", lambda r: r.attendance),
    "usefulness": ("Usefulness", lambda r: r.usefulness),
    "pulse": ("Pulse", lambda r: (r.pulse.overall or 0, r.pulse.answers) if r.pulse else None),
    "commitments": ("Open", lambda r: r.open_commitments),
    "overdue": ("Overdue", lambda r: r.overdue),
    "flags": ("Flags", lambda r: (len(r.flags), -min((f.rank[0] for f in r.flags), default=3))),
}
# Most at risk first, then by name.
DEFAULT_SORT = "-flags"


def sort_parse(value: str | None) -> tuple[str, bool]:
    """(column key, descending) from ?sort= ("name", "-flags"); the default for anything else."""
    value = value if value and value.removeprefix("-") in SORTS else DEFAULT_SORT
    return value.removeprefix("-"), value.startswith("-")


def rows_sorted(rows: Sequence[CircleRow], sort: str | None) -> list[CircleRow]:
    key, descending = sort_parse(sort)
    value = SORTS[key][1]
    by_name = sorted(rows, key=lambda r: r.circle.name.casefold())
    known = [r for r in by_name if value(r) is not None]
    missing = [r for r in by_name if value(r) is None]
    # Python's sort is stable: equal values stay in name order.
    return sorted(known, key=value, reverse=descending) + missing


@dataclass
class ProgramDashboard:
    program: Program
    rows: list[CircleRow]
    since: dt.date  # first day of the window
    until: dt.date  # last day of the window
    trend: Chart
    flags_chart: Chart

    @property
    def at_risk(self) -> list[CircleRow]:
        """The flagged circles, most serious first."""
        return sorted(
            (r for r in self.rows if r.flags),
            key=lambda r: (min(f.rank for f in r.flags), r.circle.name.casefold()),
        )


def _window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    until = day_start(today)
    return until - dt.timedelta(weeks=DASHBOARD_WEEKS), until


def _by_circle(rows: QuerySet[Any], key: str = "circle_id") -> dict[int, dict[str, Any]]:
    return {row[key]: row for row in rows}


def circle_rows(
    circles: QuerySet[Circle],
    *,
    today: dt.date,
    flags: dict[int, list[Flag]] | None = None,
    figures: dict[int, dict[str, Any]] | None = None,
) -> list[CircleRow]:
    """The figures of each circle of `circles` (a queryset, so its filter is reused inside the
    grouped queries), in seven queries plus the flags' (none when `flags` are given); one
    query when `figures` (from `circle_figures`, say cached) are given."""
    listed = list(
        circles.select_related("lead__user", "program").annotate(
            current_members=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
            )
        )
    )
    ids = [c.pk for c in listed]
    if not ids:
        return []
    if figures is None:
        figures = circle_figures(ids, today=today, flags=flags)
    return [
        CircleRow(
            circle=circle,
            members=getattr(circle, "current_members", 0),
            **figures.get(circle.pk, _NO_FIGURES),
        )
        for circle in listed
    ]


# A circle with nothing in the window yet.
_NO_FIGURES: dict[str, Any] = {
    "scheduled": 0, "held": 0, "present": 0, "recorded": 0, "usefulness": None, "ratings": 0,
    "pulse": None, "open_commitments": 0, "overdue": 0, "flags": [],
}  # fmt: skip


def circle_figures(
    ids: Sequence[int], *, today: dt.date, flags: dict[int, list[Flag]] | None = None
) -> dict[int, dict[str, Any]]:
    """Each circle's figures for its dashboard row (CircleRow's fields but the circle and its
    members), by circle id: plain data, fit for the figures cache."""
    start, until = _window(today)
    in_window = {"starts_at__gte": start, "starts_at__lt": until}
    meetings = _by_circle(
        Meeting.objects.filter(circle_id__in=ids, **in_window)
        .values("circle_id")
        .annotate(
            scheduled=Count("pk"),
            held=Count("pk", filter=~Q(status=Meeting.Status.CANCELLED)),
        )
        .order_by()
    )
    held_in_window = {
        "meeting__circle_id__in": ids,
        "meeting__status": Meeting.Status.SCHEDULED,
        "meeting__starts_at__gte": start,
        "meeting__starts_at__lt": until,
    }
    attendance = _by_circle(
        Attendance.objects.filter(**held_in_window)
        .values("meeting__circle_id")
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
        .order_by(),
        key="meeting__circle_id",
    )
    feedback = _by_circle(
        Feedback.objects.filter(**held_in_window)
        .values("meeting__circle_id")
        .annotate(mean=Avg("rating"), ratings=Count("pk"))
        .order_by(),
        key="meeting__circle_id",
    )
    commitments = _by_circle(
        Commitment.objects.filter(circle_id__in=ids, status=Commitment.Status.OPEN)
        .values("circle_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=until)))
        .order_by()
    )
    pulses = pulse_results(ids, today=today, periods=2)
    if flags is None:
        flags = circle_flags(ids, today=today)
    found = {}
    for pk in ids:
        m = meetings.get(pk, {})
        a = attendance.get(pk, {})
        f = feedback.get(pk, {})
        c = commitments.get(pk, {})
        mean = f.get("mean")
        found[pk] = {
            "scheduled": m.get("scheduled", 0),
            "held": m.get("held", 0),
            "present": a.get("present", 0),
            "recorded": a.get("recorded", 0),
            "usefulness": round(float(mean), 1) if mean is not None else None,
            "ratings": f.get("ratings", 0),
            "pulse": PulseFigure.latest(pulses.get(pk, [])),
            "open_commitments": c.get("open", 0),
            "overdue": c.get("overdue", 0),
            "flags": flags.get(pk, []),
        }
    return found


def _weekly(
    program_ids: Sequence[int], *, today: dt.date
) -> tuple[list[dt.date], list[tuple[int, int]], list[tuple[int, int]]]:
    """Week by week over the window, across the programs' circles: (held, scheduled) meetings
    and (present, recorded) attendance. Two queries grouped by day (a row a day at most)."""
    start, until = _window(today)
    first = start.date()
    weeks = [first + dt.timedelta(weeks=n) for n in range(DASHBOARD_WEEKS)]
    meetings = (
        Meeting.objects.filter(
            circle__program_id__in=program_ids, starts_at__gte=start, starts_at__lt=until
        )
        .annotate(day=TruncDate("starts_at"))
        .values("day")
        .annotate(
            scheduled=Count("pk"), held=Count("pk", filter=~Q(status=Meeting.Status.CANCELLED))
        )
        .order_by()
    )
    attendance = (
        Attendance.objects.filter(
            meeting__circle__program_id__in=program_ids,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=until,
        )
        .annotate(day=TruncDate("meeting__starts_at"))
        .values("day")
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
        .order_by()
    )
    held: list[list[int]] = [[0, 0] for _ in weeks]
    present: list[list[int]] = [[0, 0] for _ in weeks]
    for row in meetings:
        week = (row["day"] - first).days // 7
        held[week][0] += row["held"]
        held[week][1] += row["scheduled"]
    for row in attendance:
        week = (row["day"] - first).days // 7
        present[week][0] += row["present"]
        present[week][1] += row["recorded"]
    return weeks, [(h, s) for h, s in held], [(p, r) for p, r in present]


def trend_chart(program_ids: Sequence[int], *, today: dt.date, key: str = "trend") -> Chart:
    """Consistency and attendance across the programs' circles, week by week."""
    weeks, held, present = _weekly(program_ids, today=today)
    return Chart(
        kind="line",
        key=key,
        title="Consistency and attendance, week by week",
        summary=f"Across all circles, over the last {DASHBOARD_WEEKS} weeks: meetings held of "
        "those scheduled, and people present of those recorded.",
        labels=[f"{week.day} {week:%b}" for week in weeks],
        long_labels=[f"Week of {day_text(week)}" for week in weeks],
        datasets=[
            Dataset(name="Consistency", values=[_percent(h, s) for h, s in held], colour="accent"),
            Dataset(name="Attendance", values=[_percent(p, r) for p, r in present], colour="amber"),
        ],
        y_min=0,
        y_max=100,
        unit="%",
        label_header="Week",
    )


def flags_chart(flags: dict[int, list[Flag]], *, key: str = "flags") -> Chart:
    counts = flag_counts(flags)
    return Chart(
        kind="bar",
        key=key,
        title="Circles flagged, by reason",
        summary=f"{len(flags)} circle{'s' if len(flags) != 1 else ''} flagged; a circle can "
        "carry several flags.",
        labels=[FLAG_TITLES[code] for code in counts],
        datasets=[Dataset(name="Circles", values=list(counts.values()), colour="red")],
        horizontal=True,
        label_header="Flag",
    )


def program_dashboard(program: Program, *, today: dt.date, sort: str | None = None
) -> ProgramDashboard:  # fmt: skip
    """Every circle of the program with its figures and flags (sorted by `sort`, see SORTS),
    the program's weekly trend and its flags by kind. A fixed number of queries; the figures
    come from the figures cache (core/freshness.py) and the circles themselves (names, leads,
    members) are read afresh."""

    def compute() -> dict[str, Any]:
        ids = list(Circle.objects.filter(program=program).values_list("pk", flat=True))
        flags = program_flags([program.pk], today=today)
        return {
            "circles": circle_figures(ids, today=today, flags=flags),
            "trend": trend_chart([program.pk], today=today),
        }

    figures = figures_cached("dashboard", programs=[program.pk], day=today, compute=compute)
    rows = circle_rows(
        Circle.objects.filter(program=program), today=today, figures=figures["circles"]
    )
    start, until = _window(today)
    return ProgramDashboard(
        program=program,
        rows=rows_sorted(rows, sort),
        since=start.date(),
        until=until.date() - dt.timedelta(days=1),
        trend=figures["trend"],
        flags_chart=flags_chart({r.circle.pk: r.flags for r in rows if r.flags}),
    )


# --- several programs: the home page of coordinators and sponsors ------------------------------


@dataclass
class ProgramSummary:
    program: Program
    circles: int
    at_risk: int
    held: int
    scheduled: int
    present: int
    recorded: int

    @property
    def consistency(self) -> int | None:
        return _percent(self.held, self.scheduled)

    @property
    def attendance(self) -> int | None:
        return _percent(self.present, self.recorded)


@dataclass(frozen=True)
class CircleAtRisk:
    circle: Circle  # with .program set
    flags: list[Flag]


@dataclass
class ProgramsOverview:
    at_risk: list[CircleAtRisk]  # the AT_RISK_SHOWN most serious
    programs: list[ProgramSummary]
    at_risk_count: int = 0  # every flagged circle (each program's dashboard lists them all)

    @property
    def at_risk_more(self) -> int:
        return self.at_risk_count - len(self.at_risk)


# The home page lists this many circles at risk, the most serious; a coordinator of many
# programs finds the rest on each program's dashboard (hundreds would bury the first ones).
AT_RISK_SHOWN = 25


def programs_overview(programs: Sequence[Program], *, today: dt.date) -> ProgramsOverview:
    """For the programs someone oversees: their flagged circles (most serious first, then by
    program and name) and one summary per program (circles, how many at risk, consistency and
    attendance over the window). A fixed number of queries however many programs and
    circles."""
    by_pk = {p.pk: p for p in programs}
    if not by_pk:
        return ProgramsOverview(at_risk=[], programs=[])
    circles = Circle.objects.filter(program_id__in=by_pk)
    flags = program_flags(list(by_pk), today=today)
    # Each program's totals over the window, from the figures cache (core/freshness.py).
    totals = figures_cached_each(
        "programs-overview",
        programs=by_pk,
        day=today,
        compute=lambda missing: _program_totals(missing, today=today),
    )
    counts = dict(
        circles.values("program_id").annotate(n=Count("pk")).values_list("program_id", "n")
    )
    flagged = list(circles.filter(pk__in=list(flags)).only("pk", "name", "program_id", "time_zone"))
    at_risk_counts: dict[int, int] = defaultdict(int)
    at_risk = []
    for circle in flagged:
        circle.program = by_pk[circle.program_id]  # already fetched, with the viewer's capacities
        at_risk_counts[circle.program_id] += 1
        at_risk.append(CircleAtRisk(circle=circle, flags=flags[circle.pk]))
    at_risk.sort(key=lambda c: (min(f.rank for f in c.flags), c.circle.program.name, c.circle.name))
    summaries = []
    for program in programs:
        summaries.append(
            ProgramSummary(
                program=program,
                circles=counts.get(program.pk, 0),
                at_risk=at_risk_counts[program.pk],
                **totals[program.pk],
            )
        )
    return ProgramsOverview(
        at_risk=at_risk[:AT_RISK_SHOWN], programs=summaries, at_risk_count=len(at_risk)
    )


def _program_totals(program_ids: Sequence[int], *, today: dt.date) -> dict[int, dict[str, int]]:
    """Meetings held of those scheduled and people present of those recorded over the window,
    per program (two grouped queries)."""
    start, until = _window(today)
    totals: dict[int, dict[str, int]] = {
        pk: {"held": 0, "scheduled": 0, "present": 0, "recorded": 0} for pk in program_ids
    }
    meetings = (
        Meeting.objects.filter(
            circle__program_id__in=program_ids, starts_at__gte=start, starts_at__lt=until
        )
        .values("circle__program_id")
        .annotate(
            scheduled=Count("pk"), held=Count("pk", filter=~Q(status=Meeting.Status.CANCELLED))
        )
        .order_by()
    )
    for row in meetings:
        totals[row["circle__program_id"]].update(held=row["held"], scheduled=row["scheduled"])
    attendance = (
        Attendance.objects.filter(
            meeting__circle__program_id__in=program_ids,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=until,
        )
        .values("meeting__circle__program_id")
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
        .order_by()
    )
    for row in attendance:
        totals[row["meeting__circle__program_id"]].update(
            present=row["present"], recorded=row["recorded"]
        )
    return totals
