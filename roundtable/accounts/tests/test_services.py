"""Account services: invitations (signed, expiring, single use; sign-in invitations for members
who never signed in) and personal API tokens. The emails themselves are notification rows (see
notifications' tests) rendered by accounts.emails (test_emails.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from roundtable.accounts.models import ApiToken, Invitation, User
from roundtable.accounts.services import (
    InvitationInvalid,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_token,
    invitations_create_for_never_signed_in,
)
from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create

SENT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a-long-pass-phrase"


@pytest.fixture(autouse=True)
def _frozen():
    """Every test starts on the day the invitation is sent; expiry tests travel from there."""
    with time_machine.travel(SENT, tick=False):
        yield


@pytest.fixture
def invitation(personas):
    return invitation_create(
        organization=personas.organization,
        email="New.Person@Example.org",
        invited_by=personas.coordinator,
        full_name="New Person",
    )


@pytest.fixture
def imported(personas):
    """A member added by a CSV import: an account without a password, never signed in."""
    return member_create(
        organization=personas.organization,
        email="grace.lee@example.org",
        full_name="Grace Lee",
        role="coordinator",
        department="Sales",
    )


def test_an_invitation_is_for_the_lower_cased_address_for_fourteen_days(invitation):
    assert invitation.email == "new.person@example.org"
    assert invitation.expires_at == SENT + dt.timedelta(days=14)
    assert invitation_from_token(token=invitation_token(invitation=invitation)) == invitation


@time_machine.travel(SENT + dt.timedelta(days=1), tick=False)
def test_accepting_creates_the_member_once(invitation):
    token = invitation_token(invitation=invitation)
    member = invitation_accept(token=token, full_name=" Nia Person ", password=PASSWORD)
    assert member.organization == invitation.organization
    assert member.role == "member"
    assert member.user.full_name == "Nia Person"
    assert member.user.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (timezone.now(), member.user)
    with pytest.raises(InvitationInvalid) as excinfo:
        invitation_accept(token=token, full_name="Again", password=PASSWORD)
    assert excinfo.value.reason == "used"
    assert Member.objects.filter(user__email="new.person@example.org").count() == 1


def test_a_link_works_until_it_expires(invitation):
    token = invitation_token(invitation=invitation)
    with time_machine.travel(SENT + dt.timedelta(days=13, hours=23), tick=False):
        assert invitation_from_token(token=token) == invitation
    with (
        time_machine.travel(SENT + dt.timedelta(days=14, seconds=1), tick=False),
        pytest.raises(InvitationInvalid) as excinfo,
    ):
        invitation_from_token(token=token)
    assert excinfo.value.reason == "expired"


def test_a_tampered_link_is_invalid(invitation):
    token = invitation_token(invitation=invitation)
    for bad in (token[:-3] + "abc", "garbage"):
        with pytest.raises(InvitationInvalid) as excinfo:
            invitation_from_token(token=bad)
        assert excinfo.value.reason == "invalid"


def test_a_newer_invitation_replaces_the_pending_one(personas, invitation):
    token = invitation_token(invitation=invitation)
    newer = invitation_create(
        organization=personas.organization,
        email="NEW.PERSON@example.org",
        invited_by=personas.admin,
        role="coordinator",
    )
    with pytest.raises(InvitationInvalid) as excinfo:
        invitation_from_token(token=token)
    assert excinfo.value.reason == "revoked"
    assert invitation_from_token(token=invitation_token(invitation=newer)) == newer


def test_a_weak_password_is_refused_and_nothing_is_created(invitation):
    token = invitation_token(invitation=invitation)
    with pytest.raises(DomainError, match="too short") as excinfo:
        invitation_accept(token=token, full_name="New Person", password="123")
    assert excinfo.value.field == "password"
    assert not User.objects.filter(email="new.person@example.org").exists()
    assert invitation_from_token(token=token) == invitation


def test_an_imported_member_gets_a_sign_in_invitation_and_keeps_role_and_profile(imported):
    assert not imported.user.has_usable_password()
    invitation = invitation_create(
        organization=imported.organization,
        email="Grace.Lee@example.org",
        invited_by=imported.organization.members.get(role="admin").user,
        role="member",  # a sign-in invitation never changes the role
    )
    assert (invitation.role, invitation.full_name) == ("coordinator", "Grace Lee")
    member = invitation_accept(
        token=invitation_token(invitation=invitation), full_name="Grace Lee", password=PASSWORD
    )
    assert member == imported
    member.refresh_from_db()
    assert (member.role, member.department) == ("coordinator", "Sales")
    assert member.user.check_password(PASSWORD)
    assert Member.objects.filter(user__email="grace.lee@example.org").count() == 1


def test_sign_in_invitations_go_to_everyone_who_never_signed_in(personas, imported):
    for persona in ("admin", "coordinator", "lead"):
        user = personas.user(persona)
        user.last_login = SENT
        user.save()
    invitations = invitations_create_for_never_signed_in(
        organization=personas.organization, invited_by=personas.admin
    )
    # The sponsor, member and peer of the personas have never signed in either; the outsider
    # belongs to another organisation.
    assert sorted(i.email for i in invitations) == [
        "grace.lee@example.org",
        "member@example.org",
        "peer@example.org",
        "sponsor@example.org",
    ]
    again = invitations_create_for_never_signed_in(
        organization=personas.organization, invited_by=personas.admin
    )
    assert len(again) == 4
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 4


def test_inviting_a_member_who_has_signed_in_or_to_an_unknown_role_is_refused(personas):
    member = personas.user("member")
    member.last_login = SENT
    member.save()
    with pytest.raises(DomainError, match="already a member"):
        invitation_create(
            organization=personas.organization,
            email="Member@example.org",
            invited_by=personas.admin,
        )
    with pytest.raises(DomainError, match="Choose a valid role"):
        invitation_create(
            organization=personas.organization,
            email="x@example.org",
            invited_by=personas.admin,
            role="owner",
        )
    assert not Invitation.objects.exists()


def test_an_accepted_invitation_cannot_be_withdrawn(invitation):
    invitation_accept(
        token=invitation_token(invitation=invitation), full_name="N", password=PASSWORD
    )
    invitation.refresh_from_db()
    with pytest.raises(DomainError, match="already accepted"):
        invitation_revoke(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_api_tokens_are_hashed_and_revocable(personas):
    token, secret = api_token_create(user=personas.member, name="  My script ")
    assert token.name == "My script"
    assert secret.startswith("rt_")
    assert secret not in token.token_hash
    assert secret.startswith(token.prefix)
    assert api_token_authenticate(secret=secret) == personas.member
    api_token_revoke(token=token)
    assert api_token_authenticate(secret=secret) is None
    assert api_token_authenticate(secret="rt_not-a-token") is None


def test_a_token_needs_a_name(personas):
    with pytest.raises(DomainError, match="Give the token a name"):
        api_token_create(user=personas.member, name="  ")
    assert not ApiToken.objects.exists()


def test_a_deactivated_account_cannot_use_its_tokens(personas):
    _token, secret = api_token_create(user=personas.member, name="Sync")
    User.objects.filter(pk=personas.member.pk).update(is_active=False)
    assert api_token_authenticate(secret=secret) is None


def test_last_use_is_recorded_as_its_day_only(personas):
    """The day of the last use, never its time: a time would tie the account to whatever
    arrived at that moment (an anonymous critique sent through the API, say)."""
    token, secret = api_token_create(user=personas.member, name="Sync")
    day = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    with time_machine.travel(SENT, tick=False):
        api_token_authenticate(secret=secret)
    token.refresh_from_db()
    assert token.last_used_at == day
    with time_machine.travel(SENT + dt.timedelta(hours=14), tick=False):
        assert api_token_authenticate(secret=secret) == personas.member
    token.refresh_from_db()
    assert token.last_used_at == day
    with time_machine.travel(SENT + dt.timedelta(days=1, minutes=7), tick=False):
        api_token_authenticate(secret=secret)
    token.refresh_from_db()
    assert token.last_used_at == day + dt.timedelta(days=1)
