"""The Django admin is the site operator's: an account made with `createsuperuser`, holding no
organisation role, while an organisation admin is turned away."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from roundtable.accounts.models import User
from roundtable.orgs.models import Member

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_an_operator_who_holds_no_organisation_role(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-passphrase")
    call_command(
        "createsuperuser",
        "--noinput",
        email="Operator@Example.com",
        full_name="Site Operator",
        verbosity=0,
    )
    operator = User.objects.get(email="operator@example.com")
    assert operator.is_staff
    assert operator.is_superuser
    assert not Member.objects.filter(user=operator).exists()
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "operator@example.com", "password": "a-long-operator-passphrase"},
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/orgs/organization/").status_code == 200


def test_an_organisation_admin_is_turned_away_from_the_django_admin(personas, client):
    client.force_login(personas.admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/accounts/invitation/").status_code == 302
