"""/api/circles: circles the caller may see, with their current members; coordinators and admins
create circles in a program and move people in and out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id, members_from_ids
from roundtable.api.schemas import Id, MemberRef, OrganizationRef, PathId, RequiredText
from roundtable.circles import selectors, services
from roundtable.circles.models import Circle, CircleMembership
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.programs.selectors import program_get_for_user

router = Router(tags=["circles"])


class ProgramRef(Schema):
    id: int
    name: str


class CircleMemberOut(Schema):
    """A current member of a circle; `id` is the member id."""

    id: int
    name: str
    joined_on: dt.date

    @staticmethod
    def resolve_id(obj: CircleMembership) -> int:
        return obj.member_id

    @staticmethod
    def resolve_name(obj: CircleMembership) -> str:
        return obj.member.name


class CircleOut(Schema):
    id: int
    name: str
    program: ProgramRef
    organization: OrganizationRef
    lead: MemberRef | None
    time_zone: str

    @staticmethod
    def resolve_organization(obj: Circle) -> Any:
        return obj.program.organization


class CircleListOut(CircleOut):
    member_count: int


class CircleDetailOut(CircleOut):
    members: list[CircleMemberOut]

    @staticmethod
    def resolve_members(obj: Circle) -> Any:
        # Filled by the selectors' prefetch of current memberships.
        return obj.current_memberships  # type: ignore[attr-defined]


class CircleIn(Schema):
    name: RequiredText = Field(max_length=120)
    time_zone: RequiredText | None = Field(
        None, max_length=64, description="IANA time zone; defaults to the organisation's."
    )
    member_ids: list[Id] = Field(default_factory=list, max_length=100)
    lead_id: Id | None = Field(None, description="Member id of the lead; added if not a member.")


class CircleMemberIn(Schema):
    member_id: Id


MEMBERS_CHANGERS_ONLY = "Only the program's coordinators and admins may change who is in a circle."


@router.get(
    "/circles", response={200: list[CircleListOut], READ_ERRORS: ErrorOut}, url_name="circle_list"
)
@paginate(Pagination)
def circle_list(request: HttpRequest) -> QuerySet[Circle]:
    """Circles you are in or lead, and those of programs you run or sponsor.
    Paginated: `{"items": [...], "count": N}`."""
    return selectors.circles_for_user(user=caller(request))


@router.get(
    "/circles/{circle_id}",
    response={200: CircleDetailOut, READ_ERRORS: ErrorOut},
    url_name="circle_detail",
)
def circle_detail(request: HttpRequest, circle_id: PathId) -> Circle:
    """A circle with its lead and current members."""
    return selectors.circle_get_for_user(user=caller(request), pk=circle_id)


@router.post(
    "/programs/{program_id}/circles",
    response={201: CircleDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_create",
)
def circle_create(request: HttpRequest, program_id: PathId, payload: CircleIn) -> Status[Circle]:
    """Create a circle in a program (its coordinators and organisation admins); the members
    are enrolled in the program if they were not yet."""
    user = caller(request)
    program = program_get_for_user(user=user, pk=program_id)
    permission_require(
        permissions.can_manage_program(user, program),
        "Only the program's coordinators and admins may do this.",
    )
    organization = program.organization
    circle = services.circle_create(
        program=program,
        name=payload.name,
        time_zone=payload.time_zone,
        members=members_from_ids(
            organization=organization, ids=payload.member_ids, field="member_ids"
        ),
        lead=(
            member_from_id(organization=organization, pk=payload.lead_id, field="lead_id")
            if payload.lead_id is not None
            else None
        ),
    )
    # Read back through the selector so the answer has the same shape as GET /circles/{id}.
    return Status(201, selectors.circle_get_for_user(user=user, pk=circle.pk))


@router.post(
    "/circles/{circle_id}/members",
    response={201: CircleMemberOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_add_member",
)
def circle_add_member(
    request: HttpRequest, circle_id: PathId, payload: CircleMemberIn
) -> Status[CircleMembership]:
    """Put a member of the organisation in the circle (enrolling them in the program)."""
    user = caller(request)
    circle = selectors.circle_get_for_user(user=user, pk=circle_id)
    permission_require(permissions.can_change_circle_members(user, circle), MEMBERS_CHANGERS_ONLY)
    member = member_from_id(
        organization=circle.program.organization, pk=payload.member_id, field="member_id"
    )
    return Status(201, services.circle_add_member(circle=circle, member=member))


@router.delete(
    "/circles/{circle_id}/members/{member_id}",
    response={204: None, WRITE_ERRORS: ErrorOut},
    url_name="circle_remove_member",
)
def circle_remove_member(
    request: HttpRequest, circle_id: PathId, member_id: PathId
) -> Status[None]:
    """Take a member out of the circle. The membership is dated, not deleted; a departing lead
    leaves the circle without one."""
    user = caller(request)
    circle = selectors.circle_get_for_user(user=user, pk=circle_id)
    permission_require(permissions.can_change_circle_members(user, circle), MEMBERS_CHANGERS_ONLY)
    member = selectors.circle_member_get(circle=circle, member_pk=member_id, current=True)
    services.circle_remove_member(circle=circle, member=member)
    return Status(204, None)
