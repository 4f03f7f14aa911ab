"""Account pages: sign in and out, password reset, invitations (sending, listing, withdrawing,
accepting) and API tokens; every persona, the outsider included."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.accounts.models import ApiToken, Invitation, User
from roundtable.accounts.services import (
    api_token_authenticate,
    api_token_create,
    invitation_create,
    invitation_token,
)
from roundtable.orgs.models import Member
from roundtable.testing.personas import PASSWORD, PERSONA_NAMES

SENT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "a-long-pass-phrase"
INVITERS = {"admin", "coordinator"}


def _invite(personas, email: str = "new.person@example.org", **kwargs) -> Invitation:
    return invitation_create(
        organization=personas.organization,
        email=email,
        invited_by=personas.coordinator,
        full_name="New Person",
        **kwargs,
    )


# --- sign in, sign out, password reset ----------------------------------------------------


def test_sign_in_with_email_in_any_case_and_out(client, personas):
    response = client.post(
        reverse("accounts:login"), {"username": "LEAD@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home:home")).status_code == 302


def test_repeated_failures_lock_the_account_for_a_while(client, personas):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "lead@example.org", "password": "x"})
    response = client.post(
        reverse("accounts:login"), {"username": "lead@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content


def test_password_reset_by_email(client, personas):
    response = client.post(reverse("accounts:password_reset"), {"email": "member@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/reset/\S+/", str(mail.outbox[0].body))
    assert link
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    assert b"Choose a new password" in response.content
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-42", "new_password2": "brand-new-secret-42"},
    )
    assert response.status_code == 302
    personas.member.refresh_from_db()
    assert personas.member.check_password("brand-new-secret-42")


# --- invitation list, sending and withdrawing ---------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_invitation_page_is_for_admins_and_coordinators(
    client, personas, persona, django_capture_on_commit_callbacks
):
    client.force_login(personas.user(persona))
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    assert client.get(url).status_code == (200 if persona in INVITERS else 404)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "someone@example.org", "role": "member"})
    assert response.status_code == (302 if persona in INVITERS else 404)
    sent = Invitation.objects.filter(email="someone@example.org").exists()
    assert sent is (persona in INVITERS)
    assert len(mail.outbox) == (1 if persona in INVITERS else 0)


def test_invitation_page_sends_and_lists(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.coordinator)
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    with django_capture_on_commit_callbacks(execute=True):
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


def test_the_emailed_link_works_and_signs_the_person_in(
    client, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(personas)
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


# --- API tokens ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_everyone_creates_and_revokes_their_own_tokens(client, personas, persona):
    user = personas.user(persona)
    client.force_login(user)
    response = client.post(reverse("accounts:api_tokens"), {"name": "My script"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert api_token_authenticate(secret=secret) == user
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert "Token “My script” revoked" in client.get(response.url).content.decode()
    assert api_token_authenticate(secret=secret) is None


@pytest.mark.parametrize("persona", [p for p in PERSONA_NAMES if p != "sponsor"])
def test_nobody_sees_or_revokes_someone_elses_token(client, personas, persona):
    token, _secret = api_token_create(user=personas.sponsor, name="Sponsor's sync")
    client.force_login(personas.user(persona))
    assert "Sponsor's sync" not in client.get(reverse("accounts:api_tokens")).content.decode()
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_token_needs_a_name(client, personas):
    client.force_login(personas.member)
    response = client.post(reverse("accounts:api_tokens"), {"name": "  "})
    assert b"This field is required" in response.content
    assert not ApiToken.objects.exists()
