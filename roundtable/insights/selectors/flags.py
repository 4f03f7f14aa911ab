"""At-risk flags: for each circle of a running program, what looks wrong, why (a sentence with
the figures) and since when. A flag is a prompt to ask the circle how it is going, never a
verdict: groups storm before they perform, and one weak meeting raises nothing.

`circle_flags` asks a constant number of queries whatever the number of circles: each rule is one
aggregate grouped by circle (with correlated subqueries that walk the (circle, starts_at) index
from the newest meeting back), never every meeting loaded into Python. The day being judged ends
at the start of `today` (UTC): meetings of today are not judged until tomorrow, so attendance
taken at the end of the day still counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment
from roundtable.core.freshness import figures_cached_each
from roundtable.insights.selectors.pulses import pulse_results
from roundtable.meetings.models import Attendance, Meeting, Schedule
from roundtable.programs.models import Program

# --- the rules' thresholds -------------------------------------------------------------------

# Meetings missed in a row (cancelled, or held with nobody marked present) before a flag.
MISSED_IN_A_ROW = 3
# Attendance is compared over two windows of this length: the latest and the one before it.
ATTENDANCE_WINDOW = dt.timedelta(weeks=4)
# A fall of at least this many percentage points from one window to the next raises a flag.
ATTENDANCE_DROP_POINTS = 15
# Each window needs at least this many meetings with attendance taken, so that one meeting's
# bad day is not read as a trend (a monthly circle is judged on its missed meetings instead).
ATTENDANCE_MIN_MEETINGS = 2
# Open commitments past their date, in one circle, before a flag.
OVERDUE_PILE = 3


class FlagCode(StrEnum):
    MISSED_MEETINGS = "missed_meetings"
    ATTENDANCE_FALLING = "attendance_falling"
    NO_PULSE_ANSWERS = "no_pulse_answers"
    NO_LEAD = "no_lead"
    NO_SCHEDULE = "no_schedule"
    OVERDUE_COMMITMENTS = "overdue_commitments"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}

# Each flag's short name, as pages, the API and the email show it; in the order pages list them.
FLAG_TITLES: dict[FlagCode, str] = {
    FlagCode.MISSED_MEETINGS: "Meetings missed",
    FlagCode.NO_LEAD: "No lead",
    FlagCode.NO_SCHEDULE: "No schedule",
    FlagCode.ATTENDANCE_FALLING: "Attendance falling",
    FlagCode.OVERDUE_COMMITMENTS: "Commitments overdue",
    FlagCode.NO_PULSE_ANSWERS: "No pulse answers",
}
FLAG_SEVERITY: dict[FlagCode, Severity] = {
    FlagCode.MISSED_MEETINGS: Severity.HIGH,
    FlagCode.NO_LEAD: Severity.HIGH,
    FlagCode.NO_SCHEDULE: Severity.HIGH,
    FlagCode.ATTENDANCE_FALLING: Severity.MEDIUM,
    FlagCode.OVERDUE_COMMITMENTS: Severity.MEDIUM,
    FlagCode.NO_PULSE_ANSWERS: Severity.LOW,
}


@dataclass(frozen=True)
class Flag:
    """One reason a circle may be at risk: `reason` says why with the figures, `since` is the
    circle's local day it began (the first meeting of a run, the oldest overdue date, ...)."""

    code: FlagCode
    title: str
    reason: str
    since: dt.date
    severity: Severity

    @property
    def rank(self) -> tuple[int, dt.date]:
        return SEVERITY_ORDER[self.severity], self.since


def _flag(code: FlagCode, reason: str, since: dt.date) -> Flag:
    return Flag(
        code=code, title=FLAG_TITLES[code], reason=reason, since=since, severity=FLAG_SEVERITY[code]
    )


