"""A circle's health over time: month by month over the last HEALTH_MONTHS months (today's month
so far included), how consistently it met (held against scheduled), attendance, how useful its
meetings were, its pulse (the pulse's own periods and rules), the ideas that went through its
funnel, commitments kept on time and escalations. `circles_health` is the batch form (circle ids
in, a dict out) in a fixed number of grouped queries however many circles and meetings:
GROUP BY circle and month in SQL, never a loop over meetings in Python. `circle_health_figures`
turns one circle's figures into charts, each with a one-line plain reading.

Months are calendar months in one time zone (the circle's own for `circle_health`); what happens
today is judged tomorrow: meetings count once they started before today, commitments once their
date is before today. A weak month is part of the story, not a verdict on the circle."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, DateField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment, Escalation
from roundtable.core.charts import Chart, Dataset, TableColumn
from roundtable.core.freshness import figures_cached
from roundtable.ideas.models import Decision, Idea, Stage
from roundtable.insights.models import PULSE_MIN_ANSWERS
from roundtable.insights.selectors.pulses import PulsePeriodResult, pulse_results
from roundtable.meetings.models import Attendance, Feedback, Meeting

HEALTH_MONTHS = 6
HEALTH_PULSE_PERIODS = 6


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthHealth:
    """One circle's figures for one calendar month (its first day in `month`)."""

    month: dt.date
    scheduled: int = 0  # meetings that started before today, cancelled ones included
    held: int = 0
    moved: int = 0  # held, at another time than the schedule's
    present: int = 0  # attendance marks "present" at held meetings
    recorded: int = 0  # attendance marks of any kind at held meetings
    ratings: int = 0  # feedback given on held meetings
    rating_total: int = 0  # their sum (1-5 each)
    ideas_proposed: int = 0
    ideas_to_trial: int = 0  # decisions that put an idea on trial
    ideas_adopted: int = 0
    ideas_set_aside: int = 0
    on_time: int = 0  # commitments due this month, delivered on or before their date
    late: int = 0  # delivered after it
    overdue: int = 0  # still open past it
    escalations: int = 0  # raised this month

    @property
    def cancelled(self) -> int:
        return self.scheduled - self.held

    @property
    def held_percent(self) -> int | None:
        return _percent(self.held, self.scheduled)

    @property
    def attendance_percent(self) -> int | None:
        return _percent(self.present, self.recorded)

    @property
    def usefulness(self) -> float | None:
        return round(self.rating_total / self.ratings, 1) if self.ratings else None

    @property
    def commitments_due(self) -> int:
        return self.on_time + self.late + self.overdue


_COUNTS = [f.name for f in fields(MonthHealth) if f.name != "month"]


@dataclass(frozen=True)
class CircleHealth:
    """A circle's figures month by month (oldest first), its pulse periods (oldest first; the
    pulse's own rule says which have results), and two figures of today."""

    circle_id: int
    today: dt.date
    months: tuple[MonthHealth, ...]
    pulse: tuple[PulsePeriodResult, ...]
    escalations_open: int  # unresolved now, whenever raised
    ideas_on_trial: int  # on trial now

    @property
    def since(self) -> dt.date:
        return self.months[0].month

    @property
    def total(self) -> MonthHealth:
        """The window's figures added up (`month`: its first month)."""
        return MonthHealth(
            self.since, **{name: sum(getattr(m, name) for m in self.months) for name in _COUNTS}
        )

    @property
    def is_new(self) -> bool:
        """No meeting yet in the window, nor anything else to show: a circle just begun."""
        total = self.total
        return not any(getattr(total, name) for name in _COUNTS) and not any(
            p.answers for p in self.pulse
        )


def _percent(part: int, whole: int) -> int | None:
    return round(part / whole * 100) if whole else None


