"""A program's CSV exports: for each kind, its columns, how many rows it has and the rows
themselves, read in chunks (`values_list(...).iterator(chunk_size)`) so that a million attendance
rows stream out without being held in memory.

Privacy holds here, in the rows, whoever asks: anonymous ideas, critiques and feedback carry no
author (nothing stored ties them to anyone); hidden contributions show that they were hidden,
not their text; withdrawn ones are left out; a member's hire date and manager only where the
policy lets the viewer see them (`can_see_member_private_fields`). No lead's reflection, peer
note or support plan, no pulse answer and no busy period is ever read by this module."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, FloatField, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from roundtable.circles.models import Circle, CircleMembership
from roundtable.commitments.models import Commitment, DateChange
from roundtable.core import permissions
from roundtable.ideas.models import Critique, CritiqueEndorsement, Idea, IdeaVersion
from roundtable.meetings.models import Attendance, Feedback, Meeting
from roundtable.orgs.models import Member
from roundtable.programs.models import Enrolment, Program

CHUNK_SIZE = 2000
HIDDEN = "[hidden by the circle's lead]"
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Export:
    """One kind of export: its key (in the URL and the file name), what it holds, its columns,
    and functions that count and read its rows for a program and a viewer."""

    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    queryset: Callable[[Program], QuerySet[Any]]
    rows: Callable[[Program, Any], Iterator[Row]]

    def count(self, program: Program) -> int:
        return self.queryset(program).count()


@lru_cache(maxsize=64)
def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


@lru_cache(maxsize=4096)
def local(moment: dt.datetime | None, zone: str) -> str:
    """A moment as the wall-clock time where it happened, to the minute ('' when empty).
    Cached: an attendance export asks for each meeting's time once per person present."""
    if moment is None:
        return ""
    at = moment.astimezone(_zone(zone or "UTC"))
    return f"{at.year:04}-{at.month:02}-{at.day:02} {at.hour:02}:{at.minute:02}"


def _day(value: dt.date | dt.datetime | None, zone: str = "UTC") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(_zone(zone or "UTC")).date().isoformat()
    return value.isoformat()


def _streamed(queryset: QuerySet[Any], *fields: Any) -> Iterator[Row]:
    """The rows, CHUNK_SIZE at a time, in a read-only transaction: outside one, Django declares
    PostgreSQL's cursor WITH HOLD and PostgreSQL runs the whole query inside that one statement
    (a million attendance rows outlast DATABASE_STATEMENT_TIMEOUT); inside one, the first rows
    come at once and each fetch is a short statement of its own."""
    with transaction.atomic():
        yield from queryset.values_list(*fields).iterator(chunk_size=CHUNK_SIZE)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """The number of rows of `queryset` (filtered on OuterRef) as a subquery: counting through
    a join of two children would multiply one by the other. COUNT as a plain function adds no
    GROUP BY, so the subquery is one row."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- members -------------------------------------------------------------------------------


def _members_queryset(program: Program) -> QuerySet[Any]:
    return Enrolment.objects.filter(program=program)


def _member_circles(program: Program) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Each member's current circles in the program, and the circles they lead (two queries;
    a program has at most as many memberships as people times circles they are in)."""
    circles: dict[int, list[str]] = defaultdict(list)
    for member_id, name in (
        CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
        .order_by("circle__name")
        .values_list("member_id", "circle__name")
    ):
        circles[member_id].append(name)
    leads: dict[int, list[str]] = defaultdict(list)
    for lead_id, name in (
        Circle.objects.filter(program=program, lead__isnull=False)
        .order_by("name")
        .values_list("lead_id", "name")
    ):
        leads[lead_id].append(name)
    return circles, leads


def _members_rows(program: Program, user: Any) -> Iterator[Row]:
    circles, leads = _member_circles(program)
    enrolments = _members_queryset(program).order_by("member__user__full_name", "member_id")
    for row in _streamed(
        enrolments,
        "member_id",
        "member__user__full_name",
        "member__user__email",
        "member__job_title",
        "member__department",
        "member__location",
        "member__time_zone",
        "enrolled_on",
        "withdrawn_on",
        "member__hire_date",
        "member__manager__user__full_name",
    ):
        member_id, name, email, job, department, location, zone, since, until, *private_row = row
        hired, manager = private_row
        # The policy asks only the ids (its answers for a viewer are cached): no query per row.
        private = permissions.can_see_member_private_fields(
            user, Member(pk=member_id, organization_id=program.organization_id)
        )
        yield (
            name,
            email,
            job,
            department,
            location,
            zone,
            _day(since),
            _day(until),
            "; ".join(circles.get(member_id, [])),
            "; ".join(leads.get(member_id, [])),
            _day(hired) if private else "",
            (manager or "") if private else "",
        )


