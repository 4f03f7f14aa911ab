"""Queueing the emails of accounts as notification rows for the worker: an invitation (or a
sign-in invitation for a member who never signed in) and a password reset. A request only adds
rows, so a mail server that is down fails no page; the worker sends and retries them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import Invitation, User
from roundtable.accounts.services import invitation_create, invitations_create_for_never_signed_in
from roundtable.notifications.models import Notification
from roundtable.orgs.member_import.applying import member_import_apply
from roundtable.orgs.member_import.comparing import ImportReport
from roundtable.orgs.models import Organization, Role


@transaction.atomic
def invitation_send(
    *,
    organization: Organization,
    email: str,
    invited_by: User,
    role: str = Role.MEMBER,
    full_name: str = "",
) -> Invitation:
    """Invite someone (or send a member who has never signed in a sign-in invitation): the
    email is a row the worker sends, so a mail server that is down fails nothing here."""
    invitation = invitation_create(
        organization=organization,
        email=email,
        invited_by=invited_by,
        role=role,
        full_name=full_name,
    )
    _invitations_queue([invitation])
    return invitation


@transaction.atomic
def invitations_send_never_signed_in(*, organization: Organization, invited_by: User) -> int:
    """A sign-in invitation to every member who has never signed in; returns how many."""
    invitations = invitations_create_for_never_signed_in(
        organization=organization, invited_by=invited_by
    )
    _invitations_queue(invitations)
    return len(invitations)


@transaction.atomic
def member_import_send(
    *,
    organization: Organization,
    text: str,
    invited_by: User,
    expected_digest: str | None = None,
    may_assign_admin: bool = True,
) -> ImportReport:
    """Apply an import and invite, by email, everyone in it who already has an account: they
    join only by accepting (one organisation never adds another's people)."""
    report = member_import_apply(
        organization=organization,
        text=text,
        expected_digest=expected_digest,
        may_assign_admin=may_assign_admin,
    )
    invitations = [
        invitation_create(
            organization=organization,
            email=row.email,
            invited_by=invited_by,
            role=row.values.get("role") or Role.MEMBER,
            full_name=row.values.get("full_name", ""),
        )
        for row in report.parsed
        if row.email in report.invite_emails
    ]
    _invitations_queue(invitations)
    return report


def _invitations_queue(invitations: list[Invitation]) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(kind=Notification.Kind.INVITATION, invitation=invitation, due_at=now)
            for invitation in invitations
        ]
    )


@transaction.atomic
def password_reset_send(*, email: str) -> int:
    """Queue a password reset email for the active account with this address, usable password
    or not (members imported from a file have none and set their first one this way). One
    waiting email per account: asking again before it went out queues nothing more. Returns
    how many were queued (the page says the same whatever the answer)."""
    waiting = Notification.objects.filter(
        kind=Notification.Kind.PASSWORD_RESET, sent_at__isnull=True
    ).values("user_id")
    users = User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(pk__in=waiting)
    now = timezone.now()
    rows = [
        Notification(kind=Notification.Kind.PASSWORD_RESET, user=user, due_at=now) for user in users
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
