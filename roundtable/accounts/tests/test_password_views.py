"""A password change or reset ends what the old password opened: the person's API tokens stop
working and their other sessions are signed out; after a change, the current session stays."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from roundtable.notifications.services import notifications_send_due
from roundtable.testing.api import bearer
from roundtable.testing.personas import PASSWORD, PERSONA_NAMES

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "brand-new-secret-42"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _is_signed_in(client: Client) -> bool:
    response = client.get(reverse("orgs:profile"))
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_password_change_keeps_this_session_and_ends_the_others(personas):
    user = personas.member
    here, elsewhere, token = _signed_in(user), _signed_in(user), bearer(user)
    assert token.get("/api/members").status_code == 200
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "your other sessions were signed out and your 1 API token was revoked" in (
        response.content.decode()
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert _is_signed_in(here)
    assert not _is_signed_in(elsewhere)
    assert token.get("/api/members").status_code == 401


def test_a_wrong_current_password_changes_nothing(personas):
    user = personas.member
    here, elsewhere, token = _signed_in(user), _signed_in(user), bearer(user)
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()
    assert _is_signed_in(elsewhere)
    assert token.get("/api/members").status_code == 200


def test_a_password_reset_ends_every_session_and_token(client, personas):
    user = personas.member
    elsewhere, token = _signed_in(user), bearer(user)
    client.post(reverse("accounts:password_reset"), {"email": "member@example.org"})
    notifications_send_due(worker="test")
    link = re.search(r"http://[^/]+(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "your API tokens are revoked" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not _is_signed_in(elsewhere)
    assert token.get("/api/members").status_code == 401


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_everyone_may_change_their_own_password_and_nobody_signed_out(client, personas, persona):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302  # to the sign-in page
    client.force_login(personas.user(persona))
    assert client.get(reverse("accounts:password_change")).status_code == 200