# --- circles -------------------------------------------------------------------------------


def _circles_queryset(program: Program) -> QuerySet[Any]:
    return Circle.objects.filter(program=program)


def _circles_rows(program: Program, user: Any) -> Iterator[Row]:
    now = timezone.now()
    held = Meeting.objects.filter(
        circle=OuterRef("pk"), starts_at__lt=now, status=Meeting.Status.SCHEDULED
    )
    attendance = Attendance.objects.filter(
        meeting__circle=OuterRef("pk"),
        meeting__starts_at__lt=now,
        meeting__status=Meeting.Status.SCHEDULED,
    )
    commitments = Commitment.objects.filter(circle=OuterRef("pk"))
    done = commitments.filter(status=Commitment.Status.DONE)
    circles = (
        _circles_queryset(program)
        .annotate(
            members_now=_count(
                CircleMembership.objects.filter(circle=OuterRef("pk"), left_on=None)
            ),
            meetings_held=_count(held),
            meetings_cancelled=_count(
                Meeting.objects.filter(
                    circle=OuterRef("pk"), starts_at__lt=now, status=Meeting.Status.CANCELLED
                )
            ),
            present=_count(attendance.filter(status=Attendance.Status.PRESENT)),
            recorded=_count(attendance),
            ideas_n=_count(Idea.objects.filter(circle=OuterRef("pk"), withdrawn=False)),
            adopted_n=_count(
                Idea.objects.filter(circle=OuterRef("pk"), withdrawn=False, stage="adopted")
            ),
            commitments_open=_count(commitments.filter(status=Commitment.Status.OPEN)),
            commitments_overdue=_count(
                commitments.filter(status=Commitment.Status.OPEN, due_at__lt=now)
            ),
            commitments_done=_count(done),
            done_on_time=_count(done.filter(done_at__lte=F("due_at"))),
        )
        .order_by("name")
    )
    for row in _streamed(
        circles,
        "name",
        "lead__user__full_name",
        "time_zone",
        "members_now",
        "meetings_held",
        "meetings_cancelled",
        "present",
        "recorded",
        "ideas_n",
        "adopted_n",
        "commitments_open",
        "commitments_overdue",
        "commitments_done",
        "done_on_time",
    ):
        name, lead, zone, members, held_n, cancelled, present, recorded, *rest = row
        rate = f"{present / recorded:.2f}" if recorded else ""
        yield (name, lead or "", zone, members, held_n, cancelled, rate, *rest)


# --- meetings, attendance and feedback -------------------------------------------------------


def _meetings_queryset(program: Program) -> QuerySet[Any]:
    return Meeting.objects.filter(circle__program=program)


def _meetings_rows(program: Program, user: Any) -> Iterator[Row]:
    attendance = Attendance.objects.filter(meeting=OuterRef("pk"))
    feedback = Feedback.objects.filter(meeting=OuterRef("pk"))
    meetings = (
        _meetings_queryset(program)
        .annotate(
            present=_count(attendance.filter(status=Attendance.Status.PRESENT)),
            excused=_count(attendance.filter(status=Attendance.Status.EXCUSED)),
            absent=_count(attendance.filter(status=Attendance.Status.ABSENT)),
            feedback_count=_count(feedback),
            rating=Subquery(
                feedback.order_by()
                .annotate(mean=Func(F("rating"), function="AVG", output_field=FloatField()))
                .values("mean"),
                output_field=FloatField(),
            ),
        )
        .order_by("circle__name", "starts_at", "pk")
    )
    for row in _streamed(
        meetings,
        "pk",
        "circle__name",
        "circle__time_zone",
        "starts_at",
        "series_start",
        "duration_minutes",
        "status",
        "runner__user__full_name",
        "present",
        "excused",
        "absent",
        "feedback_count",
        "rating",
    ):
        pk, circle, zone, starts, series, minutes, status, runner, *counts, rating = row
        moved = "yes" if series is not None and series != starts else "no"
        yield (
            pk,
            circle,
            local(starts, zone),
            zone,
            minutes,
            status,
            moved,
            runner or "",
            *counts,
            f"{rating:.2f}" if rating is not None else "",
        )


def _attendance_queryset(program: Program) -> QuerySet[Any]:
    return Attendance.objects.filter(meeting__circle__program=program)


def _attendance_rows(program: Program, user: Any) -> Iterator[Row]:
    rows = _attendance_queryset(program).order_by(
        "meeting__circle__name", "meeting__starts_at", "pk"
    )
    for meeting, circle, zone, starts, name, status, reported_by in _streamed(
        rows,
        "meeting_id",
        "meeting__circle__name",
        "meeting__circle__time_zone",
        "meeting__starts_at",
        "member__user__full_name",
        "status",
        "reported_by__user__full_name",
    ):
        yield (meeting, circle, local(starts, zone), name, status, reported_by or "")


