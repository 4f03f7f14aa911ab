"""Reads for accounts: an organisation's invitations, its members who have never signed in and
a person's API tokens, each fetched only through a getter that asks the permission policy (a 404
for anyone else)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from roundtable.accounts.models import ApiToken, Invitation
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.orgs.models import Member, Organization

INVITATION_LIST_LIMIT = 200


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    """The organisation's latest invitations, newest first, with who sent each."""
    return organization.invitations.select_related("invited_by").order_by("-created_at")[
        :INVITATION_LIST_LIMIT
    ]


def members_never_signed_in(*, organization: Organization) -> QuerySet[Member]:
    """The organisation's active members whose account has never signed in (imported from a
    file, or invited and never accepted), in name order."""
    return (
        Member.objects.filter(
            organization=organization,
            is_active=True,
            user__is_active=True,
            user__last_login__isnull=True,
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def invitation_get_for_user(*, user: Any, organization: Organization, pk: int) -> Invitation:
    """One of the organisation's invitations, for someone the policy lets invite; Http404 else."""
    return object_get_or_404(
        Invitation.objects.select_related("organization"),
        pk=pk,
        organization=organization,
        can=lambda invitation: permissions.can_invite_members(user, invitation.organization),
        message="No such invitation.",
    )


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (revoked ones included, marked as such)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at")


def api_token_get_for_user(*, user: Any, pk: int) -> ApiToken:
    """One of the user's own tokens; anyone else's, and a signed-out caller, get Http404."""
    return object_get_or_404(
        api_token_list(user=user),
        pk=pk,
        can=lambda token: user.is_authenticated and token.user_id == user.pk,
        message="No such token.",
    )