def health_months(today: dt.date, count: int = HEALTH_MONTHS) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, today's month last."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def circles_health(
    circle_ids: Iterable[int],
    *,
    today: dt.date,
    time_zone: str = "UTC",
    months: int = HEALTH_MONTHS,
    pulse_periods: int = HEALTH_PULSE_PERIODS,
) -> dict[int, CircleHealth]:
    """Each circle's health, keyed by id (every id asked for is a key). Months are calendar
    months in `time_zone`. Eight grouped queries plus the pulse's own (three or four), whatever
    the number of circles, meetings, ideas or commitments."""
    ids = sorted(set(circle_ids))
    firsts = health_months(today, months)
    if not ids:
        return {}
    zone = ZoneInfo(time_zone)
    start, until = _midnight(firsts[0], zone), _midnight(today, zone)
    figures: dict[int, dict[dt.date, dict[str, int]]] = {
        pk: {first: defaultdict(int) for first in firsts} for pk in ids
    }

    def add(rows: Iterable[dict[str, Any]], circle: str, names: Sequence[str]) -> None:
        for row in rows:
            month = figures[row[circle]].get(row["month"])
            if month is not None:  # every row is in the window; a guard all the same
                for name in names:
                    month[name] += row[name] or 0

    def by_month(field: str) -> TruncMonth:
        return TruncMonth(field, tzinfo=zone, output_field=DateField())

    held = ~Q(status=Meeting.Status.CANCELLED)
    add(
        Meeting.objects.filter(circle_id__in=ids, starts_at__gte=start, starts_at__lt=until)
        .values("circle_id", month=by_month("starts_at"))
        .annotate(
            scheduled=Count("pk"),
            held=Count("pk", filter=held),
            moved=Count(
                "pk",
                filter=held & Q(series_start__isnull=False) & ~Q(series_start=F("starts_at")),
            ),
        )
        .order_by(),
        "circle_id",
        ["scheduled", "held", "moved"],
    )
    held_meetings = {
        "meeting__circle_id__in": ids,
        "meeting__status": Meeting.Status.SCHEDULED,
        "meeting__starts_at__gte": start,
        "meeting__starts_at__lt": until,
    }
    add(
        Attendance.objects.filter(**held_meetings)
        .values("meeting__circle_id", month=by_month("meeting__starts_at"))
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
        .order_by(),
        "meeting__circle_id",
        ["present", "recorded"],
    )
    add(
        Feedback.objects.filter(**held_meetings)
        .values("meeting__circle_id", month=by_month("meeting__starts_at"))
        .annotate(ratings=Count("pk"), rating_total=Sum("rating"))
        .order_by(),
        "meeting__circle_id",
        ["ratings", "rating_total"],
    )
    # An idea's day of proposal is a date (no time to convert): grouped by its own month.
    add(
        Idea.objects.filter(
            circle_id__in=ids, created_on__gte=firsts[0], created_on__lt=today, withdrawn=False
        )
        .values("circle_id", month=TruncMonth("created_on", output_field=DateField()))
        .annotate(ideas_proposed=Count("pk"))
        .order_by(),
        "circle_id",
        ["ideas_proposed"],
    )
    add(
        Decision.objects.filter(
            idea__circle_id__in=ids,
            decided_at__gte=start,
            decided_at__lt=until,
            to_stage__in=[Stage.TRIAL, Stage.ADOPTED, Stage.SET_ASIDE],
        )
        .values("idea__circle_id", month=by_month("decided_at"))
        .annotate(
            ideas_to_trial=Count("pk", filter=Q(to_stage=Stage.TRIAL)),
            ideas_adopted=Count("pk", filter=Q(to_stage=Stage.ADOPTED)),
            ideas_set_aside=Count("pk", filter=Q(to_stage=Stage.SET_ASIDE)),
        )
        .order_by(),
        "idea__circle_id",
        ["ideas_to_trial", "ideas_adopted", "ideas_set_aside"],
    )
    done = Q(status=Commitment.Status.DONE)
    add(
        Commitment.objects.filter(
            circle_id__in=ids,
            due_at__gte=start,
            due_at__lt=until,
            status__in=[Commitment.Status.OPEN, Commitment.Status.DONE],
        )
        .values("circle_id", month=by_month("due_at"))
        .annotate(
            on_time=Count("pk", filter=done & Q(done_at__lte=F("due_at"))),
            late=Count("pk", filter=done & Q(done_at__gt=F("due_at"))),
            overdue=Count("pk", filter=Q(status=Commitment.Status.OPEN)),
        )
        .order_by(),
        "circle_id",
        ["on_time", "late", "overdue"],
    )
    add(
        Escalation.objects.filter(
            commitment__circle_id__in=ids, raised_at__gte=start, raised_at__lt=until
        )
        .values("commitment__circle_id", month=by_month("raised_at"))
        .annotate(escalations=Count("pk"))
        .order_by(),
        "commitment__circle_id",
        ["escalations"],
    )

    # Two figures of today, in one query: unresolved escalations and ideas on trial, per circle.
    def count_of(queryset: Any, circle: str) -> Coalesce:
        counted = queryset.filter(**{circle: OuterRef("pk")}).values(circle).annotate(n=Count("pk"))
        return Coalesce(Subquery(counted.values("n")[:1]), 0)

    now = {
        row["pk"]: row
        for row in Circle.objects.filter(pk__in=ids)
        .annotate(
            escalations_open=count_of(
                Escalation.objects.filter(resolved_at__isnull=True).order_by(),
                "commitment__circle_id",
            ),
            ideas_on_trial=count_of(Idea.objects.filter(stage=Stage.TRIAL).order_by(), "circle_id"),
        )
        .values("pk", "escalations_open", "ideas_on_trial")
    }
    pulses = pulse_results(ids, today=today, periods=pulse_periods)

    return {
        pk: CircleHealth(
            circle_id=pk,
            today=today,
            months=tuple(MonthHealth(first, **figures[pk][first]) for first in firsts),
            pulse=tuple(pulses.get(pk, [])),
            escalations_open=now.get(pk, {}).get("escalations_open", 0),
            ideas_on_trial=now.get(pk, {}).get("ideas_on_trial", 0),
        )
        for pk in ids
    }