def _feedback_queryset(program: Program) -> QuerySet[Any]:
    return Feedback.objects.filter(meeting__circle__program=program)


def _feedback_rows(program: Program, user: Any) -> Iterator[Row]:
    # By meeting and day given, then the random key: never the order of giving.
    rows = _feedback_queryset(program).order_by(
        "meeting__circle__name", "meeting__starts_at", "given_on", "pk"
    )
    for meeting, circle, zone, starts, given_on, rating, comment, anonymous, author in _streamed(
        rows,
        "meeting_id",
        "meeting__circle__name",
        "meeting__circle__time_zone",
        "meeting__starts_at",
        "given_on",
        "rating",
        "comment",
        "anonymous",
        "member__user__full_name",
    ):
        yield (
            meeting,
            circle,
            local(starts, zone),
            _day(given_on),
            rating,
            comment,
            "yes" if anonymous else "no",
            "" if anonymous else (author or ""),
        )


# --- commitments ----------------------------------------------------------------------------


def _commitments_queryset(program: Program) -> QuerySet[Any]:
    return Commitment.objects.filter(circle__program=program)


def _commitments_rows(program: Program, user: Any) -> Iterator[Row]:
    rows = (
        _commitments_queryset(program)
        .annotate(
            moves=_count(
                DateChange.objects.filter(commitment=OuterRef("pk"), from_due_at__isnull=False)
            )
        )
        .order_by("circle__name", F("due_at").asc(nulls_last=True), "pk")
    )
    for row in _streamed(
        rows,
        "pk",
        "circle__name",
        "title",
        "owner__user__full_name",
        "asked_by__user__full_name",
        "status",
        "due_at",
        "due_time_zone",
        "done_at",
        "moves",
        "created_at",
    ):
        pk, circle, title, owner, asked_by, status, due, zone, done, moves, created = row
        on_time = "" if done is None or due is None else ("yes" if done <= due else "no")
        yield (
            pk,
            circle,
            title,
            owner,
            asked_by or "",
            status,
            _day(due, zone),
            _day(done, zone),
            on_time,
            moves,
            _day(created, zone),
        )


# --- ideas and critiques ----------------------------------------------------------------------


def _ideas_queryset(program: Program) -> QuerySet[Any]:
    return Idea.objects.filter(circle__program=program, withdrawn=False)


def _ideas_rows(program: Program, user: Any) -> Iterator[Row]:
    current = IdeaVersion.objects.filter(idea=OuterRef("pk"), number=OuterRef("version"))
    arguments = Critique.objects.filter(
        idea=OuterRef("pk"), parent__isnull=True, withdrawn=False, hidden_reason=""
    )
    rows = (
        _ideas_queryset(program)
        .annotate(
            summary=Subquery(current.values("summary")[:1]),
            critique_count=_count(arguments),
            has_trial=Exists(Idea.objects.filter(pk=OuterRef("pk"), trial__isnull=False)),
        )
        .order_by("circle__name", "created_on", "pk")
    )
    for row in _streamed(
        rows,
        "pk",
        "circle__name",
        "challenge__title",
        "summary",
        "stage",
        "version",
        "anonymous",
        "author__user__full_name",
        "created_on",
        "critique_count",
        "trial__result",
        "hidden_reason",
    ):
        pk, circle, challenge, summary, stage, version, anonymous, author, *rest = row
        created, critiques, result, hidden = rest
        yield (
            str(pk),
            circle,
            challenge,
            HIDDEN if hidden else summary,
            stage,
            version,
            "yes" if anonymous else "no",
            "" if anonymous else (author or ""),
            _day(created),
            critiques,
            result or "",
        )


def _critiques_queryset(program: Program) -> QuerySet[Any]:
    return Critique.objects.filter(idea__circle__program=program, withdrawn=False)


def _critiques_rows(program: Program, user: Any) -> Iterator[Row]:
    rows = (
        _critiques_queryset(program)
        .annotate(
            endorsement_count=_count(CritiqueEndorsement.objects.filter(critique=OuterRef("pk")))
        )
        .order_by("idea__circle__name", "idea__created_on", "idea_id", "created_on", "pk")
    )
    for row in _streamed(
        rows,
        "pk",
        "idea_id",
        "idea__circle__name",
        "stance",
        "parent_id",
        "version__number",
        "reasoning",
        "evidence",
        "anonymous",
        "author__user__full_name",
        "created_on",
        "endorsement_count",
        "hidden_reason",
    ):
        pk, idea, circle, stance, parent, version, reasoning, evidence, anonymous, author, *rest = (
            row
        )
        created, endorsements, hidden = rest
        yield (
            str(pk),
            str(idea),
            circle,
            stance or "reply",
            str(parent) if parent else "",
            version,
            HIDDEN if hidden else reasoning,
            "" if hidden else evidence,
            "yes" if anonymous else "no",
            "" if anonymous else (author or ""),
            _day(created),
            endorsements,
        )


