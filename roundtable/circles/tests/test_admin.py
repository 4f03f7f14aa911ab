"""The Django admin for circles (admin.py): the site operator's changes go through the services."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.circles.admin import CircleAdmin
from roundtable.circles.models import Circle

pytestmark = pytest.mark.django_db


def test_a_superuser_changing_the_setting_in_the_admin_dates_it_for_the_circle(client, personas):
    """The admin goes through the same service: feedback given before keeps its setting, and
    the circle is told since when the new one applies."""
    superuser = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    request = RequestFactory().post("/")
    request.user = superuser
    model_admin = CircleAdmin(Circle, admin.site)
    circle = personas.circle
    form_class = model_admin.get_form(request, circle, change=True)
    data = {**model_to_dict(circle), "feedback_anonymous": False, "lead": circle.lead_id or ""}
    form = form_class(data, instance=circle)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    circle.refresh_from_db()
    assert (circle.feedback_anonymous, circle.feedback_setting_changed_on) == (
        False,
        timezone.localdate(),
    )
    assert "feedback_setting_changed_on" in model_admin.get_readonly_fields(request, circle)
