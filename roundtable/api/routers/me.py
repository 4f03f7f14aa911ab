"""/api/me: who the caller is and which organisations they belong to, with what role."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, ErrorOut
from roundtable.api.schemas import OrganizationRef
from roundtable.core import permissions

router = Router(tags=["me"])


class MembershipOut(Schema):
    member_id: int
    organization: OrganizationRef
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    memberships: list[MembershipOut]


@router.get("/me", response={200: MeOut, READ_ERRORS: ErrorOut}, url_name="me")
def me(request: HttpRequest) -> MeOut:
    """The signed-in user and their active memberships."""
    user = caller(request)
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        memberships=[
            MembershipOut(
                member_id=m.pk,
                organization=OrganizationRef(slug=m.organization.slug, name=m.organization.name),
                role=m.role,
            )
            for m in sorted(
                permissions.memberships(user).values(), key=lambda m: m.organization.name
            )
        ],
    )