def circle_health(circle: Circle, *, today: dt.date) -> CircleHealth:
    """One circle's health, its months in its own time zone, from the figures cache (kept per
    program and day; core/freshness.py)."""
    return figures_cached(
        "health",
        programs=[circle.program_id],
        day=today,
        part=f"{circle.pk}:{circle.time_zone}",
        compute=lambda: circles_health([circle.pk], today=today, time_zone=circle.time_zone)[
            circle.pk
        ],
    )


# --- as charts, each with its plain reading ------------------------------------------------------


@dataclass(frozen=True)
class HealthFigure:
    chart: Chart
    reading: str  # one plain sentence: what the chart says, in words and numbers
    note: str = ""  # a word of context where one helps (a weak meeting is normal ...)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _month_name(month: dt.date, today: dt.date) -> str:
    return f"{month:%B}" if month.year == today.year else f"{month:%B %Y}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _labels(health: CircleHealth) -> tuple[list[str], list[str]]:
    short = [f"{m.month:%b}" for m in health.months]
    long = [f"{m.month:%B %Y}" for m in health.months]
    long[-1] += " (so far)"
    return short, long


def _pulse_text(period: PulsePeriodResult) -> str:
    if period.shown:
        stage = f", {period.stage.label.lower()}" if period.stage else ""
        return f"{period.overall:.1f} / 5 ({_plural(period.answers, 'answer')}{stage})"
    if period.is_open:
        return f"open: {_plural(period.answers, 'answer')} so far"
    if period.answers:
        return f"not shown: {_plural(period.answers, 'answer')}, fewer than {PULSE_MIN_ANSWERS}"
    return "no answers"


