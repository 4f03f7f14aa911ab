"""Sign in and out, password reset by email, rate-limited attempts, API tokens."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from roundtable.accounts.models import ApiToken
from roundtable.accounts.services import api_token_authenticate, api_token_create
from roundtable.testing.personas import PASSWORD


def test_sign_in_with_email_and_out(client, personas):
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


def test_api_tokens_are_hashed_and_revocable(client, personas):
    client.force_login(personas.member)
    response = client.post(reverse("accounts:api_tokens"), {"name": "My script"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    token = ApiToken.objects.get(user=personas.member)
    assert secret not in token.token_hash
    assert api_token_authenticate(secret=secret) == personas.member
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api_token_authenticate(secret=secret) is None


def test_nobody_revokes_someone_elses_token(client, personas):
    token, _secret = api_token_create(user=personas.member, name="Mine")
    client.force_login(personas.admin)
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_token_needs_a_name(client, personas):
    client.force_login(personas.member)
    response = client.post(reverse("accounts:api_tokens"), {"name": "  "})
    assert b"This field is required" in response.content
    assert not ApiToken.objects.exists()
