"""Account pages: sign in and out, password reset and API tokens; every persona, the outsider
included. Emails leave through the worker (`_worker_sends`), never during a request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.models import ApiToken
from roundtable.accounts.services import (
    api_token_authenticate,
    api_token_create,
)
from roundtable.accounts.tests.helpers import (
    FAILING_SMTP,
    _imported,
    _worker_sends,
)
from roundtable.notifications.models import Notification
from roundtable.notifications.services import notifications_send_due
from roundtable.testing.personas import PASSWORD, PERSONA_NAMES

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
    assert mail.outbox == []  # not during the request: the worker sends it
    assert _worker_sends() == 1
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


def test_an_imported_member_without_a_password_can_reset_it(client, personas):
    imported = _imported(personas)
    response = client.post(reverse("accounts:password_reset"), {"email": "Grace.Lee@example.org"})
    assert response.status_code == 302
    assert _worker_sends() == 1
    assert mail.outbox[0].to == ["grace.lee@example.org"]
    assert "/accounts/reset/" in str(mail.outbox[0].body)
    assert Notification.objects.get().user == imported.user


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, personas):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.headers["Location"] == reverse("accounts:password_reset_done")
    assert _worker_sends() == 0


def test_asking_again_before_the_email_left_queues_no_second_one(client, personas):
    for _ in range(3):
        client.post(reverse("accounts:password_reset"), {"email": "member@example.org"})
    assert _worker_sends() == 1


def test_a_mail_server_that_is_down_fails_no_page_and_the_email_is_retried(client, personas):
    reset = reverse("accounts:password_reset")
    invitations = reverse("accounts:invitation_list", args=[personas.organization.slug])
    client.force_login(personas.admin)
    with override_settings(EMAIL_BACKEND=FAILING_SMTP):
        assert client.post(reset, {"email": "member@example.org"}).status_code == 302
        response = client.post(invitations, {"email": "new@example.org", "role": "member"})
        assert response.status_code == 302
        assert _worker_sends() == 0  # the worker's send fails too: both rows wait for a retry
    waiting = Notification.objects.filter(sent_at__isnull=True)
    assert sorted(waiting.values_list("kind", "attempts")) == [
        ("invitation", 1),
        ("password_reset", 1),
    ]
    assert notifications_send_due(worker="later", now=timezone.now() + dt.timedelta(minutes=3)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.org", "new@example.org"]


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