def circle_health_figures(health: CircleHealth) -> list[HealthFigure]:
    """The seven figures of the health page (and of nothing else: the API gives the series)."""
    short, long = _labels(health)
    months = health.months
    total = health.total
    since = f"since {_month_name(health.since, health.today)}"
    common: dict[str, Any] = {"labels": short, "long_labels": long, "label_header": "Month"}

    if total.scheduled:
        aside = [
            f"{n} {word}"
            for n, word in ((total.cancelled, "cancelled"), (total.moved, "moved"))
            if n
        ]
        meetings_reading = (
            f"Held {total.held} of {total.scheduled} scheduled meetings {since}"
            + (f" ({', '.join(aside)})" if aside else "")
            + "."
        )
    else:
        meetings_reading = f"No meetings were due {since}."
    meetings = HealthFigure(
        Chart(
            kind="stacked",
            key="health-meetings",
            title="Meetings held",
            summary="Meetings held and cancelled, month by month.",
            datasets=[
                Dataset("Held", [m.held for m in months], colour="accent"),
                Dataset("Cancelled", [m.cancelled for m in months], colour="grey"),
            ],
            extra_columns=[
                TableColumn("Moved", [str(m.moved) for m in months]),
                TableColumn("Scheduled", [str(m.scheduled) for m in months]),
                TableColumn(
                    "Held of scheduled",
                    [f"{m.held_percent}%" if m.scheduled else "—" for m in months],
                ),
            ],
            y_label="Meetings",
            **common,
        ),
        meetings_reading,
        "Consistency carries a circle: meeting at the same time every week or month matters "
        "more than any one meeting.",
    )

    attendance = HealthFigure(
        Chart(
            kind="line",
            key="health-attendance",
            title="Attendance",
            summary="Share of recorded places at held meetings where the person was present.",
            datasets=[
                Dataset(
                    "Present",
                    [m.attendance_percent for m in months],
                    colour="teal",
                    texts=[
                        f"{m.attendance_percent}% ({m.present} of {m.recorded})"
                        if m.recorded
                        else "not recorded"
                        for m in months
                    ],
                )
            ],
            y_max=100,
            unit="%",
            **common,
        ),
        f"People were present at {total.attendance_percent}% of recorded places {since} "
        f"({total.present} of {total.recorded})."
        if total.recorded
        else f"No attendance was recorded {since}.",
    )

    usefulness = HealthFigure(
        Chart(
            kind="line",
            key="health-usefulness",
            title="Usefulness of meetings",
            summary="Average rating members gave the month's held meetings, from 1 to 5.",
            datasets=[
                Dataset(
                    "Usefulness",
                    [m.usefulness for m in months],
                    colour="accent",
                    texts=[
                        f"{m.usefulness:.1f} / 5 from {_plural(m.ratings, 'rating')}"
                        if m.usefulness is not None
                        else "no ratings"
                        for m in months
                    ],
                )
            ],
            y_min=1,
            y_max=5,
            **common,
        ),
        f"Meetings were rated {total.usefulness:.1f} out of 5 on average {since}, from "
        f"{_plural(total.ratings, 'rating')}."
        if total.usefulness is not None
        else f"No meeting was rated {since}.",
        "A weak meeting now and then is normal: groups storm before they perform, and the "
        "circle's consistency matters more than any one meeting.",
    )

    periods = list(health.pulse)
    shown = [p for p in periods if p.shown]
    if shown:
        latest = shown[-1]
        pulse_reading = (
            f"Latest pulse result: {latest.overall:.1f} out of 5 from "
            f"{_plural(latest.answers, 'answer')} (period from {_day(latest.period_start)})"
            + (f", read as {latest.stage.label.lower()}." if latest.stage else ".")
        )
        pulse_note = latest.stage_note
    elif periods:
        pulse_reading = (
            f"No pulse results to show yet: a period's results show once it has closed with at "
            f"least {PULSE_MIN_ANSWERS} answers."
        )
        pulse_note = ""
    else:
        pulse_reading = "The program runs no pulse check."
        pulse_note = ""
    pulse = HealthFigure(
        Chart(
            kind="line",
            key="health-pulse",
            title="Pulse",
            summary="The mean of the five pulse statements (1 to 5), period by period; a "
            f"period shows only once closed with at least {PULSE_MIN_ANSWERS} answers.",
            labels=[f"{p.period_start.day} {p.period_start:%b}" for p in periods],
            long_labels=[f"{_day(p.period_start)} to {_day(p.period_end)}" for p in periods],
            datasets=[
                Dataset(
                    "Pulse",
                    [p.overall if p.shown else None for p in periods],
                    colour="violet",
                    texts=[_pulse_text(p) for p in periods],
                )
            ],
            extra_columns=[
                TableColumn("Answers", [str(p.answers) for p in periods]),
                TableColumn(
                    "Stage",
                    [p.stage.label if p.shown and p.stage else "—" for p in periods],
                ),
            ],
            y_min=1,
            y_max=5,
            label_header="Period",
        ),
        pulse_reading,
        pulse_note,
    )

    funnel = [
        ("Proposed", total.ideas_proposed, "accent"),
        ("Went to trial", total.ideas_to_trial, "teal"),
        ("Adopted", total.ideas_adopted, "green"),
        ("Set aside", total.ideas_set_aside, "grey"),
    ]
    ideas = HealthFigure(
        Chart(
            kind="bar",
            key="health-ideas",
            title="Ideas: proposed, tried, adopted",
            summary=f"Ideas proposed {since}, and the decisions that took ideas to a trial, to "
            "adoption or set them aside.",
            labels=[name for name, _, _ in funnel],
            datasets=[
                Dataset(
                    "Ideas",
                    [count for _, count, _ in funnel],
                    point_colours=[colour for _, _, colour in funnel],
                )
            ],
            horizontal=True,
            height="short",
            label_header="Step",
        ),
        f"{_plural(total.ideas_proposed, 'idea')} proposed {since}, "
        f"{total.ideas_to_trial} went to trial, {total.ideas_adopted} adopted, "
        f"{total.ideas_set_aside} set aside; {health.ideas_on_trial} on trial now.",
    )

    commitments = HealthFigure(
        Chart(
            kind="stacked",
            key="health-commitments",
            title="Commitments kept on time",
            summary="Commitments by the month they were due: delivered on or before their "
            "date, delivered late, or still open past it.",
            datasets=[
                Dataset("On time", [m.on_time for m in months], colour="green"),
                Dataset("Late", [m.late for m in months], colour="amber"),
                Dataset("Overdue", [m.overdue for m in months], colour="red"),
            ],
            y_label="Commitments",
            **common,
        ),
        f"Of {_plural(total.commitments_due, 'commitment')} due {since}, {total.on_time} "
        f"{'was' if total.on_time == 1 else 'were'} delivered on time, {total.late} late, and "
        f"{total.overdue} {'is' if total.overdue == 1 else 'are'} overdue."
        if total.commitments_due
        else f"No commitment fell due {since}.",
    )

    escalations = HealthFigure(
        Chart(
            kind="bar",
            key="health-escalations",
            title="Escalations",
            summary="Commitments a lead took to the sponsor, by the month they were raised.",
            datasets=[Dataset("Raised", [m.escalations for m in months], colour="red")],
            y_label="Escalations",
            height="short",
            **common,
        ),
        f"{_plural(total.escalations, 'escalation')} raised {since}; "
        f"{health.escalations_open} open now.",
    )
    return [meetings, attendance, usefulness, pulse, ideas, commitments, escalations]