EXPORTS: tuple[Export, ...] = (
    Export(
        key="members",
        title="Members",
        description="Everyone enrolled, now or before: job, department, place, when they "
        "joined and left, their circles now. Hire date and manager only for the people whose "
        "private details you may see.",
        columns=(
            "name",
            "email",
            "job_role",
            "department",
            "location",
            "time_zone",
            "enrolled_on",
            "withdrawn_on",
            "circles",
            "leads",
            "hire_date",
            "manager",
        ),
        queryset=_members_queryset,
        rows=_members_rows,
    ),
    Export(
        key="circles",
        title="Circles",
        description="Each circle with its lead, size, meetings held and cancelled so far, "
        "attendance rate, ideas and commitments.",
        columns=(
            "circle",
            "lead",
            "time_zone",
            "members_now",
            "meetings_held",
            "meetings_cancelled",
            "attendance_rate",
            "ideas",
            "ideas_adopted",
            "commitments_open",
            "commitments_overdue",
            "commitments_done",
            "done_on_time",
        ),
        queryset=_circles_queryset,
        rows=_circles_rows,
    ),
    Export(
        key="meetings",
        title="Meetings",
        description="Every meeting (local time of its circle), whether it was moved or "
        "cancelled, who ran it, attendance counts and the mean feedback rating.",
        columns=(
            "meeting_id",
            "circle",
            "starts_local",
            "time_zone",
            "duration_minutes",
            "status",
            "moved",
            "runner",
            "present",
            "excused",
            "absent",
            "feedback_count",
            "mean_rating",
        ),
        queryset=_meetings_queryset,
        rows=_meetings_rows,
    ),
    Export(
        key="attendance",
        title="Attendance",
        description="One row per person per meeting recorded: present, excused or absent.",
        columns=("meeting_id", "circle", "starts_local", "member", "status", "reported_by"),
        queryset=_attendance_queryset,
        rows=_attendance_rows,
    ),
    Export(
        key="feedback",
        title="Meeting feedback",
        description="Each rating and comment, by the day given. Anonymous feedback has no "
        "author: nothing stored says who gave it.",
        columns=(
            "meeting_id",
            "circle",
            "starts_local",
            "given_on",
            "rating",
            "comment",
            "anonymous",
            "author",
        ),
        queryset=_feedback_queryset,
        rows=_feedback_rows,
    ),
    Export(
        key="commitments",
        title="Commitments",
        description="What each person promised, by the date they chose, its state, when it "
        "was done and how often its date moved. Reasons people gave stay in the app.",
        columns=(
            "commitment_id",
            "circle",
            "title",
            "owner",
            "asked_by",
            "status",
            "due_on",
            "done_on",
            "on_time",
            "date_moves",
            "created_on",
        ),
        queryset=_commitments_queryset,
        rows=_commitments_rows,
    ),
    Export(
        key="ideas",
        title="Ideas",
        description="Ideas proposed (current wording), their stage, critiques and trial "
        "result. Anonymous ideas have no author; hidden ones show that they were hidden.",
        columns=(
            "idea_id",
            "circle",
            "challenge",
            "summary",
            "stage",
            "version",
            "anonymous",
            "author",
            "proposed_on",
            "critiques",
            "trial_result",
        ),
        queryset=_ideas_queryset,
        rows=_ideas_rows,
    ),
    Export(
        key="critiques",
        title="Critiques",
        description="Every argument and reply on the ideas, with its endorsements. Anonymous "
        "ones have no author; hidden ones show that they were hidden.",
        columns=(
            "critique_id",
            "idea_id",
            "circle",
            "stance",
            "reply_to",
            "idea_version",
            "reasoning",
            "evidence",
            "anonymous",
            "author",
            "written_on",
            "endorsements",
        ),
        queryset=_critiques_queryset,
        rows=_critiques_rows,
    ),
)
EXPORTS_BY_KEY: dict[str, Export] = {export.key: export for export in EXPORTS}


@dataclass(frozen=True)
class ExportListing:
    export: Export
    rows: int


def program_exports(*, program: Program) -> list[ExportListing]:
    """Every export of the program with its number of rows (one count query each)."""
    return [ExportListing(export=export, rows=export.count(program)) for export in EXPORTS]


def export_get(*, key: str) -> Export | None:
    return EXPORTS_BY_KEY.get(key)


def export_rows(*, export: Export, program: Program, user: Any) -> Iterable[Row]:
    """The export's rows for `user`, read lazily: nothing is fetched until iterated."""
    return export.rows(program, user)
