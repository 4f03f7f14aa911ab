"""The emails accounts send, as the worker renders them: an invitation with its personal link
until it is used, withdrawn or expired; a password reset link, also for an account that has no
password yet (a member imported from a file); links on SITE_URL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from roundtable.accounts.emails import invitation_email, password_reset_email
from roundtable.accounts.services import invitation_create, invitation_from_token
from roundtable.orgs.services import member_create

SENT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(SENT, tick=False):
        yield


@pytest.fixture
def invitation(personas):
    return invitation_create(
        organization=personas.organization,
        email="new.person@example.org",
        invited_by=personas.coordinator,
        full_name="New Person",
    )


@override_settings(SITE_URL="http://127.0.0.1:8101")
def test_the_invitation_email_carries_its_personal_link_on_the_site_url(invitation):
    email = invitation_email(invitation=invitation)
    assert email is not None
    assert email.to == ["new.person@example.org"]
    assert email.subject == "You are invited to join Acme Ltd on Roundtable"
    body = str(email.body)
    assert "Coordinator Persona invites you" in body
    assert "The link works once and expires on 24 March 2026." in body
    link = re.search(r"http://127\.0\.0\.1:8101/accounts/invitation/(\S+)/", body)
    assert link
    assert invitation_from_token(token=link.group(1)) == invitation


def test_no_invitation_email_once_it_cannot_work(invitation):
    invitation.revoked_at = SENT
    invitation.save()
    assert invitation_email(invitation=invitation) is None
    invitation.revoked_at = None
    invitation.save()
    with time_machine.travel(SENT + dt.timedelta(days=15), tick=False):
        assert invitation_email(invitation=invitation) is None


@override_settings(SITE_URL="http://127.0.0.1:8101")
def test_a_reset_email_lets_an_imported_member_choose_a_first_password(client, personas):
    imported = member_create(
        organization=personas.organization, email="grace.lee@example.org", full_name="Grace Lee"
    )
    email = password_reset_email(user=imported.user)
    assert email is not None
    assert email.subject == "Reset your Roundtable password"
    body = str(email.body)
    assert "asked to set a password of your Roundtable account" in body
    link = re.search(r"http://127\.0\.0\.1:8101(/accounts/reset/\S+/)", body)
    assert link
    response = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in response.content
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-42", "new_password2": "brand-new-secret-42"},
    )
    assert response.headers["Location"] == reverse("accounts:password_reset_complete")
    imported.user.refresh_from_db()
    assert imported.user.check_password("brand-new-secret-42")


def test_no_reset_email_for_a_deactivated_account(personas):
    user = personas.member
    user.is_active = False
    user.save()
    assert password_reset_email(user=user) is None
