"""/api meetings: a circle's schedule (with a preview of what a change does) and meetings (moved,
cancelled, restored), each meeting's agenda, attendance and feedback, seen and changed with the
same permissions as the meeting pages."""

# No `from __future__ import annotations` here: ninja reads query parameter types at run time.
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status, codes_4xx
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id
from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.meetings import services
from roundtable.meetings.models import AgendaItem, Attendance, Feedback, Meeting, Schedule
from roundtable.meetings.selectors import (
    circle_meetings,
    meeting_get_for_user,
    schedule_get_for_user,
)
from roundtable.meetings.services.schedules import ScheduleChangeUnconfirmed
from roundtable.meetings.services.series_plan import MeetingChange, SchedulePlan
from roundtable.timeslots.recurrence import to_aware

router = Router(tags=["meetings"])


class ScheduleOut(Schema):
    frequency: str
    weekday: int = Field(description="0 = Monday")
    nth: int | None
    start_time: dt.time
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


class ScheduleIn(Schema):
    frequency: Schedule.Frequency
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    nth: int | None = Field(None, description="Monthly only: 1-4, or -1 for the last")
    start_time: dt.time = Field(description="Wall-clock time in the circle's time zone")
    duration_minutes: int = Field(60, ge=15, le=480)
    starts_on: dt.date
    ends_on: dt.date | None = None
    reminder_lead_hours: int = Field(24, ge=1, le=168)
    confirm: str = Field(
        "", description="The preview's `confirm`, when the change moves or cancels meetings"
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


class MeetingOut(Schema):
    id: int
    circle_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_start: str = Field(description="ISO time in the circle's time zone")
    duration_minutes: int
    status: str
    moved: bool
    change_reason: str
    sequence: int

    @staticmethod
    def resolve_local_start(obj: Meeting) -> str:
        return obj.starts_at.astimezone(ZoneInfo(obj.circle.time_zone)).isoformat()

    @staticmethod
    def resolve_moved(obj: Meeting) -> bool:
        return obj.was_moved


class AgendaItemOut(Schema):
    id: int
    title: str
    details: str
    done: bool
    added_by_id: int | None
    carried_over: bool

    @staticmethod
    def resolve_carried_over(obj: AgendaItem) -> bool:
        return obj.carried_from_id is not None


class AttendanceOut(Schema):
    member_id: int
    status: str


class FeedbackOut(Schema):
    rating: int
    comment: str
    member_id: int | None = Field(description="Null when the circle keeps feedback anonymous")

    @staticmethod
    def resolve_member_id(obj: Feedback) -> int | None:
        return None if obj.meeting.circle.feedback_anonymous else obj.member_id


class MeetingDetailOut(MeetingOut):
    notes: str
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]
    feedback: list[FeedbackOut]

    @staticmethod
    def resolve_agenda(obj: Meeting) -> Any:
        return obj.agenda_items.all()

    @staticmethod
    def resolve_attendance(obj: Meeting) -> Any:
        return obj.attendance.all()

    @staticmethod
    def resolve_feedback(obj: Meeting) -> Any:
        return obj.feedback.select_related("meeting__circle")


class MoveIn(Schema):
    local_start: dt.datetime = Field(description="New wall-clock start in the circle's zone")
    duration_minutes: int | None = Field(None, ge=15, le=480)
    reason: str


class CancelIn(Schema):
    reason: str


class RestoreIn(Schema):
    reason: str = ""


class AgendaItemIn(Schema):
    title: str
    details: str = ""


class AttendanceIn(Schema):
    member_id: int
    status: Attendance.Status


class FeedbackIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


@router.get(
    "/circles/{circle_id}/schedule",
    response={200: ScheduleOut, codes_4xx: ErrorOut},
    url_name="schedule_detail",
)
def schedule_detail(request: HttpRequest, circle_id: int) -> Schedule:
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
    response={200: SchedulePreviewOut, codes_4xx: ErrorOut},
    url_name="schedule_preview",
)
def schedule_preview(request: HttpRequest, circle_id: int, payload: ScheduleIn) -> dict[str, Any]:
    """What setting this schedule would do to the coming meetings, writing nothing: which move,
    are cancelled (kept on record), come back or are removed, and what each holds. Send its
    `confirm` with the PUT to apply exactly this."""
    circle = _managed_circle(request, circle_id)
    fields = payload.dict(exclude={"confirm"})
    return _schedule_plan_out(services.schedule_change_preview(circle=circle, **fields))


@router.put(
    "/circles/{circle_id}/schedule",
    # 409 last, so its own shape wins over the other 4xx codes' ErrorOut.
    response={200: ScheduleOut, codes_4xx: ErrorOut, 409: SchedulePreviewOut},
    url_name="schedule_set",
)
def schedule_set(request: HttpRequest, circle_id: int, payload: ScheduleIn) -> Any:
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


