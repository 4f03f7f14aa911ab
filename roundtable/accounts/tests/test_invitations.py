"""Invitations: signed, expiring, single-use links that add a person to an organisation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.accounts.services import (
    InvitationInvalid,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_token,
)
from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member


def _link_from_outbox() -> str:
    match = re.search(r"https?://\S+/accounts/invitation/\S+/", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(0).split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def invitation(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return invitation_create(
            organization=personas.organization,
            email="New.Person@Example.org",
            invited_by=personas.coordinator,
            full_name="New Person",
        )


def test_invitation_is_emailed_with_a_working_link(client, invitation):
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    path = "/" + _link_from_outbox()
    response = client.get(path)
    assert response.status_code == 200
    assert b"Join Acme Ltd" in response.content

    response = client.post(
        path,
        {
            "full_name": "New Person",
            "password": "a-long-pass-phrase",
            "password_again": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(user__email="new.person@example.org")
    assert member.organization == invitation.organization
    assert member.user.check_password("a-long-pass-phrase")
    # Signed in straight away.
    assert client.get(reverse("home:home")).status_code == 200


def test_a_used_link_shows_a_clear_page(client, invitation):
    token = invitation_token(invitation=invitation)
    invitation_accept(token=token, full_name="New Person", password="a-long-pass-phrase")
    response = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert b"already been used" in response.content
    with pytest.raises(InvitationInvalid):
        invitation_accept(token=token, full_name="Again", password="a-long-pass-phrase")
    assert Member.objects.filter(user__email="new.person@example.org").count() == 1


def test_an_expired_link_shows_a_clear_page(client, invitation):
    token = invitation_token(invitation=invitation)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        response = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert b"expired" in response.content


def test_a_tampered_link_is_refused(client, invitation):
    token = invitation_token(invitation=invitation)
    response = client.get(reverse("accounts:invitation_accept", args=[token[:-3] + "abc"]))
    assert response.status_code == 404
    assert b"not valid" in response.content
    with pytest.raises(InvitationInvalid) as excinfo:
        invitation_from_token(token="garbage")
    assert excinfo.value.reason == "invalid"


def test_a_newer_invitation_replaces_the_pending_one(personas, invitation):
    token = invitation_token(invitation=invitation)
    invitation_create(
        organization=personas.organization,
        email="new.person@example.org",
        invited_by=personas.admin,
    )
    with pytest.raises(InvitationInvalid) as excinfo:
        invitation_from_token(token=token)
    assert excinfo.value.reason == "revoked"


def test_weak_password_is_refused_and_nothing_is_created(client, invitation):
    token = invitation_token(invitation=invitation)
    response = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"full_name": "New Person", "password": "123", "password_again": "123"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_inviting_an_existing_member_is_refused(personas):
    with pytest.raises(DomainError, match="already a member"):
        invitation_create(
            organization=personas.organization,
            email="member@example.org",
            invited_by=personas.admin,
        )


def test_invitation_page_sends_and_lists(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.coordinator)
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "someone@example.org", "role": "member"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    page = client.get(url)
    assert b"someone@example.org" in page.content
    # A coordinator cannot make admins.
    response = client.post(url, {"email": "boss@example.org", "role": "admin"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content


def test_bad_email_gets_a_form_error(client, personas):
    client.force_login(personas.admin)
    url = reverse("accounts:invitation_list", args=[personas.organization.slug])
    response = client.post(url, {"email": "not-an-email", "role": "member"})
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
