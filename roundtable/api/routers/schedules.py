"""/api schedules: a circle's rhythm, with a preview of what a change does to the meetings already
planned (which move, are cancelled and kept, come back or are removed, and what each holds)."""

# No `from __future__ import annotations` here: ninja reads query parameter types at run time.
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.schemas import JSON_NUMBER, Date, PathId, Text, WallTime, choices
from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.meetings import services
from roundtable.meetings.models import Schedule
from roundtable.meetings.selectors import schedule_get_for_user
from roundtable.meetings.services.schedules import ScheduleChangeUnconfirmed
from roundtable.meetings.services.series_plan import MeetingChange, SchedulePlan

router = Router(tags=["schedules"])


class ScheduleOut(Schema):
    frequency: str
    weekday: int = Field(description="0 = Monday")
    nth: int | None
    start_time: WallTime
    duration_minutes: int
    starts_on: dt.date
    ends_on: dt.date | None
    time_zone: str
    rrule: str
    description: str
    reminder_lead_hours: int

    @staticmethod
    def resolve_time_zone(obj: Schedule) -> str:
        return obj.circle.time_zone

    @staticmethod
    def resolve_description(obj: Schedule) -> str:
        return str(obj)


ScheduleFrequency = Annotated[Schedule.Frequency, choices(Schedule.Frequency, "ScheduleFrequency")]


class ScheduleIn(Schema):
    frequency: ScheduleFrequency
    weekday: Annotated[int, Field(ge=0, le=6), JSON_NUMBER] = Field(description="0 = Monday")
    nth: Annotated[int, Field(ge=-1, le=4), JSON_NUMBER] | None = Field(
        None, description="Monthly only: 1-4, or -1 for the last"
    )
    start_time: WallTime = Field(description="Wall-clock time in the circle's time zone")
    duration_minutes: Annotated[int, Field(ge=15, le=480), JSON_NUMBER] = 60
    starts_on: Date
    ends_on: Date | None = None
    reminder_lead_hours: Annotated[int, Field(ge=1, le=168), JSON_NUMBER] = 24
    confirm: Text = Field(
        "",
        max_length=200,
        description="The preview's `confirm`, when the change moves or cancels meetings",
    )


class MeetingHoldsOut(Schema):
    agenda_items: int
    open_agenda_items: int
    notes: bool
    attendance: int
    replies: int
    feedback: int
    announced: bool = Field(description="A reminder or change notice went out for it")


class MeetingChangeOut(Schema):
    meeting_id: int
    action: str = Field(description="move, cancel, restore, resize or delete (holds nothing)")
    starts_at: dt.datetime
    new_starts_at: dt.datetime
    duration_minutes: int
    agenda_to: dt.datetime | None = Field(
        description="Cancel: start of the meeting its open agenda items go to"
    )
    holds: MeetingHoldsOut
    summary: str


class SchedulePreviewOut(Schema):
    changes: list[MeetingChangeOut]
    new_meetings: list[dt.datetime]
    confirm: str = Field(description="Send with the PUT to apply this; empty: nothing to confirm")
    detail: str = Field("", description="With a 409: why the change was not applied")
    code: str = Field("", description="With a 409: confirmation_required")


@router.get(
    "/circles/{circle_id}/schedule",
    response={200: ScheduleOut, READ_ERRORS: ErrorOut},
    url_name="schedule_detail",
)
def schedule_detail(request: HttpRequest, circle_id: PathId) -> Schedule:
    user = caller(request)
    circle = circle_get_for_user(user=user, pk=circle_id)
    return schedule_get_for_user(user=user, circle=circle)


def _schedule_change_out(change: MeetingChange) -> dict[str, Any]:
    h = change.holds
    return {
        "meeting_id": change.meeting.pk,
        "action": change.action,
        "starts_at": change.meeting.starts_at,
        "new_starts_at": change.starts_at,
        "duration_minutes": change.duration_minutes,
        "agenda_to": change.agenda_to,
        "holds": {
            "agenda_items": h.agenda, "open_agenda_items": h.open_agenda, "notes": h.notes,
            "attendance": h.attendance, "replies": h.replies, "feedback": h.feedback,
            "announced": h.announced,
        },
        "summary": h.describe(),
    }  # fmt: skip


def _schedule_plan_out(plan: SchedulePlan) -> dict[str, Any]:
    return {
        "changes": [_schedule_change_out(c) for c in plan.changes],
        "new_meetings": list(plan.new_starts),
        "confirm": plan.token if plan.changes else "",
    }


def _managed_circle(request: HttpRequest, circle_id: int) -> Circle:
    user = caller(request)
    circle = circle_get_for_user(user=user, pk=circle_id)
    permission_require(
        permissions.can_manage_circle(user, circle), "Only the lead or coordinators may."
    )
    return circle


@router.post(
    "/circles/{circle_id}/schedule/preview",
    response={200: SchedulePreviewOut, WRITE_ERRORS: ErrorOut},
    url_name="schedule_preview",
)
def schedule_preview(
    request: HttpRequest, circle_id: PathId, payload: ScheduleIn
) -> dict[str, Any]:
    """What setting this schedule would do to the coming meetings, writing nothing: which move,
    are cancelled (kept on record), come back or are removed, and what each holds. Send its
    `confirm` with the PUT to apply exactly this."""
    circle = _managed_circle(request, circle_id)
    fields = payload.dict(exclude={"confirm"})
    return _schedule_plan_out(services.schedule_change_preview(circle=circle, **fields))


@router.put(
    "/circles/{circle_id}/schedule",
    # 409 last, so its own shape wins over the other 4xx codes' ErrorOut.
    response={200: ScheduleOut, WRITE_ERRORS: ErrorOut, 409: SchedulePreviewOut},
    url_name="schedule_set",
)
def schedule_set(request: HttpRequest, circle_id: PathId, payload: ScheduleIn) -> Any:
    """Set the circle's rhythm (lead, coordinators, admins). Future meetings not edited one by
    one follow it; the next 12 weeks are planned at once. A change that moves, cancels or
    removes meetings already planned needs `confirm` from its preview: without it (or when the
    meetings changed since) the answer is 409 with the preview to check."""
    circle = _managed_circle(request, circle_id)
    try:
        return services.schedule_set(circle=circle, **payload.dict())
    except ScheduleChangeUnconfirmed as exc:
        return Status(
            409, {**_schedule_plan_out(exc.plan), "detail": exc.message, "code": exc.code}
        )