@router.get(
    "/circles/{circle_id}/meetings",
    response={200: list[MeetingOut], codes_4xx: ErrorOut},
    url_name="meeting_list",
)
@paginate(Pagination)
def meeting_list(
    request: HttpRequest, circle_id: int, after: dt.datetime | None = None
) -> QuerySet[Meeting]:
    """The circle's meetings, oldest first; `after` keeps those starting after an instant."""
    circle = circle_get_for_user(user=caller(request), pk=circle_id)
    return circle_meetings(circle=circle, after=after)


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, codes_4xx: ErrorOut},
    url_name="meeting_detail",
)
def meeting_detail(request: HttpRequest, meeting_id: int) -> Meeting:
    return meeting_get_for_user(user=caller(request), pk=meeting_id)


@router.post(
    "/meetings/{meeting_id}/move",
    response={200: MeetingOut, codes_4xx: ErrorOut},
    url_name="meeting_move",
)
def meeting_move(request: HttpRequest, meeting_id: int, payload: MoveIn) -> Meeting:
    user = caller(request)
    meeting = meeting_get_for_user(user=user, pk=meeting_id)
    permission_require(
        permissions.can_manage_circle(user, meeting.circle), "Only the lead may move it."
    )
    naive = payload.local_start.replace(tzinfo=None)
    return services.meeting_move(
        meeting=meeting,
        starts_at=to_aware(naive, ZoneInfo(meeting.circle.time_zone)),
        duration_minutes=payload.duration_minutes,
        reason=payload.reason,
    )


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, codes_4xx: ErrorOut},
    url_name="meeting_cancel",
)
def meeting_cancel(request: HttpRequest, meeting_id: int, payload: CancelIn) -> Meeting:
    user = caller(request)
    meeting = meeting_get_for_user(user=user, pk=meeting_id)
    permission_require(
        permissions.can_manage_circle(user, meeting.circle), "Only the lead may cancel it."
    )
    return services.meeting_cancel(meeting=meeting, reason=payload.reason)


@router.post(
    "/meetings/{meeting_id}/restore",
    response={200: MeetingOut, codes_4xx: ErrorOut},
    url_name="meeting_restore",
)
def meeting_restore(request: HttpRequest, meeting_id: int, payload: RestoreIn) -> Meeting:
    """A cancelled meeting takes place after all; those told of the cancellation are told."""
    user = caller(request)
    meeting = meeting_get_for_user(user=user, pk=meeting_id)
    permission_require(
        permissions.can_manage_circle(user, meeting.circle), "Only the lead may restore it."
    )
    return services.meeting_restore(meeting=meeting, reason=payload.reason)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut, codes_4xx: ErrorOut},
    url_name="agenda_add",
)
def agenda_add(request: HttpRequest, meeting_id: int, payload: AgendaItemIn) -> Status[AgendaItem]:
    user = caller(request)
    meeting = meeting_get_for_user(user=user, pk=meeting_id)
    permission_require(
        permissions.can_take_part_in_circle(user, meeting.circle),
        "Only the circle's members add agenda items.",
    )
    me = permissions.acting_member(user, meeting.circle.program.organization_id)
    item = services.agenda_item_add(
        meeting=meeting, member=me, title=payload.title, details=payload.details
    )
    return Status(201, item)


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, codes_4xx: ErrorOut},
    url_name="attendance_set",
)
def attendance_set(request: HttpRequest, meeting_id: int, payload: AttendanceIn) -> Attendance:
    """The lead records anyone's attendance; a member reports their own."""
    user = caller(request)
    meeting = meeting_get_for_user(user=user, pk=meeting_id)
    me = permissions.acting_member(user, meeting.circle.program.organization_id)
    own = payload.member_id == me.pk and permissions.can_take_part_in_circle(user, meeting.circle)
    permission_require(
        own or permissions.can_manage_circle(user, meeting.circle),
        "Only the lead records other people's attendance.",
    )
    member = member_from_id(
        organization=meeting.circle.program.organization, pk=payload.member_id, field="member_id"
    )
    return services.attendance_set(
        meeting=meeting, member=member, status=payload.status, reported_by=me
    )


@router.put(
    "/meetings/{meeting_id}/feedback",
    response={200: FeedbackOut, codes_4xx: ErrorOut},
    url_name="feedback_give",
)
def feedback_give(request: HttpRequest, meeting_id: int, payload: FeedbackIn) -> Feedback:
    """Your own 1-5 rating of a meeting that has started (sending again updates it)."""
    user = caller(request)
    meeting = meeting_get_for_user(user=user, pk=meeting_id)
    permission_require(
        permissions.can_take_part_in_circle(user, meeting.circle),
        "Only the circle's members give feedback.",
    )
    me = permissions.acting_member(user, meeting.circle.program.organization_id)
    return services.feedback_give(
        meeting=meeting, member=me, rating=payload.rating, comment=payload.comment
    )
