"""Writes for accounts: invitations (signed, expiring, single use; also a sign-in invitation
for a member who has never signed in, e.g. one imported from a CSV file) and personal API
tokens. Emails are not sent here: notifications queue them as rows for the worker."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.models import ApiToken, Invitation, User
from roundtable.accounts.selectors import members_never_signed_in
from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member, Organization, Role
from roundtable.orgs.services import member_create

INVITATION_SALT = "roundtable.invitation"
API_TOKEN_PREFIX = "rt_"  # noqa: S105 - a public marker, not a secret


class InvitationInvalid(DomainError):
    """The link is tampered with, expired, revoked or already used; `reason` says which."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def invitation_token(*, invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT)


def invitation_url(*, invitation: Invitation) -> str:
    path = reverse("accounts:invitation_accept", args=[invitation_token(invitation=invitation)])
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    invited_by: User,
    role: str = Role.MEMBER,
    full_name: str = "",
) -> Invitation:
    email = User.objects.normalize_email(email.strip()).lower()
    member = (
        Member.objects.filter(organization=organization, user__email__iexact=email)
        .select_related("user")
        .first()
    )
    if member is not None:
        if member.user.last_login is not None:
            raise DomainError(f"{email} is already a member of {organization}.", field="email")
        # A member who has never signed in (imported, say) gets a sign-in invitation: the link
        # lets them choose a password; their role stays as it is.
        role, full_name = member.role, full_name or member.user.full_name
    if role not in Role.values:
        raise DomainError("Choose a valid role.", field="role")
    # A fresh invitation replaces any pending one for the same address.
    Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        full_name=full_name.strip(),
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    return invitation


@transaction.atomic
def invitations_create_for_never_signed_in(
    *, organization: Organization, invited_by: User
) -> list[Invitation]:
    """A sign-in invitation for every active member who has never signed in (a fresh one
    replaces any still pending)."""
    return [
        invitation_create(
            organization=organization,
            email=member.user.email,
            invited_by=invited_by,
            role=member.role,
            full_name=member.user.full_name,
        )
        for member in members_never_signed_in(organization=organization)
    ]


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at:
        raise DomainError("This invitation was already accepted.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def invitation_from_token(*, token: str) -> Invitation:
    """The invitation a link points to, or InvitationInvalid saying plainly what is wrong."""
    max_age = dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvitationInvalid("This invitation link has expired.", reason="expired") from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid("This invitation link is not valid.", reason="invalid") from exc
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=data.get("id"), email=data.get("email"))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid("This invitation link is not valid.", reason="invalid")
    if invitation.accepted_at:
        raise InvitationInvalid("This invitation has already been used.", reason="used")
    if invitation.revoked_at:
        raise InvitationInvalid("This invitation was withdrawn.", reason="revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation link has expired.", reason="expired")
    return invitation


def invitation_account(*, invitation: Invitation) -> User | None:
    """The account that already has the invited address, if any."""
    return User.objects.filter(email__iexact=invitation.email).first()


def invitation_needs_sign_in(*, invitation: Invitation, account: User | None = None) -> bool:
    """Whether accepting asks the person to sign in first: an account exists that someone has
    claimed (a usable password, a sign-in, or a membership of another organisation). Only an
    account this organisation imported and nobody ever used (no password, never signed in,
    member nowhere else) is set up by its invitation: the link is how it gets its password."""
    account = account or invitation_account(invitation=invitation)
    if account is None:
        return False
    return (
        account.has_usable_password()
        or account.last_login is not None
        or Member.objects.filter(user=account)
        .exclude(organization=invitation.organization)
        .exists()
    )


def _invitation_locked(*, token: str) -> Invitation:
    invitation = invitation_from_token(token=token)
    # Lock the row so two clicks on the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationInvalid("This invitation has already been used.", reason="used")
    return invitation


def _invitation_accepted(*, invitation: Invitation, member: Member) -> Member:
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = member.user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return member


@transaction.atomic
def invitation_accept(*, token: str, full_name: str, password: str) -> Member:
    """Create the account (or set up one this organisation imported and nobody ever used), set
    its password and join the organisation, once. An account someone has claimed is never
    touched here: its owner signs in and accepts with invitation_accept_signed_in."""
    invitation = _invitation_locked(token=token)
    user = invitation_account(invitation=invitation)
    if user is not None and invitation_needs_sign_in(invitation=invitation, account=user):
        raise DomainError(
            f"{invitation.email} already has an account: sign in (or reset its password by "
            "email) to accept this invitation."
        )
    candidate = user or User(email=invitation.email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    # A sign-in invitation finds the person a member already (imported, say): they keep their
    # profile and role and only choose their password.
    member = Member.objects.filter(organization=invitation.organization, user=user).first()
    if member is None:
        member = member_create(
            organization=invitation.organization,
            email=invitation.email,
            full_name=full_name or invitation.full_name,
            role=invitation.role,
        )
    member.user.set_password(password)
    if full_name.strip():
        member.user.full_name = full_name.strip()
    member.user.save()
    return _invitation_accepted(invitation=invitation, member=member)


@transaction.atomic
def invitation_accept_signed_in(*, token: str, user: User) -> Member:
    """The person signed in with the invited address joins the organisation; nothing of their
    account (name, email, password) changes."""
    invitation = _invitation_locked(token=token)
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            f"This invitation is for {invitation.email}; you are signed in as {user.email}."
        )
    member = Member.objects.filter(organization=invitation.organization, user=user).first()
    if member is None:
        member = member_create(
            organization=invitation.organization,
            email=user.email,
            full_name=user.full_name,
            role=invitation.role,
        )
    return _invitation_accepted(invitation=invitation, member=member)


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name, e.g. the script that will use it.", field="name")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:10], token_hash=_token_hash(secret)
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


@transaction.atomic
def password_set(*, user: User, password: str) -> int:
    """Set a new password (a change or a reset) and revoke every API token of the person, so
    that whoever held the old password or a token made with it is out; returns how many tokens
    were revoked. Their other sessions end with it: Django signs out a session whose password
    hash no longer matches (a view keeps the current session with update_session_auth_hash).
    The password is validated by the form that asked for it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    now = timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )


def api_token_authenticate(*, secret: str) -> User | None:
    """The active user a bearer secret belongs to; records when the token was last used."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # The day only (midnight UTC), written at the first use of each day: an exact time written
    # as a request arrives would line the user up with an anonymous idea or critique sent
    # through the API at that moment (see roundtable/ideas).
    day = timezone.now().astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if token.last_used_at is None or token.last_used_at < day:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=day)
    return token.user
