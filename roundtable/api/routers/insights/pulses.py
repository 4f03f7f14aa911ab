"""/api pulses: a circle's pulse results period by period (averages, spread, the stage reading and
the comments only for a closed period at least three members answered; otherwise the count
alone), a member's anonymous answer for the period open today, and a program's pulse schedule.
Whoever sees the circle reads its results; its members and lead answer; the program's
coordinators and admins set the schedule (its sponsor reads it). 404 for what the caller may not
see, 403 for what they see but may not do, 400 for a broken rule (a second answer in the period:
code `already_answered`), naming the field."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.schemas import JSON_NUMBER, Bool, Date, PathId, Text, choices
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.insights.models import PULSE_MIN_ANSWERS, PulseSchedule
from roundtable.insights.selectors.pulses import (
    PULSE_PERIODS_SHOWN,
    PulsePeriodResult,
    Stage,
    circle_today,
    pulse_current_period,
    pulse_program_progress,
    pulse_prompts,
    pulse_results,
    pulse_schedule_of,
)
from roundtable.insights.services.pulses import (
    COMMENT_MAX_CHARS,
    NOT_IN_CIRCLE,
    pulse_answer,
    pulse_schedule_set,
)
from roundtable.programs.selectors import program_get_for_user

router = Router(tags=["insights"])

SCHEDULE_OVERSEERS_ONLY = (
    "The pulse schedule is for the program's coordinators, its sponsor and the organisation's "
    "admins."
)
SCHEDULE_MANAGERS_ONLY = "Only the program's coordinators and the organisation's admins change it."

Score = Annotated[
    int, Field(ge=1, le=5, description="1 (strongly disagree) to 5 (strongly agree)"), JSON_NUMBER
]
Cadence = Annotated[
    int,
    Field(description="Weeks between periods: " + ", ".join(map(str, PulseSchedule.Cadence))),
    JSON_NUMBER,
]
PulseStage = Annotated[Stage, choices(Stage, "PulseStage")]


class PulseMeansOut(Schema):
    trust: float
    clarity: float
    participation: float
    usefulness: float
    progress: float


class PulsePeriodOut(Schema):
    period_start: dt.date
    period_end: dt.date
    answers: int = Field(description="How many members answered: the one figure always given")
    is_open: bool = Field(description="The period runs today: only its count is given")
    shown: bool = Field(
        description=f"The period has closed with at least {PULSE_MIN_ANSWERS} answers; "
        "otherwise every field below is null or empty"
    )
    means: PulseMeansOut | None
    overall: float | None
    spread: float | None = Field(
        description="Mean over the five statements of each one's standard deviation (0 to 2)"
    )
    stage: PulseStage | None
    stage_note: str
    stage_reason: str
    comments: list[str] = Field(description="In alphabetical order, never in order of answering")


class PulseCurrentOut(Schema):
    period_start: dt.date
    period_end: dt.date
    can_answer: bool
    answered: bool = Field(description="Whether you answered this period (your receipt tells)")


class CirclePulseOut(Schema):
    circle_id: int
    min_answers: int
    current: PulseCurrentOut | None = Field(description="Null when no pulse runs today")
    periods: list[PulsePeriodOut] = Field(description="Oldest first")


class PulseAnswerIn(Schema):
    trust: Score
    clarity: Score
    participation: Score
    usefulness: Score
    progress: Score
    comment: Text = Field("", max_length=COMMENT_MAX_CHARS)


class PulseAnsweredOut(Schema):
    period_start: dt.date
    period_end: dt.date
    answered: bool


class PulseCountsOut(Schema):
    circles: int
    answering: int = Field(description="Circles with at least one answer this period")
    reached: int = Field(description=f"Circles with at least {PULSE_MIN_ANSWERS} answers")
    answers: int


class PulseScheduleOut(Schema):
    program_id: int
    configured: bool = Field(description="False when the pulse has never been set up")
    active: bool
    every_weeks: int
    starts_on: dt.date | None
    current_period_start: dt.date | None
    current_period_end: dt.date | None
    counts: PulseCountsOut | None = Field(description="This period, in counts only")


class PulseScheduleIn(Schema):
    active: Bool
    every_weeks: Cadence
    starts_on: Date | None = Field(
        None, description="A Monday; by default this week's (or the schedule's own, if kept)"
    )


def _period_out(result: PulsePeriodResult) -> dict[str, Any]:
    return {
        "period_start": result.period_start,
        "period_end": result.period_end,
        "answers": result.answers,
        "is_open": result.is_open,
        "shown": result.shown,
        "means": result.means,
        "overall": result.overall,
        "spread": result.spread,
        "stage": result.stage,
        "stage_note": result.stage_note,
        "stage_reason": result.stage_reason,
        "comments": list(result.comments),
    }


def _circle_pulse(user: Any, circle_id: int) -> dict[str, Any]:
    circle = circle_get_for_user(user=user, pk=circle_id)
    now = timezone.now()
    prompt = next(iter(pulse_prompts(user=user, circles=[circle], now=now)), None)
    results = pulse_results(
        [circle.pk],
        today=circle_today(circle, now),
        periods=PULSE_PERIODS_SHOWN,
        with_comments=True,
    )[circle.pk]
    current = None
    if prompt is not None:
        current = {
            "period_start": prompt.period_start,
            "period_end": prompt.period_end,
            "can_answer": prompt.can_answer,
            "answered": prompt.answered,
        }
    return {
        "circle_id": circle.pk,
        "min_answers": PULSE_MIN_ANSWERS,
        "current": current,
        "periods": [_period_out(r) for r in results],
    }


@router.get(
    "/circles/{circle_id}/pulse",
    response={200: CirclePulseOut, READ_ERRORS: ErrorOut},
    url_name="circle_pulse",
)
def circle_pulse(request: HttpRequest, circle_id: PathId) -> dict[str, Any]:
    """The circle's last six pulse periods, oldest first, and the period open today with whether
    you answered it. A period's averages, spread, stage and comments are given only once it has
    closed with at least three answers; otherwise its count alone. Whoever sees the circle."""
    return _circle_pulse(caller(request), circle_id)


@router.post(
    "/circles/{circle_id}/pulse",
    response={201: PulseAnsweredOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_pulse_answer",
)
def circle_pulse_answer(
    request: HttpRequest, circle_id: PathId, payload: PulseAnswerIn
) -> Status[dict[str, Any]]:
    """Your anonymous answer to the circle's pulse for the period open today: five scores from
    1 to 5 and an optional comment. Stored with no member and no time; once sent it cannot be
    changed or read back on its own. A second answer in the period is a 400 with code
    `already_answered`. The circle's members and lead."""
    user = caller(request)
    circle = circle_get_for_user(user=user, pk=circle_id)
    permission_require(permissions.can_answer_pulse(user, circle), NOT_IN_CIRCLE)
    me = permissions.acting_member(user, circle.program.organization_id)
    answers = payload.model_dump(exclude={"comment"})
    saved = pulse_answer(
        circle,
        by=me,
        today=circle_today(circle, timezone.now()),
        answers=answers,
        comment=payload.comment,
    )
    schedule = pulse_schedule_of(circle.program_id)
    end = schedule.period_end(saved.period_start) if schedule else saved.period_start
    return Status(201, {"period_start": saved.period_start, "period_end": end, "answered": True})


