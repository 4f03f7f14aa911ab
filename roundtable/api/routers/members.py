"""/api/members: the directory of the caller's organisations. Hire date, manager and availability
are shown only to people the permission policy lets see them (otherwise they are null)."""

# No `from __future__ import annotations` here: ninja reads query parameter types at run time.
import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.schemas import OrganizationRef, PathId, Text, WallTime
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.orgs import selectors
from roundtable.orgs.models import Member

router = Router(tags=["members"])


def _private(member: Member, context: dict[str, Any] | None) -> bool:
    request = (context or {}).get("request")
    return request is not None and permissions.can_see_member_private_fields(
        caller(request), member
    )


class AvailabilityOut(Schema):
    weekday: int
    start_time: WallTime
    end_time: WallTime


class MemberOut(Schema):
    id: int
    name: str
    email: str
    role: str
    job_title: str
    department: str
    location: str
    time_zone: str
    years_experience: float | None
    skills: list[str]
    approaches: list[str]
    hire_date: dt.date | None
    manager_id: int | None

    @staticmethod
    def resolve_skills(obj: Member) -> list[str]:
        return [t.name for t in obj.skills.all()]

    @staticmethod
    def resolve_approaches(obj: Member) -> list[str]:
        return [t.name for t in obj.approaches.all()]

    @staticmethod
    def resolve_hire_date(obj: Member, context: dict[str, Any] | None) -> dt.date | None:
        return obj.hire_date if _private(obj, context) else None

    @staticmethod
    def resolve_manager_id(obj: Member, context: dict[str, Any] | None) -> int | None:
        return obj.manager_id if _private(obj, context) else None


class MemberDetailOut(MemberOut):
    """A member with their organisation and weekly availability (private; null when hidden)."""

    organization: OrganizationRef
    availability: list[AvailabilityOut] | None

    @staticmethod
    def resolve_availability(obj: Member, context: dict[str, Any] | None) -> Any:
        return list(obj.availability.all()) if _private(obj, context) else None


@router.get(
    "/members", response={200: list[MemberOut], READ_ERRORS: ErrorOut}, url_name="member_list"
)
@paginate(Pagination)
def member_list(
    request: HttpRequest,
    organization: Annotated[Text, Field(max_length=100)] | None = None,
    q: Annotated[Text, Field(max_length=1000)] = "",
) -> QuerySet[Member]:
    """Active members of one of your organisations, searched by name, email, job, department,
    location, skill or approach (`q`, every word must match; only its first 10 distinct words
    and 200 characters are read, the rest is ignored). `organization` (a slug) may be left
    out when you belong to a single organisation. Paginated: `{"items": [...], "count": N}`."""
    user = caller(request)
    if organization:
        org = selectors.organization_get_for_user(user=user, slug=organization)
    else:
        orgs = selectors.organizations_for_user(user=user)
        if not orgs:
            return Member.objects.none()
        if len(orgs) > 1:
            raise DomainError(
                "You belong to several organisations: say which with ?organization=<slug>.",
                field="organization",
            )
        org = orgs[0]
    return selectors.member_directory(organization=org, query=q)


@router.get(
    "/members/{member_id}",
    response={200: MemberDetailOut, READ_ERRORS: ErrorOut},
    url_name="member_detail",
)
def member_detail(request: HttpRequest, member_id: PathId) -> Member:
    """One member of one of your organisations; anyone else's is a 404."""
    return selectors.member_get_for_user(user=caller(request), pk=member_id)
