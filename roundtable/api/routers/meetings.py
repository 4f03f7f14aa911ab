"""/api meetings: a circle's meetings (moved, cancelled, restored), each meeting's agenda,
attendance and feedback, seen and changed with the same permissions as the meeting pages. The
schedule that plans them is in `schedules`."""

# No `from __future__ import annotations` here: ninja reads query parameter types at run time.
import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id
from roundtable.api.schemas import (
    JSON_NUMBER,
    Id,
    Instant,
    LocalDateTime,
    PathId,
    RequiredText,
    Text,
    choices,
)
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.meetings import services
from roundtable.meetings.models import AgendaItem, Attendance, Feedback, Meeting
from roundtable.meetings.selectors import (
    circle_meetings,
    meeting_get_for_user,
)
from roundtable.timeslots.recurrence import to_aware

router = Router(tags=["meetings"])


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
    member_id: int | None = Field(
        description="Null for feedback given anonymously: it is stored without its author. "
        "Feedback given while the circle showed names keeps its author, as on the meeting page"
    )


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
        return obj.feedback.all()


class MeetingMoveIn(Schema):
    local_start: LocalDateTime = Field(description="New wall-clock start in the circle's zone")
    duration_minutes: Annotated[int, Field(ge=15, le=480), JSON_NUMBER] | None = None
    reason: RequiredText = Field(max_length=300)


class CancelIn(Schema):
    reason: RequiredText = Field(max_length=300)


class RestoreIn(Schema):
    reason: Text = Field("", max_length=300)


class AgendaItemIn(Schema):
    title: RequiredText = Field(max_length=200)
    details: Text = Field("", max_length=5000)


AttendanceStatus = Annotated[Attendance.Status, choices(Attendance.Status, "AttendanceStatus")]


class AttendanceIn(Schema):
    member_id: Id
    status: AttendanceStatus


class FeedbackIn(Schema):
    rating: Annotated[int, Field(ge=1, le=5), JSON_NUMBER]
    comment: Text = Field("", max_length=2000)


@router.get(
    "/circles/{circle_id}/meetings",
    response={200: list[MeetingOut], READ_ERRORS: ErrorOut},
    url_name="meeting_list",
)
@paginate(Pagination)
def meeting_list(
    request: HttpRequest, circle_id: PathId, after: Instant | None = None
) -> QuerySet[Meeting]:
    """The circle's meetings, oldest first; `after` keeps those starting after an instant."""
    circle = circle_get_for_user(user=caller(request), pk=circle_id)
    return circle_meetings(circle=circle, after=after)


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, READ_ERRORS: ErrorOut},
    url_name="meeting_detail",
)
def meeting_detail(request: HttpRequest, meeting_id: PathId) -> Meeting:
    return meeting_get_for_user(user=caller(request), pk=meeting_id)


def _managed_meeting(request: HttpRequest, meeting_id: int, refusal: str) -> Meeting:
    """A meeting the caller sees (else 404) and may change, as the circle's lead, coordinators and
    admins may (else 403 with `refusal`)."""
    user = caller(request)
    meeting = meeting_get_for_user(user=user, pk=meeting_id)
    permission_require(permissions.can_manage_circle(user, meeting.circle), refusal)
    return meeting


@router.post(
    "/meetings/{meeting_id}/move",
    response={200: MeetingOut, WRITE_ERRORS: ErrorOut},
    url_name="meeting_move",
)
def meeting_move(request: HttpRequest, meeting_id: PathId, payload: MeetingMoveIn) -> Meeting:
    meeting = _managed_meeting(request, meeting_id, "Only the lead may move it.")
    return services.meeting_move(
        meeting=meeting,
        starts_at=to_aware(payload.local_start, ZoneInfo(meeting.circle.time_zone)),
        duration_minutes=payload.duration_minutes,
        reason=payload.reason,
    )


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, WRITE_ERRORS: ErrorOut},
    url_name="meeting_cancel",
)
def meeting_cancel(request: HttpRequest, meeting_id: PathId, payload: CancelIn) -> Meeting:
    meeting = _managed_meeting(request, meeting_id, "Only the lead may cancel it.")
    return services.meeting_cancel(meeting=meeting, reason=payload.reason)


@router.post(
    "/meetings/{meeting_id}/restore",
    response={200: MeetingOut, WRITE_ERRORS: ErrorOut},
    url_name="meeting_restore",
)
def meeting_restore(request: HttpRequest, meeting_id: PathId, payload: RestoreIn) -> Meeting:
    """A cancelled meeting takes place after all; those told of the cancellation are told."""
    meeting = _managed_meeting(request, meeting_id, "Only the lead may restore it.")
    return services.meeting_restore(meeting=meeting, reason=payload.reason)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut, WRITE_ERRORS: ErrorOut},
    url_name="agenda_add",
)
def agenda_add(
    request: HttpRequest, meeting_id: PathId, payload: AgendaItemIn
) -> Status[AgendaItem]:
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
    response={200: AttendanceOut, WRITE_ERRORS: ErrorOut},
    url_name="attendance_set",
)
def attendance_set(request: HttpRequest, meeting_id: PathId, payload: AttendanceIn) -> Attendance:
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
    response={200: FeedbackOut, WRITE_ERRORS: ErrorOut},
    url_name="feedback_give",
)
def feedback_give(request: HttpRequest, meeting_id: PathId, payload: FeedbackIn) -> Feedback:
    """Your own 1-5 rating of a meeting that has started (named feedback: sending again updates it;
    anonymous feedback is final, since nothing links it to you)."""
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
