"""Invitation pages: sending, listing and withdrawing, sign-in invitations for those who never
signed in, and accepting (an existing account is joined, never given a password); every persona,
the outsider included. Emails leave through the worker, never during a request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.accounts.models import Invitation, User
from roundtable.accounts.services import (
    invitation_create,
    invitation_token,
)
from roundtable.accounts.tests.helpers import (
    INVITERS,
    NEW_PASSWORD,
    SENT,
    _imported,
    _invite,
    _worker_sends,
)
from roundtable.orgs.models import Member
from roundtable.testing.personas import PASSWORD, PERSONA_NAMES

# --- invitation list, sending and withdrawing ---------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_invitation_page_is_for_admins_and_coordinators(client, personas, persona):
    client.force_login(personas.user(persona))
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    assert client.get(url).status_code == (200 if persona in INVITERS else 404)
    response = client.post(url, {"email": "someone@example.org", "role": "member"})
    assert response.status_code == (302 if persona in INVITERS else 404)
    sent = Invitation.objects.filter(email="someone@example.org").exists()
    assert sent is (persona in INVITERS)
    assert _worker_sends() == (1 if persona in INVITERS else 0)


def test_invitation_page_sends_and_lists(client, personas):
    client.force_login(personas.coordinator)
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    response = client.post(url, {"email": "someone@example.org", "role": "member"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Invitation sent to someone@example.org." in page
    assert "someone@example.org" in page
    # A coordinator cannot make admins.
    response = client.post(url, {"email": "boss@example.org", "role": "admin"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Invitation.objects.filter(email="boss@example.org").exists()


def test_service_refusals_are_shown_next_to_the_field(client, personas):
    client.force_login(personas.member)  # has signed in: inviting them again is refused
    client.force_login(personas.admin)
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    response = client.post(url, {"email": "member@example.org", "role": "member"})
    assert response.status_code == 200
    assert "member@example.org is already a member of Acme Ltd." in response.content.decode()
    response = client.post(url, {"email": "not-an-email", "role": "member"})
    assert b"Enter a valid email address" in response.content


@time_machine.travel(SENT, tick=False)
def test_invitation_list_shows_states_and_expiry(client, personas):
    _invite(personas)
    withdrawn = _invite(personas, email="gone@example.org")
    withdrawn.revoked_at = SENT
    withdrawn.save()
    client.force_login(personas.admin)
    body = client.get(
        reverse("accounts:invitation_list", args=[personas.organization.slug])
    ).content.decode()
    assert "Pending, until 24 Mar 2026" in body
    assert "Revoked" in body
    assert body.count("Withdraw</button>") == 1


def test_invitation_list_query_count_does_not_grow(client, personas):
    client.force_login(personas.admin)
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    _invite(personas)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        invitation_create(
            organization=personas.organization,
            email=f"p{i}@example.org",
            invited_by=personas.user("admin" if i % 2 else "coordinator"),
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("Withdraw</button>") == 13
    assert len(many) == len(few)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_withdrawing_is_for_admins_and_coordinators(client, personas, persona):
    invitation = _invite(personas)
    client.force_login(personas.user(persona))
    url = reverse("accounts:invitation_revoke", args=[personas.organization.slug, invitation.pk])
    response = client.post(url)
    invitation.refresh_from_db()
    if persona in INVITERS:
        assert response.status_code == 302
        assert invitation.state == "revoked"
        page = client.get(response.url).content.decode()
        assert "The invitation to new.person@example.org was withdrawn." in page
    else:
        assert response.status_code == 404
        assert invitation.state == "pending"


def test_an_invitation_is_withdrawn_only_through_its_own_organisation(client, personas):
    invitation = _invite(personas)
    client.force_login(personas.outsider)  # an admin, of the other organisation
    other_slug = personas.members["outsider"].organization.slug
    response = client.post(reverse("accounts:invitation_revoke", args=[other_slug, invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_withdrawing_an_accepted_invitation_says_why_not(client, personas):
    invitation = _invite(personas)
    client.post(
        reverse("accounts:invitation_accept", args=[invitation_token(invitation=invitation)]),
        {"full_name": "N", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    client.force_login(personas.admin)
    url = reverse("accounts:invitation_revoke", args=[personas.organization.slug, invitation.pk])
    response = client.post(url, follow=True)
    assert "This invitation was already accepted." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == "accepted"


# --- accepting ----------------------------------------------------------------------------


def test_the_emailed_link_works_and_signs_the_person_in(client, personas):
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:invitation_list", args=[personas.organization.slug]),
        {"email": "new.person@example.org", "full_name": "New Person", "role": "member"},
    )
    client.logout()
    assert _worker_sends() == 1
    invitation = Invitation.objects.get(email="new.person@example.org")
    match = re.search(r"https?://\S+/accounts/invitation/\S+/", str(mail.outbox[-1].body))
    assert match
    path = "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response.status_code == 200
    assert b"Join Acme Ltd" in response.content
    response = client.post(
        path, {"full_name": "New Person", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    member = Member.objects.get(user__email="new.person@example.org")
    assert member.organization == invitation.organization
    assert member.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home:home")).status_code == 200


def test_a_used_link_shows_a_clear_page(client, personas):
    url = reverse(
        "accounts:invitation_accept", args=[invitation_token(invitation=_invite(personas))]
    )
    data = {"full_name": "New Person", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    client.post(url, data)
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert b"already been used" in response.content
    assert client.post(url, data).status_code == 410
    assert Member.objects.filter(user__email="new.person@example.org").count() == 1


def test_an_expired_link_shows_a_clear_page(client, personas):
    with time_machine.travel(SENT, tick=False):
        token = invitation_token(invitation=_invite(personas))
    with time_machine.travel(SENT + dt.timedelta(days=15), tick=False):
        response = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert b"expired" in response.content


def test_a_tampered_link_is_refused(client, personas):
    token = invitation_token(invitation=_invite(personas))
    response = client.get(reverse("accounts:invitation_accept", args=[token[:-3] + "abc"]))
    assert response.status_code == 404
    assert b"not valid" in response.content


def test_weak_password_is_refused_and_nothing_is_created(client, personas):
    token = invitation_token(invitation=_invite(personas))
    response = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"full_name": "New Person", "password": "123", "password_again": "123"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_the_two_passwords_must_match(client, personas):
    token = invitation_token(invitation=_invite(personas))
    response = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"full_name": "N", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"},
    )
    assert b"The two passwords differ." in response.content
    assert not User.objects.filter(email="new.person@example.org").exists()


# --- sign-in invitations for those who never signed in --------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_one_click_invites_everyone_who_never_signed_in(client, personas, persona):
    _imported(personas)
    _imported(personas, email="ravi.shah@example.org")
    for name in ("admin", "coordinator", "lead"):
        client.force_login(personas.user(name))  # they have signed in
    client.force_login(personas.user(persona))
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    # Never signed in: the two imported, the sponsor, the member and the peer (less whoever
    # just signed in to look).
    count = 5 - (persona in {"sponsor", "member"})
    if persona in INVITERS:
        page = client.get(url).content.decode()
        assert f"Send sign-in invitations to {count} people" in page
    send = reverse("accounts:invitation_never_signed_in", args=[personas.organization.slug])
    response = client.post(send, follow=True)
    if persona not in INVITERS:
        assert response.status_code == 404
        assert _worker_sends() == 0
        return
    assert f"Sign-in invitations are on their way to {count} people." in response.content.decode()
    assert _worker_sends() == count
    assert "grace.lee@example.org" in {m.to[0] for m in mail.outbox}


def test_the_one_click_button_goes_once_everyone_has_signed_in(client, personas):
    for name in ("sponsor", "member", "coordinator", "lead"):
        client.force_login(personas.user(name))
    Member.objects.filter(user__email="peer@example.org").update(is_active=False)
    client.force_login(personas.admin)
    page = client.get(reverse("accounts:invitation_list", args=[personas.organization.slug]))
    assert b"never signed in" not in page.content


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_sign_in_invitation_from_the_member_page(client, personas, persona):
    imported = _imported(personas)
    client.force_login(personas.user(persona))
    page = client.get(reverse("orgs:member_detail", args=[imported.pk]))
    assert page.status_code == (404 if persona == "outsider" else 200)
    assert (b"Send sign-in invitation" in page.content) is (persona in INVITERS)
    response = client.post(reverse("accounts:invitation_member", args=[imported.pk]))
    assert response.status_code == (302 if persona in INVITERS else 404)
    assert _worker_sends() == (1 if persona in INVITERS else 0)
    if persona in INVITERS:
        link = re.search(r"https?://\S+(/accounts/invitation/\S+/)", str(mail.outbox[0].body))
        assert link
        client.logout()
        client.post(
            link.group(1),
            {"full_name": "Grace Lee", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        )
        imported.user.refresh_from_db()
        assert imported.user.check_password(NEW_PASSWORD)
        assert imported.user.last_login is not None


def test_no_sign_in_button_for_someone_who_has_signed_in(client, personas):
    client.force_login(personas.member)
    client.force_login(personas.admin)
    page = client.get(reverse("orgs:member_detail", args=[personas.members["member"].pk]))
    assert b"Send sign-in invitation" not in page.content


# --- an invitation for an address that already has an account (issue 12, item 5) ----------


def test_accepting_for_an_existing_account_never_sets_its_password(client, personas):
    """Elsewhere Inc invites Acme's member: the link asks them to sign in, sets no password,
    and joins them only once they are signed in as themselves."""
    elsewhere = personas.members["outsider"].organization
    invitation = invitation_create(
        organization=elsewhere, email="MEMBER@example.org", invited_by=personas.outsider
    )
    path = reverse("accounts:invitation_accept", args=[invitation_token(invitation=invitation)])
    page = client.get(path)
    assert b"already has a Roundtable account" in page.content
    assert reverse("accounts:password_reset").encode() in page.content
    client.post(
        path, {"full_name": "Taken Over", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    member_user = User.objects.get(email="member@example.org")
    assert member_user.check_password(PASSWORD)
    assert not member_user.check_password(NEW_PASSWORD)
    assert member_user.full_name == "Member Persona"
    assert not Member.objects.filter(organization=elsewhere, user=member_user).exists()

    client.force_login(personas.sponsor)  # someone else cannot accept it for them
    assert b"you are signed in as sponsor@example.org" in client.get(path).content
    client.post(path)
    assert not Member.objects.filter(organization=elsewhere, user=member_user).exists()

    client.force_login(member_user)
    assert b"Accept and join" in client.get(path).content
    response = client.post(path)
    assert response.status_code == 302
    assert Member.objects.filter(organization=elsewhere, user=member_user).exists()
    member_user.refresh_from_db()
    assert member_user.check_password(PASSWORD)
    assert member_user.full_name == "Member Persona"
    invitation.refresh_from_db()
    assert invitation.accepted_by == member_user


def test_the_accept_service_refuses_to_set_a_password_on_a_claimed_account(personas):
    from roundtable.accounts.services import invitation_accept
    from roundtable.core.errors import DomainError

    invitation = invitation_create(
        organization=personas.members["outsider"].organization,
        email="sponsor@example.org",
        invited_by=personas.outsider,
    )
    with pytest.raises(DomainError, match="already has an account"):
        invitation_accept(
            token=invitation_token(invitation=invitation), full_name="X", password=NEW_PASSWORD
        )
    assert User.objects.get(email="sponsor@example.org").check_password(PASSWORD)