def _schedule_out(program: Any) -> dict[str, Any]:
    schedule = pulse_schedule_of(program.pk)
    today = timezone.localdate(timezone.now(), ZoneInfo(program.organization.time_zone))
    period = pulse_current_period(schedule, today=today)
    counts = (
        pulse_program_progress(program_id=program.pk, period_start=period[0]) if period else None
    )
    return {
        "program_id": program.pk,
        "configured": schedule is not None,
        "active": bool(schedule and schedule.active),
        "every_weeks": schedule.every_weeks if schedule else PulseSchedule.Cadence.MONTHLY,
        "starts_on": schedule.starts_on if schedule else None,
        "current_period_start": period[0] if period else None,
        "current_period_end": period[1] if period else None,
        "counts": counts,
    }


@router.get(
    "/programs/{program_id}/pulse-schedule",
    response={200: PulseScheduleOut, READ_ERRORS: ErrorOut},
    url_name="program_pulse_schedule",
)
def program_pulse_schedule(request: HttpRequest, program_id: PathId) -> dict[str, Any]:
    """The program's pulse: whether it runs, its cadence, the period open today and, for it,
    counts only (circles that reached three answers). Coordinators, admins and the sponsor."""
    user = caller(request)
    program = program_get_for_user(user=user, pk=program_id)
    permission_require(
        permissions.can_view_program_dashboard(user, program), SCHEDULE_OVERSEERS_ONLY
    )
    return _schedule_out(program)


@router.put(
    "/programs/{program_id}/pulse-schedule",
    response={200: PulseScheduleOut, WRITE_ERRORS: ErrorOut},
    url_name="program_pulse_schedule_set",
)
def program_pulse_schedule_set(
    request: HttpRequest, program_id: PathId, payload: PulseScheduleIn
) -> dict[str, Any]:
    """Turn the program's pulse on or off and set its cadence (2, 4, 8 or 13 weeks) and, if you
    like, the Monday its periods count from. Coordinators and admins."""
    user = caller(request)
    program = program_get_for_user(user=user, pk=program_id)
    permission_require(permissions.can_set_pulse_schedule(user, program), SCHEDULE_MANAGERS_ONLY)
    me = permissions.acting_member(user, program.organization_id)
    pulse_schedule_set(
        program,
        by=me,
        active=payload.active,
        every_weeks=payload.every_weeks,
        today=timezone.localdate(timezone.now(), ZoneInfo(program.organization.time_zone)),
        starts_on=payload.starts_on,
    )
    return _schedule_out(program)
