"""/api at-risk flags and the program dashboard: every circle of a program with its figures over
the last eight weeks and its flags (each with why and since when), and one circle's flags. The
same figures as the dashboard page, for the same people: the program's admins, coordinators and
sponsor; 404 for anyone else (a circle's members and lead included: flags are the overseers'
prompt to ask a circle how it is going). Pulse figures follow the pulse's rule: the count of
answers always, the mean only for a closed period at least three members answered."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field, WithJsonSchema

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, ErrorOut
from roundtable.api.schemas import MemberRef, PathId
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.insights.models import PULSE_MIN_ANSWERS
from roundtable.insights.selectors.dashboard import (
    DASHBOARD_WEEKS,
    CircleRow,
    program_dashboard,
)
from roundtable.insights.selectors.flags import Flag, FlagCode, Severity, circle_flags
from roundtable.programs.selectors import program_get_for_user

router = Router(tags=["insights"])

FlagCodeOut = Annotated[
    str,
    WithJsonSchema({"title": "FlagCode", "type": "string", "enum": [c.value for c in FlagCode]}),
]
FlagSeverityOut = Annotated[
    str,
    WithJsonSchema(
        {"title": "FlagSeverity", "type": "string", "enum": [s.value for s in Severity]}
    ),
]


class FlagOut(Schema):
    code: FlagCodeOut
    title: str
    reason: str = Field(description="Why it is raised, in one sentence with the figures")
    since: dt.date = Field(description="The circle's local day it began")
    severity: FlagSeverityOut


class DashboardPulseOut(Schema):
    period_start: dt.date
    period_end: dt.date
    answers: int = Field(description="How many members answered: the one figure always given")
    is_open: bool = Field(description="The latest closed period is given when there is one")
    overall: float | None = Field(
        description=f"Mean of the five statements, 1 to 5: only for a closed period with at "
        f"least {PULSE_MIN_ANSWERS} answers"
    )


class DashboardRowOut(Schema):
    circle_id: int
    name: str
    lead: MemberRef | None
    members: int = Field(description="Current members, the lead included")
    scheduled: int = Field(description="Meetings due in the window, cancelled ones included")
    held: int
    consistency_percent: int | None = Field(description="Held of scheduled")
    present: int
    recorded: int
    attendance_percent: int | None = Field(description="Present of recorded, at held meetings")
    usefulness: float | None = Field(description="Mean feedback rating, 1 to 5")
    ratings: int
    pulse: DashboardPulseOut | None = Field(description="Null when the program has no pulse")
    open_commitments: int
    overdue_commitments: int
    flags: list[FlagOut] = Field(description="Most serious first; empty when none")


class ProgramDashboardOut(Schema):
    program_id: int
    today: dt.date = Field(description="The day judged ends before it (UTC)")
    since: dt.date = Field(description=f"First day of the last {DASHBOARD_WEEKS} whole weeks")
    until: dt.date
    rows: list[DashboardRowOut] = Field(description="Every circle of the program, by name")


class CircleFlagsOut(Schema):
    circle_id: int
    program_id: int
    today: dt.date
    flags: list[FlagOut] = Field(description="Most serious first; empty when none")


def _flag(flag: Flag) -> dict[str, Any]:
    return {
        "code": flag.code.value,
        "title": flag.title,
        "reason": flag.reason,
        "since": flag.since,
        "severity": flag.severity.value,
    }


def _row(row: CircleRow) -> dict[str, Any]:
    lead = row.circle.lead
    pulse = row.pulse
    return {
        "circle_id": row.circle.pk,
        "name": row.circle.name,
        "lead": {"id": lead.pk, "name": lead.name} if lead else None,
        "members": row.members,
        "scheduled": row.scheduled,
        "held": row.held,
        "consistency_percent": row.consistency,
        "present": row.present,
        "recorded": row.recorded,
        "attendance_percent": row.attendance,
        "usefulness": row.usefulness,
        "ratings": row.ratings,
        "pulse": None
        if pulse is None
        else {
            "period_start": pulse.period_start,
            "period_end": pulse.period_end,
            "answers": pulse.answers,
            "is_open": pulse.is_open,
            "overall": pulse.overall,
        },
        "open_commitments": row.open_commitments,
        "overdue_commitments": row.overdue,
        "flags": [_flag(flag) for flag in row.flags],
    }


@router.get(
    "/programs/{program_id}/dashboard",
    response={200: ProgramDashboardOut, READ_ERRORS: ErrorOut},
    url_name="program_dashboard",
)
def program_dashboard_read(request: HttpRequest, program_id: PathId) -> dict[str, Any]:
    """Every circle of the program with its figures over the last eight whole weeks and its
    at-risk flags. The program's admins, coordinators and sponsor."""
    program = program_get_for_user(
        user=caller(request), pk=program_id, can=permissions.can_view_program_dashboard
    )
    today = timezone.localdate()
    page = program_dashboard(program, today=today, sort="name")
    return {
        "program_id": program.pk,
        "today": today,
        "since": page.since,
        "until": page.until,
        "rows": [_row(row) for row in page.rows],
    }


@router.get(
    "/circles/{circle_id}/flags",
    response={200: CircleFlagsOut, READ_ERRORS: ErrorOut},
    url_name="circle_flags",
)
def circle_flags_read(request: HttpRequest, circle_id: PathId) -> dict[str, Any]:
    """The circle's at-risk flags today, each with why and since when. The program's admins,
    coordinators and sponsor."""
    circle = circle_get_for_user(
        user=caller(request),
        pk=circle_id,
        can=lambda user, circle: permissions.can_view_program_dashboard(user, circle.program),
    )
    today = timezone.localdate()
    return {
        "circle_id": circle.pk,
        "program_id": circle.program_id,
        "today": today,
        "flags": [
            _flag(flag) for flag in circle_flags([circle.pk], today=today).get(circle.pk, [])
        ],
    }
