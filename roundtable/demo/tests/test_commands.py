"""The demo's management commands on an empty database: seed_demo and its --if-empty switch."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from roundtable.accounts.models import User
from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD
from roundtable.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_the_command_loads_the_demo_and_prints_the_sign_ins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Organization.objects.count() == 1
    for _, email, _ in DEMO_LOGINS:
        assert email in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    logins = StringIO()
    call_command("demo_logins", stdout=logins)
    for role, email, _ in DEMO_LOGINS:
        assert f"{role:<22} {email}" in logins.getvalue()
    assert "python manage.py createsuperuser" in logins.getvalue()
    # Neither command makes an account for the Django admin: no known password opens it.
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()


def test_if_empty_is_silent_when_an_organisation_exists(personas):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert out.getvalue() == ""
    assert Organization.objects.count() == 2  # the personas' two, and no demo


def test_demo_logins_says_when_there_is_no_demo():
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "No demo organisation in this database" in out.getvalue()
