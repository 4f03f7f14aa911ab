"""/api/programs: programs the caller may see; coordinators and admins create, change and enrol."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, Field, field_validator

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id, members_from_ids
from roundtable.api.schemas import (
    JSON_NUMBER,
    Date,
    Id,
    MemberRef,
    OrganizationRef,
    PathId,
    RequiredText,
    choices,
    not_nullable,
)
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.orgs.selectors import organization_get_for_user
from roundtable.programs import selectors, services
from roundtable.programs.models import Program

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: int
    organization: OrganizationRef
    name: str
    kind: str
    purpose: str
    sponsor: MemberRef
    coordinators: list[MemberRef]
    cadence: str
    target_circle_size: int
    start_date: dt.date
    end_date: dt.date | None
    status: str


class ProgramListOut(ProgramOut):
    circle_count: int
    enrolled_count: int


ProgramKind = Annotated[Program.Kind, choices(Program.Kind, "ProgramKind")]
ProgramCadence = Annotated[Program.Cadence, choices(Program.Cadence, "ProgramCadence")]
ProgramStatus = Annotated[Program.Status, choices(Program.Status, "ProgramStatus")]
CircleSize = Annotated[int, Field(ge=2, le=20), JSON_NUMBER]
Name = Annotated[RequiredText, Field(max_length=200)]
Purpose = Annotated[RequiredText, Field(max_length=5000)]


class ProgramIn(Schema):
    organization: RequiredText = Field(
        max_length=100, description="Slug of the organisation the program belongs to."
    )
    name: Name
    purpose: Purpose
    sponsor_id: Id = Field(description="Member id of the sponsor.")
    coordinator_ids: list[Id] = Field(
        max_length=100, description="Member ids of the coordinators (one or more)."
    )
    start_date: Date
    end_date: Date | None = None
    kind: ProgramKind = Program.Kind.TRAINING
    cadence: ProgramCadence = Program.Cadence.WEEKLY
    target_circle_size: CircleSize = 5
    status: ProgramStatus = Program.Status.DRAFT


_NOT_NULL = (
    "name",
    "purpose",
    "sponsor_id",
    "coordinator_ids",
    "start_date",
    "kind",
    "cadence",
    "target_circle_size",
    "status",
)


class ProgramPatch(Schema):
    """Only the fields sent are changed; `end_date: null` clears the end date. The other fields
    may be left out but not set to null."""

    model_config = ConfigDict(json_schema_extra=not_nullable(*_NOT_NULL))

    name: Name | None = None
    purpose: Purpose | None = None
    sponsor_id: Id | None = None
    coordinator_ids: Annotated[list[Id], Field(max_length=100)] | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    kind: ProgramKind | None = None
    cadence: ProgramCadence | None = None
    target_circle_size: CircleSize | None = None
    status: ProgramStatus | None = None

    @field_validator(*_NOT_NULL)
    @classmethod
    def not_null(cls, value: Any) -> Any:
        # Validators skip defaults, so this only fires for an explicit null.
        if value is None:
            raise ValueError("may be left out but not set to null")
        return value


class EnrolIn(Schema):
    member_ids: list[Id] = Field(min_length=1, max_length=500)


class EnrolmentOut(Schema):
    member: MemberRef
    enrolled_on: dt.date
    withdrawn_on: dt.date | None


MANAGERS_ONLY = "Only the program's coordinators and admins may do this."


@router.get(
    "/programs",
    response={200: list[ProgramListOut], READ_ERRORS: ErrorOut},
    url_name="program_list",
)
@paginate(Pagination)
def program_list(request: HttpRequest) -> QuerySet[Program]:
    """Programs you run, sponsor or take part in (all of them for organisation admins).
    Paginated: `{"items": [...], "count": N}`."""
    return selectors.programs_for_user(user=caller(request))


@router.post(
    "/programs", response={201: ProgramOut, WRITE_ERRORS: ErrorOut}, url_name="program_create"
)
def program_create(request: HttpRequest, payload: ProgramIn) -> Status[Program]:
    """Create a program (organisation admins and coordinators)."""
    user = caller(request)
    organization = organization_get_for_user(user=user, slug=payload.organization)
    permission_require(
        permissions.can_create_program(user, organization),
        "Only admins and coordinators may create programs.",
    )
    program = services.program_create(
        organization=organization,
        name=payload.name,
        purpose=payload.purpose,
        sponsor=member_from_id(
            organization=organization, pk=payload.sponsor_id, field="sponsor_id"
        ),
        coordinators=members_from_ids(
            organization=organization, ids=payload.coordinator_ids, field="coordinator_ids"
        ),
        start_date=payload.start_date,
        end_date=payload.end_date,
        kind=payload.kind,
        cadence=payload.cadence,
        target_circle_size=payload.target_circle_size,
        status=payload.status,
    )
    return Status(201, program)


@router.get(
    "/programs/{program_id}",
    response={200: ProgramOut, READ_ERRORS: ErrorOut},
    url_name="program_detail",
)
def program_detail(request: HttpRequest, program_id: PathId) -> Program:
    return selectors.program_get_for_user(user=caller(request), pk=program_id)


@router.patch(
    "/programs/{program_id}",
    response={200: ProgramOut, WRITE_ERRORS: ErrorOut},
    url_name="program_update",
)
def program_update(request: HttpRequest, program_id: PathId, payload: ProgramPatch) -> Program:
    """Change a program (its coordinators and organisation admins)."""
    user = caller(request)
    program = selectors.program_get_for_user(user=user, pk=program_id)
    permission_require(permissions.can_manage_program(user, program), MANAGERS_ONLY)
    fields = payload.model_dump(exclude_unset=True)
    organization = program.organization
    if "sponsor_id" in fields:
        fields["sponsor"] = member_from_id(
            organization=organization, pk=fields.pop("sponsor_id"), field="sponsor_id"
        )
    coordinators = None
    if "coordinator_ids" in fields:
        coordinators = members_from_ids(
            organization=organization, ids=fields.pop("coordinator_ids"), field="coordinator_ids"
        )
    return services.program_update(program=program, coordinators=coordinators, **fields)


@router.post(
    "/programs/{program_id}/enrolments",
    response={200: list[EnrolmentOut], WRITE_ERRORS: ErrorOut},
    url_name="program_enrol",
)
def program_enrol(request: HttpRequest, program_id: PathId, payload: EnrolIn) -> list[EnrolmentOut]:
    """Enrol members (re-enrolling anyone who had withdrawn); returns their enrolments."""
    user = caller(request)
    program = selectors.program_get_for_user(user=user, pk=program_id)
    permission_require(permissions.can_manage_program(user, program), MANAGERS_ONLY)
    members = members_from_ids(
        organization=program.organization, ids=payload.member_ids, field="member_ids"
    )
    enrolments = services.program_enrol(program=program, members=members)
    # Built from the members we already hold: reading `enrolment.member` would query per row.
    return [
        EnrolmentOut(
            member=MemberRef(id=member.pk, name=member.name),
            enrolled_on=enrolment.enrolled_on,
            withdrawn_on=enrolment.withdrawn_on,
        )
        for member, enrolment in zip(members, enrolments, strict=True)
    ]
