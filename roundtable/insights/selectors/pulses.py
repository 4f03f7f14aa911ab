"""Reads of the pulse: each circle's results period by period (`pulse_results`, a fixed number of
queries however many circles), the reading of the group's stage from the pattern of its answers
(`stage_read`, a pure function), and what the pages need to know about a program's current
period and about one member (whether they answered: the receipt tells, nothing else).

What leaves this module, and when. A period's results (means, spread, stage, comments) are shown
only once at least PULSE_MIN_ANSWERS members answered AND the period has closed. Below the
minimum only the count of answers leaves. While the period is open only the count leaves too:
results that changed with each new answer would let someone who saw a colleague answer read that
colleague's scores (and comment) as the difference between two readings.

The stage reading (forming, storming, norming, performing; Tuckman's stages of a group) is a
plain rule on a shown period's means (1 to 5), the spread of its answers (the mean over the five
statements of each one's standard deviation, 0 to 2) and the circle's previous shown period:

1. Storming: trust or participation below 3.0; or either fell by 0.5 or more since the previous
   shown period; or a spread of 1.2 or more (members experience the circle very differently).
2. Performing: all five at 4.0 or more with a spread below 1.0, and steady: the previous shown
   period had all five at 3.5 or more and none of them has fallen by 0.5 or more since.
3. Forming: one of the circle's first two periods with answers, with trust or clarity below 4.0
   (still middling: the group is getting to know each other and its purpose).
4. Norming: anything else: trust and clarity holding up, the circle finding its ways of working,
   progress not yet high and steady.

Storming is read first on purpose: it is the stage people most need to hear is normal."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Avg, Count, F

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.core.charts import Chart, Dataset, TableColumn
from roundtable.insights.models import (
    PULSE_FIELDS,
    PULSE_MIN_ANSWERS,
    PulseAnswer,
    PulseReceipt,
    PulseSchedule,
)

PULSE_PERIODS_SHOWN = 6

# Thresholds of the stage reading (see the module's docstring).
LOW = 3.0
HIGH = 4.0
STEADY = 3.5
FALL = 0.5
WIDE_SPREAD = 1.2
NARROW_SPREAD = 1.0
EARLY_PERIODS = 2
LONGEST_PERIOD = dt.timedelta(weeks=max(PulseSchedule.Cadence.values))


class Stage(models.TextChoices):
    FORMING = "forming", "Forming"
    STORMING = "storming", "Storming"
    NORMING = "norming", "Norming"
    PERFORMING = "performing", "Performing"


# What each stage means for the circle, in the spirit of the program's advice: consistency,
# patience with seemingly ineffective meetings, trust in the people doing the work.
STAGE_NOTES: dict[str, str] = {
    Stage.FORMING: (
        "The circle is still getting to know each other and what it is there for. Don't expect "
        "miracles right away: keep meeting at the same time each week or month, and let the "
        "group find its feet."
    ),
    Stage.STORMING: (
        "Storming is a normal step, not a failure: people are saying what they really think and "
        "testing how the circle works. Let the group storm its way to success, and allow "
        "seemingly ineffective meetings: they are the beginnings of success."
    ),
    Stage.NORMING: (
        "The circle is settling on how it works together: trust and clarity are holding up. "
        "Keep the rhythm; progress comes with enough time and effort."
    ),
    Stage.PERFORMING: (
        "The circle works well together and is making progress on what matters to it. Trust "
        "its members to do the work, and keep the consistency that got them here."
    ),
}

FIELD_LABELS: dict[str, str] = {
    "trust": "Trust",
    "clarity": "Clarity",
    "participation": "Participation",
    "usefulness": "Usefulness",
    "progress": "Progress",
}


@dataclass(frozen=True)
class StageReading:
    stage: Stage
    reason: str  # why this stage, in one sentence a person can check against the figures

    @property
    def note(self) -> str:
        return STAGE_NOTES[self.stage]


@dataclass(frozen=True)
class PulsePeriodResult:
    """One circle's pulse in one period. Below the minimum, or while the period is open, only
    `answers` is filled in: `means`, `overall`, `spread`, `stage` are None and `comments` empty."""

    period_start: dt.date
    period_end: dt.date
    answers: int
    is_open: bool = False
    shown: bool = False
    means: dict[str, float] | None = None
    overall: float | None = None
    spread: float | None = None
    stage: Stage | None = None
    stage_note: str = ""
    stage_reason: str = ""
    comments: tuple[str, ...] = field(default=())

    @property
    def waiting_for(self) -> int:
        """How many more answers the period needs before its results can show."""
        return max(0, PULSE_MIN_ANSWERS - self.answers)


# --- the stage reading (pure) ------------------------------------------------------------------


def _one(value: float) -> str:
    return f"{value:.1f}"


def stage_read(
    *,
    means: Mapping[str, float],
    spread: float,
    previous: Mapping[str, float] | None,
    periods_before: int,
) -> StageReading:
    """The stage a shown period reads as (rules in the module's docstring). `previous` is the
    means of the circle's previous shown period, if any; `periods_before` how many periods with
    answers the circle had before this one."""
    for key in ("trust", "participation"):
        if means[key] < LOW:
            return StageReading(
                Stage.STORMING, f"{FIELD_LABELS[key]} is low ({_one(means[key])} out of 5)."
            )
    if previous is not None:
        for key in ("trust", "participation"):
            if previous[key] - means[key] >= FALL:
                return StageReading(
                    Stage.STORMING,
                    f"{FIELD_LABELS[key]} fell from {_one(previous[key])} to {_one(means[key])}.",
                )
    if spread >= WIDE_SPREAD:
        return StageReading(
            Stage.STORMING, "Answers are far apart: members see the circle very differently."
        )
    all_high = all(means[key] >= HIGH for key in PULSE_FIELDS)
    if all_high and spread < NARROW_SPREAD and previous is not None:
        steady = all(previous[key] >= STEADY for key in PULSE_FIELDS) and not any(
            previous[key] - means[key] >= FALL for key in PULSE_FIELDS
        )
        if steady:
            return StageReading(
                Stage.PERFORMING, "All five are high and steady, progress included."
            )
    if periods_before < EARLY_PERIODS and (means["trust"] < HIGH or means["clarity"] < HIGH):
        return StageReading(
            Stage.FORMING, "Early days: trust and clarity are still middling, answers close."
        )
    if all_high:
        return StageReading(
            Stage.NORMING, "High across the board, not yet steady over two periods."
        )
    return StageReading(
        Stage.NORMING,
        f"Trust ({_one(means['trust'])}) and clarity ({_one(means['clarity'])}) hold up; "
        f"progress is at {_one(means['progress'])}.",
    )


# --- results per circle (a fixed number of queries) --------------------------------------------


def _period_length(schedule: PulseSchedule) -> dt.timedelta:
    return dt.timedelta(days=7 * schedule.every_weeks)


def _window_starts(schedule: PulseSchedule, *, today: dt.date, periods: int) -> list[dt.date]:
    """The starts of the schedule's last `periods` periods up to today's (none before the
    schedule's first period)."""
    current = schedule.period_start(today)
    if current is None:
        return []
    length = _period_length(schedule)
    starts = [current - i * length for i in range(periods)]
    return sorted(start for start in starts if start >= schedule.starts_on)


def _float(value: Any) -> float:
    return float(value) if value is not None else 0.0


def pulse_results(
    circle_ids: Iterable[int],
    *,
    today: dt.date,
    periods: int = PULSE_PERIODS_SHOWN,
    with_comments: bool = False,
) -> dict[int, list[PulsePeriodResult]]:
    """Each circle's last `periods` pulse periods up to today's, oldest first, keyed by circle id
    (every id asked for is a key; a circle whose program has no pulse gets an empty list).

    The periods are those of the program's current cadence; answers given under an earlier
    cadence (the program changed it) keep their own periods, each shown as lasting until the
    next one began. Three or four queries whatever the
    number of circles: the circles' schedules, the answers' counts and sums per period, how many
    periods each circle answered before the window (for the "early days" of the stage reading),
    and, `with_comments`, the comments of the periods that are shown."""
    ids = sorted(set(circle_ids))
    found: dict[int, list[PulsePeriodResult]] = {pk: [] for pk in ids}
    if not ids or periods < 1:
        return found
    schedules: dict[int, PulseSchedule] = {}
    for circle in Circle.objects.filter(pk__in=ids).select_related("program__pulse_schedule"):
        schedule = getattr(circle.program, "pulse_schedule", None)
        if schedule is not None:
            schedules[circle.pk] = schedule
    if not schedules:
        return found

    earliest = {
        pk: (schedule.period_start(today) or schedule.starts_on)
        - (periods - 1) * _period_length(schedule)
        for pk, schedule in schedules.items()
    }
    # Answers of an earlier cadence may have begun up to one longest period before the window.
    since = min(earliest.values()) - LONGEST_PERIOD
    sums: dict[str, Any] = {"n": Count("id")}
    for key in PULSE_FIELDS:
        sums[f"mean_{key}"] = Avg(key)
        sums[f"square_{key}"] = Avg(F(key) * F(key))
    rows = (
        PulseAnswer.objects.filter(circle_id__in=list(schedules), period_start__gte=since)
        .values("circle_id", "period_start")
        .annotate(**sums)
        .order_by()
    )
    by_period: dict[int, dict[dt.date, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        by_period[row["circle_id"]][row["period_start"]] = row
    answered_before = dict(
        PulseAnswer.objects.filter(circle_id__in=list(schedules), period_start__lt=since)
        .values("circle_id")
        .annotate(periods=Count("period_start", distinct=True))
        .order_by()
        .values_list("circle_id", "periods")
    )

    for pk, schedule in schedules.items():
        grid = _window_starts(schedule, today=today, periods=periods)
        answered = by_period.get(pk, {})
        # Periods of an earlier cadence inside the window keep their own start.
        starts = sorted(
            set(grid)
            | {start for start in answered if earliest[pk] - LONGEST_PERIOD <= start <= today}
        )[-periods:]
        if not starts:
            continue
        before = answered_before.get(pk, 0) + sum(1 for start in answered if start < starts[0])
        previous: dict[str, float] | None = None
        results = []
        for index, start in enumerate(starts):
            if start in grid or index + 1 == len(starts):
                end = start + _period_length(schedule) - dt.timedelta(days=1)
            else:  # a period of an earlier cadence: it lasted until the next one began
                end = min(starts[index + 1], start + LONGEST_PERIOD) - dt.timedelta(days=1)
            got = answered.get(start)
            count = got["n"] if got else 0
            is_open = end >= today
            if got is None or count < PULSE_MIN_ANSWERS or is_open:
                results.append(PulsePeriodResult(start, end, count, is_open=is_open))
            else:
                means = {key: round(_float(got[f"mean_{key}"]), 2) for key in PULSE_FIELDS}
                spread = sum(
                    math.sqrt(
                        max(0.0, _float(got[f"square_{key}"]) - _float(got[f"mean_{key}"]) ** 2)
                    )
                    for key in PULSE_FIELDS
                ) / len(PULSE_FIELDS)
                reading = stage_read(
                    means=means, spread=spread, previous=previous, periods_before=before
                )
                results.append(
                    PulsePeriodResult(
                        start,
                        end,
                        count,
                        shown=True,
                        means=means,
                        overall=round(sum(means.values()) / len(means), 2),
                        spread=round(spread, 2),
                        stage=reading.stage,
                        stage_note=reading.note,
                        stage_reason=reading.reason,
                    )
                )
                previous = means
            before += 1 if count else 0
        found[pk] = results

    if with_comments:
        found = _with_comments(found)
    return found


def _with_comments(
    found: dict[int, list[PulsePeriodResult]],
) -> dict[int, list[PulsePeriodResult]]:
    """The shown periods' comments (one query), in alphabetical order: no order of answering."""
    shown = {(pk, r.period_start) for pk, results in found.items() for r in results if r.shown}
    if not shown:
        return found
    comments: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    rows = (
        PulseAnswer.objects.filter(
            circle_id__in={pk for pk, _ in shown},
            period_start__in={start for _, start in shown},
        )
        .exclude(comment="")
        .values_list("circle_id", "period_start", "comment")
    )
    for pk, start, comment in rows:
        if (pk, start) in shown:
            comments[(pk, start)].append(comment)
    return {
        pk: [
            replace(r, comments=tuple(sorted(comments.get((pk, r.period_start), []))))
            if r.shown
            else r
            for r in results
        ]
        for pk, results in found.items()
    }


# --- a program's current period and one member's receipt ---------------------------------------


def pulse_schedule_of(program_id: int) -> PulseSchedule | None:
    return PulseSchedule.objects.filter(program_id=program_id).first()


def pulse_current_period(
    schedule: PulseSchedule | None, *, today: dt.date
) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the period open today, when the program's pulse runs."""
    if schedule is None or not schedule.active:
        return None
    start = schedule.period_start(today)
    if start is None:
        return None
    return start, schedule.period_end(start)


def pulse_answered(*, circle_id: int, period_start: dt.date, member_id: int) -> bool:
    """Whether the member answered the circle's pulse in the period: their receipt exists.
    Nothing else about their answer can be found, by them or anyone."""
    digest = PulseReceipt.digest_for(
        circle_id=circle_id, period_start=period_start, member_id=member_id
    )
    return PulseReceipt.objects.filter(digest=digest).exists()


@dataclass(frozen=True)
class PulseCircleCount:
    circle_id: int
    name: str
    answers: int

    @property
    def reached(self) -> bool:
        return self.answers >= PULSE_MIN_ANSWERS


def pulse_program_circles(*, program_id: int, period_start: dt.date) -> list[PulseCircleCount]:
    """Each of the program's circles with its count of answers in the period (counts only), by
    name. Two queries."""
    counts = dict(
        PulseAnswer.objects.filter(circle__program_id=program_id, period_start=period_start)
        .values("circle_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("circle_id", "n")
    )
    return [
        PulseCircleCount(pk, name, counts.get(pk, 0))
        for pk, name in Circle.objects.filter(program_id=program_id)
        .order_by("name")
        .values_list("pk", "name")
    ]


def pulse_program_progress(*, program_id: int, period_start: dt.date) -> dict[str, int]:
    """The period across the program's circles, in counts only: circles, circles that have at
    least one answer, circles that reached the minimum, answers in all."""
    return pulse_progress_of(
        pulse_program_circles(program_id=program_id, period_start=period_start)
    )


def pulse_progress_of(circles: Sequence[PulseCircleCount]) -> dict[str, int]:
    return {
        "circles": len(circles),
        "answering": sum(1 for c in circles if c.answers),
        "reached": sum(1 for c in circles if c.reached),
        "answers": sum(c.answers for c in circles),
    }


# --- prompts: where a member is asked to answer -------------------------------------------------


@dataclass(frozen=True)
class PulsePrompt:
    """A circle whose pulse is open today (in its time zone), for one viewer: whether they may
    answer it and whether their receipt says they already did."""

    circle: Circle
    period_start: dt.date
    period_end: dt.date
    can_answer: bool
    answered: bool

    @property
    def results_from(self) -> dt.date:
        """The first day this period's results can show (if enough members answer)."""
        return self.period_end + dt.timedelta(days=1)


def circle_today(circle: Circle, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(circle.time_zone)).date()


def pulse_prompts(*, user: Any, circles: Iterable[Circle], now: dt.datetime) -> list[PulsePrompt]:
    """The circles (fetched with the viewer's capacities) whose program's pulse is open today,
    with the viewer's part in it. Two queries at most, however many circles: the schedules and
    the viewer's receipts."""
    circles = list(circles)
    schedules = {
        s.program_id: s
        for s in PulseSchedule.objects.filter(
            program_id__in={c.program_id for c in circles}, active=True
        )
    }
    prompts: list[PulsePrompt] = []
    digests: dict[str, int] = {}
    for circle in circles:
        period = pulse_current_period(
            schedules.get(circle.program_id), today=circle_today(circle, now)
        )
        if period is None:
            continue
        can_answer = permissions.can_answer_pulse(user, circle)
        if can_answer:
            me = permissions.member_in(user, circle.program.organization_id)
            if me is not None:
                digest = PulseReceipt.digest_for(
                    circle_id=circle.pk, period_start=period[0], member_id=me.pk
                )
                digests[digest] = len(prompts)
        prompts.append(PulsePrompt(circle, period[0], period[1], can_answer, answered=False))
    if digests:
        for digest in PulseReceipt.objects.filter(digest__in=list(digests)).values_list(
            "digest", flat=True
        ):
            prompts[digests[digest]] = replace(prompts[digests[digest]], answered=True)
    return prompts


# --- the trend as a chart ------------------------------------------------------------------------

_FIELD_COLOURS = dict(
    zip(PULSE_FIELDS, ("accent", "violet", "amber", "teal", "green"), strict=True)
)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def _why_hidden(result: PulsePeriodResult) -> str:
    if result.is_open:
        return f"open until {_day(result.period_end)}"
    return f"fewer than {PULSE_MIN_ANSWERS} answers"


def pulse_chart(results: Sequence[PulsePeriodResult], *, key: str = "pulse-trend") -> Chart:
    """A circle's pulse periods as a line per statement (averages 1-5); a period not shown is a
    gap, and the table says why (open, or fewer than three answers) beside its count of
    answers and the stage read."""

    def text(result: PulsePeriodResult, value: float | None) -> str:
        return _why_hidden(result) if value is None else f"{value:.1f}"

    datasets = []
    for field_key in PULSE_FIELDS:
        values = [r.means[field_key] if r.means else None for r in results]
        datasets.append(
            Dataset(
                name=FIELD_LABELS[field_key],
                values=values,
                colour=_FIELD_COLOURS[field_key],
                texts=[text(r, v) for r, v in zip(results, values, strict=True)],
            )
        )
    return Chart(
        kind="line",
        key=key,
        title="The pulse, period by period",
        summary=(
            "Average agreement from 1 (strongly disagree) to 5 (strongly agree), oldest period "
            f"first. A period shows once it has closed with at least {PULSE_MIN_ANSWERS} answers."
        ),
        labels=[f"{r.period_start:%-d %b}" for r in results],
        long_labels=[f"{r.period_start:%-d %b} to {r.period_end:%-d %b %Y}" for r in results],
        datasets=datasets,
        y_min=1,
        y_max=5,
        extra_columns=[
            TableColumn(name="Answers", cells=[str(r.answers) for r in results]),
            TableColumn(
                name="Stage",
                cells=[r.stage.label if r.stage else "—" for r in results],
            ),
        ],
        label_header="Period",
    )