def day_text(day: dt.date) -> str:
    """A date as the flags write it: "3 Feb 2027"."""
    return f"{day.day} {day:%b %Y}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def day_start(today: dt.date) -> dt.datetime:
    """The instant `today` begins (UTC): what is before it has happened."""
    return dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _CircleFacts:
    pk: int
    time_zone: str
    lead_id: int | None
    opened_on: dt.date  # its first members' day in it (or its creation, if earlier)
    changed_on: dt.date
    has_schedule: bool
    schedule_ends_on: dt.date | None
    pulse_active: bool

    def local_day(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(ZoneInfo(self.time_zone)).date()


def _facts(circle_ids: Collection[int]) -> dict[int, _CircleFacts]:
    """The circles of active programs among `circle_ids`, with their schedule and their
    program's pulse (one query: both are one-to-one)."""
    rows = (
        Circle.objects.filter(pk__in=circle_ids, program__status=Program.Status.ACTIVE)
        .annotate(has_schedule=Exists(Schedule.objects.filter(circle_id=OuterRef("pk"))))
        .values(
            "pk",
            "time_zone",
            "lead_id",
            "created_at",
            "updated_at",
            "has_schedule",
            "schedule__ends_on",
            "program__pulse_schedule__active",
        )
        .annotate(first_joined=Min("memberships__joined_on"))
    )
    facts = {}
    for row in rows:
        zone = ZoneInfo(row["time_zone"])
        created = row["created_at"].astimezone(zone).date()
        facts[row["pk"]] = _CircleFacts(
            pk=row["pk"],
            time_zone=row["time_zone"],
            lead_id=row["lead_id"],
            opened_on=min(created, row["first_joined"] or created),
            changed_on=row["updated_at"].astimezone(zone).date(),
            has_schedule=row["has_schedule"],
            schedule_ends_on=row["schedule__ends_on"],
            pulse_active=bool(row["program__pulse_schedule__active"]),
        )
    return facts


# --- the rules --------------------------------------------------------------------------------


def _lead_and_schedule(facts: _CircleFacts, today: dt.date) -> Iterable[Flag]:
    if facts.lead_id is None:
        # Nothing records when a lead stepped down; clearing the lead is the circle's last
        # change, so its day is the latest it can have been (never earlier than the truth).
        yield _flag(
            FlagCode.NO_LEAD,
            "Nobody leads this circle: no one runs its meetings or is asked to take "
            "attendance and notes.",
            max(facts.opened_on, facts.changed_on),
        )
    if not facts.has_schedule:
        yield _flag(
            FlagCode.NO_SCHEDULE,
            "The circle has no schedule, so no meetings are planned and nobody is reminded.",
            facts.opened_on,
        )
    elif facts.schedule_ends_on is not None and facts.schedule_ends_on < today:
        yield _flag(
            FlagCode.NO_SCHEDULE,
            f"Its schedule ended on {day_text(facts.schedule_ends_on)}: no meetings are planned.",
            facts.schedule_ends_on + dt.timedelta(days=1),
        )


def _missed_meetings(facts: dict[int, _CircleFacts], *, before: dt.datetime) -> dict[int, Flag]:
    """The run of missed meetings that ends each circle's past: every meeting after the last
    one held with someone present. One query: per circle, the last meeting held (walking the
    index back from the newest, usually one step) and the count, first start and cancellations
    of the meetings after it."""
    past = Meeting.objects.filter(circle_id=OuterRef("pk"), starts_at__lt=before)
    last_held = Subquery(
        past.filter(status=Meeting.Status.SCHEDULED)
        .filter(
            Exists(
                Attendance.objects.filter(
                    meeting_id=OuterRef("pk"), status=Attendance.Status.PRESENT
                )
            )
        )
        .order_by("-starts_at")
        .values("starts_at")[:1],
        output_field=DateTimeField(),
    )
    # Before every meeting there is, for a circle that never met with anyone present.
    since_held = Coalesce(OuterRef("last_held"), Value(dt.datetime(1900, 1, 1, tzinfo=dt.UTC)))
    after = past.filter(starts_at__gt=since_held)

    def count(queryset: object) -> Subquery:
        return Subquery(
            queryset.order_by()  # type: ignore[attr-defined]
            .values("circle_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        )

    rows = (
        Circle.objects.filter(pk__in=list(facts))
        .annotate(last_held=last_held)
        .annotate(
            run=count(after),
            cancelled=count(after.filter(status=Meeting.Status.CANCELLED)),
            first=Subquery(after.order_by("starts_at").values("starts_at")[:1]),
        )
        .filter(run__gte=MISSED_IN_A_ROW)
        .values("pk", "run", "cancelled", "first")
    )
    flags = {}
    for row in rows:
        run, cancelled = row["run"], row["cancelled"] or 0
        empty = run - cancelled
        parts = [f"{cancelled} cancelled"] if cancelled else []
        parts += [f"{empty} with nobody marked present"] if empty else []
        flags[row["pk"]] = _flag(
            FlagCode.MISSED_MEETINGS,
            f"Its last {run} meetings did not take place with anyone there: {' and '.join(parts)}.",
            facts[row["pk"]].local_day(row["first"]),
        )
    return flags


def _attendance_falling(facts: dict[int, _CircleFacts], *, before: dt.datetime) -> dict[int, Flag]:
    """The share of recorded attendance marked present over the last ATTENDANCE_WINDOW against
    the window before it (meetings held, i.e. not cancelled). One query grouped by circle, and
    one more for the meetings of the circles that fell, to date the fall: the first meeting of
    the latest window below the earlier window's rate."""
    recent_from = before - ATTENDANCE_WINDOW
    earlier_from = recent_from - ATTENDANCE_WINDOW
    recent, earlier = Q(meeting__starts_at__gte=recent_from), Q(meeting__starts_at__lt=recent_from)
    present = Q(status=Attendance.Status.PRESENT)
    held = Attendance.objects.filter(
        meeting__circle_id__in=list(facts),
        meeting__status=Meeting.Status.SCHEDULED,
        meeting__starts_at__gte=earlier_from,
        meeting__starts_at__lt=before,
    )
    rows = (
        held.values("meeting__circle_id")
        .annotate(
            recent_present=Count("pk", filter=recent & present),
            recent_recorded=Count("pk", filter=recent),
            recent_meetings=Count("meeting_id", filter=recent, distinct=True),
            earlier_present=Count("pk", filter=earlier & present),
            earlier_recorded=Count("pk", filter=earlier),
            earlier_meetings=Count("meeting_id", filter=earlier, distinct=True),
        )
        .order_by()
    )
    fell: dict[int, tuple[float, float]] = {}
    for row in rows:
        if min(row["recent_meetings"], row["earlier_meetings"]) < ATTENDANCE_MIN_MEETINGS:
            continue
        was = row["earlier_present"] / row["earlier_recorded"]
        now = row["recent_present"] / row["recent_recorded"]
        # Whole points, as the pages show them: a fall that reads as 15 points is 15 points.
        if round(was * 100) - round(now * 100) >= ATTENDANCE_DROP_POINTS:
            fell[row["meeting__circle_id"]] = (was, now)
    if not fell:
        return {}
    meetings = (
        held.filter(meeting__circle_id__in=list(fell), meeting__starts_at__gte=recent_from)
        .values("meeting_id", "meeting__circle_id", "meeting__starts_at")
        .annotate(present=Count("pk", filter=present), recorded=Count("pk"))
        .order_by("meeting__starts_at")
    )
    began: dict[int, dt.datetime] = {}
    for row in meetings:
        circle_id = row["meeting__circle_id"]
        if circle_id not in began and row["present"] / row["recorded"] < fell[circle_id][0]:
            began[circle_id] = row["meeting__starts_at"]
    flags = {}
    for circle_id, (was, now) in fell.items():
        start = began.get(circle_id, recent_from)
        weeks = ATTENDANCE_WINDOW.days // 7
        flags[circle_id] = _flag(
            FlagCode.ATTENDANCE_FALLING,
            f"Attendance fell from {round(was * 100)}% to {round(now * 100)}% of the people "
            f"recorded: the last {weeks} weeks against the {weeks} before "
            f"({round(was * 100) - round(now * 100)} points).",
            facts[circle_id].local_day(start),
        )
    return flags


def _no_pulse_answers(facts: dict[int, _CircleFacts], *, today: dt.date) -> dict[int, Flag]:
    """Circles of a program whose pulse is on with no answer in its last completed period, from
    the pulse's own selector (`pulse_results`, three queries: only the count of answers is read
    here, never what anyone answered). A circle opened after that period began (its first
    members joined later) is not judged on it."""
    running = [f.pk for f in facts.values() if f.pulse_active]
    if not running:
        return {}
    flags = {}
    for circle_id, periods in pulse_results(running, today=today, periods=2).items():
        closed = [period for period in periods if not period.is_open]
        if not closed:
            continue  # the first period is still open
        last = closed[-1]
        if last.answers or facts[circle_id].opened_on > last.period_start:
            continue
        flags[circle_id] = _flag(
            FlagCode.NO_PULSE_ANSWERS,
            f"Nobody answered the pulse check for {day_text(last.period_start)} to "
            f"{day_text(last.period_end)}, though the program's pulse is on.",
            last.period_start,
        )
    return flags


def _overdue_commitments(facts: dict[int, _CircleFacts], *, before: dt.datetime) -> dict[int, Flag]:
    """Circles with OVERDUE_PILE or more open commitments whose date passed. One query."""
    rows = (
        Commitment.objects.filter(
            circle_id__in=list(facts), status=Commitment.Status.OPEN, due_at__lt=before
        )
        .values("circle_id")
        .annotate(n=Count("pk"), oldest=Min("due_at"))
        .filter(n__gte=OVERDUE_PILE)
        .order_by()
    )
    flags = {}
    for row in rows:
        oldest = facts[row["circle_id"]].local_day(row["oldest"])
        flags[row["circle_id"]] = _flag(
            FlagCode.OVERDUE_COMMITMENTS,
            f"{row['n']} open commitments are past their date, the oldest since "
            f"{day_text(oldest)}.",
            oldest,
        )
    return flags


def circle_flags(circle_ids: Collection[int], *, today: dt.date) -> dict[int, list[Flag]]:
    """Every flag of each circle among `circle_ids` that belongs to an active program (a draft
    is still being set up, an ended one is over), most serious first; circles with none are
    left out. At most eight queries whatever the number of circles."""
    if not circle_ids:
        return {}
    facts = _facts(circle_ids)
    if not facts:
        return {}
    before = day_start(today)
    found: dict[int, list[Flag]] = defaultdict(list)
    for f in facts.values():
        found[f.pk].extend(_lead_and_schedule(f, today))
    for rule in (
        _missed_meetings(facts, before=before),
        _attendance_falling(facts, before=before),
        _no_pulse_answers(facts, today=today),
        _overdue_commitments(facts, before=before),
    ):
        for circle_id, flag in rule.items():
            found[circle_id].append(flag)
    return {
        circle_id: sorted(flags, key=lambda flag: flag.rank)
        for circle_id, flags in found.items()
        if flags
    }


def flag_counts(flags: dict[int, list[Flag]]) -> dict[FlagCode, int]:
    """How many circles carry each flag, every code listed (in FLAG_TITLES' order)."""
    counts = dict.fromkeys(FLAG_TITLES, 0)
    for circle_flags_ in flags.values():
        for flag in circle_flags_:
            counts[flag.code] += 1
    return counts


def program_flags(program_ids: Collection[int], *, today: dt.date) -> dict[int, list[Flag]]:
    """`circle_flags` of every circle of these programs, kept in the figures cache per program
    and day (core/freshness.py: every write the flags read makes them computed afresh). The
    programs not cached are computed together, in circle_flags' queries and one more."""

    def compute(missing: list[int]) -> dict[int, dict[int, list[Flag]]]:
        program_of = dict(
            Circle.objects.filter(program_id__in=missing).values_list("pk", "program_id")
        )
        per_program: dict[int, dict[int, list[Flag]]] = {pk: {} for pk in missing}
        for circle_id, flags in circle_flags(list(program_of), today=today).items():
            per_program[program_of[circle_id]][circle_id] = flags
        return per_program

    cached = figures_cached_each("flags", programs=program_ids, day=today, compute=compute)
    return {pk: flags for found in cached.values() for pk, flags in found.items()}
