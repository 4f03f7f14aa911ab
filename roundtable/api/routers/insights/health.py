"""/api circle health: a circle's figures month by month over the last six months (meetings held
of those scheduled, attendance, usefulness, ideas through their funnel, commitments kept on time,
escalations), its pulse period by period (the mean only for a closed period at least three
members answered; the count alone otherwise) and the page's one-line readings: the same figures
as the health page. Whoever may see the circle reads it; 404 for anyone else."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, ErrorOut
from roundtable.api.routers.insights.pulses import PulseStage
from roundtable.api.schemas import PathId
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.insights.models import PULSE_MIN_ANSWERS
from roundtable.insights.selectors.health import (
    MonthHealth,
    circle_health,
    circle_health_figures,
)
from roundtable.insights.selectors.pulses import PulsePeriodResult, circle_today

router = Router(tags=["insights"])


class HealthFiguresOut(Schema):
    scheduled: int = Field(description="Meetings that started before today, cancelled included")
    held: int
    cancelled: int
    moved: int = Field(description="Held at another time than the schedule's")
    held_percent: int | None = Field(description="Held of scheduled; null when none scheduled")
    present: int = Field(description="Attendance marks 'present' at held meetings")
    recorded: int = Field(description="Attendance marks of any kind at held meetings")
    attendance_percent: int | None
    ratings: int
    usefulness: float | None = Field(description="Average rating, 1 to 5; null without ratings")
    ideas_proposed: int
    ideas_to_trial: int = Field(description="Decisions that put an idea on trial")
    ideas_adopted: int
    ideas_set_aside: int
    commitments_on_time: int = Field(description="Due then, delivered on or before the date")
    commitments_late: int = Field(description="Due then, delivered after the date")
    commitments_overdue: int = Field(description="Due then (before today), still open")
    escalations: int = Field(description="Raised then")


class HealthMonthOut(HealthFiguresOut):
    month: dt.date = Field(description="The month's first day")


class HealthPulseOut(Schema):
    period_start: dt.date
    period_end: dt.date
    answers: int = Field(description="How many members answered: the one figure always given")
    is_open: bool
    shown: bool = Field(
        description=f"Closed with at least {PULSE_MIN_ANSWERS} answers; otherwise overall and "
        "stage are null"
    )
    overall: float | None = Field(description="Mean of the five statements, 1 to 5")
    stage: PulseStage | None


class HealthReadingOut(Schema):
    figure: str = Field(
        description="meetings, attendance, usefulness, pulse, ideas, commitments or escalations"
    )
    title: str
    reading: str = Field(description="The page's one plain sentence about the figure")


class CircleHealthOut(Schema):
    circle_id: int
    time_zone: str = Field(description="Months are calendar months in the circle's time zone")
    today: dt.date = Field(description="What happens today counts from tomorrow")
    since: dt.date
    months: list[HealthMonthOut] = Field(description="Oldest first; today's month so far last")
    totals: HealthFiguresOut = Field(description="The months added up")
    escalations_open: int = Field(description="Unresolved now, whenever raised")
    ideas_on_trial: int = Field(description="On trial now")
    pulse_min_answers: int
    pulse: list[HealthPulseOut] = Field(description="The pulse's own periods, oldest first")
    readings: list[HealthReadingOut]


def _figures(month: MonthHealth) -> dict[str, Any]:
    return {
        "scheduled": month.scheduled,
        "held": month.held,
        "cancelled": month.cancelled,
        "moved": month.moved,
        "held_percent": month.held_percent,
        "present": month.present,
        "recorded": month.recorded,
        "attendance_percent": month.attendance_percent,
        "ratings": month.ratings,
        "usefulness": month.usefulness,
        "ideas_proposed": month.ideas_proposed,
        "ideas_to_trial": month.ideas_to_trial,
        "ideas_adopted": month.ideas_adopted,
        "ideas_set_aside": month.ideas_set_aside,
        "commitments_on_time": month.on_time,
        "commitments_late": month.late,
        "commitments_overdue": month.overdue,
        "escalations": month.escalations,
    }


def _pulse(period: PulsePeriodResult) -> dict[str, Any]:
    # The pulse selector leaves overall and stage empty below the minimum; `shown` guards again.
    return {
        "period_start": period.period_start,
        "period_end": period.period_end,
        "answers": period.answers,
        "is_open": period.is_open,
        "shown": period.shown,
        "overall": period.overall if period.shown else None,
        "stage": period.stage if period.shown else None,
    }


@router.get(
    "/circles/{circle_id}/health",
    response={200: CircleHealthOut, READ_ERRORS: ErrorOut},
    url_name="circle_health",
)
def circle_health_read(request: HttpRequest, circle_id: PathId) -> dict[str, Any]:
    """The circle's health over the last six months, month by month, with its pulse and the
    page's readings. Whoever sees the circle."""
    circle = circle_get_for_user(
        user=caller(request), pk=circle_id, can=permissions.can_view_circle_health
    )
    health = circle_health(circle, today=circle_today(circle, timezone.now()))
    return {
        "circle_id": circle.pk,
        "time_zone": circle.time_zone,
        "today": health.today,
        "since": health.since,
        "months": [{"month": m.month, **_figures(m)} for m in health.months],
        "totals": _figures(health.total),
        "escalations_open": health.escalations_open,
        "ideas_on_trial": health.ideas_on_trial,
        "pulse_min_answers": PULSE_MIN_ANSWERS,
        "pulse": [_pulse(p) for p in health.pulse],
        "readings": [
            {
                "figure": f.chart.key.removeprefix("health-"),
                "title": f.chart.title,
                "reading": f.reading,
            }
            for f in circle_health_figures(health)
        ],
    }
