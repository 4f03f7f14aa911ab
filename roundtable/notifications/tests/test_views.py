"""A member's email choices (views.py, forms.py), for every persona."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from roundtable.notifications.models import NotificationPreference
from roundtable.testing.personas import PERSONA_NAMES


def test_email_preferences_on_the_profile(client, personas):
    client.force_login(personas.member)
    assert "Save email and notice choices" in client.get(reverse("orgs:profile")).content.decode()
    response = client.post(reverse("notifications:preferences"), {"changes": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(member=personas.members["member"])
    assert (pref.reminders, pref.changes, pref.wrapups) == (False, True, False)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_each_person_sets_only_their_own_choices(client, personas, persona):
    client.force_login(personas.user(persona))
    response = client.post(reverse("notifications:preferences"), {"wrapups": "on"})
    assert response.status_code == 302
    prefs = NotificationPreference.objects.values_list("member_id", "reminders", "wrapups")
    assert list(prefs) == [(personas.members[persona].pk, False, True)]


def test_signed_out_people_are_sent_to_sign_in(client, personas):
    response = client.post(reverse("notifications:preferences"), {"wrapups": "on"})
    assert response.status_code == 302
    assert "login" in response.url
    assert not NotificationPreference.objects.exists()


def _health_digest_box(page: str) -> str:
    """The profile's checkbox for the weekly at-risk email, as the page writes it."""
    match = re.search(r'<input[^>]*name="health_digest"[^>]*>', page)
    assert match is not None
    return match.group(0)


def test_the_weekly_at_risk_email_is_on_until_turned_off_and_back_on(client, personas):
    client.force_login(personas.coordinator)
    member = personas.members["coordinator"]
    page = client.get(reverse("orgs:profile")).content.decode()
    assert 'id="health-emails"' in page
    assert "checked" in _health_digest_box(page)  # on for someone who never chose
    client.post(reverse("notifications:preferences"), {"reminders": "on"})
    assert NotificationPreference.objects.get(member=member).health_digest is False
    page = client.get(reverse("orgs:profile")).content.decode()
    assert "checked" not in _health_digest_box(page)
    client.post(reverse("notifications:preferences"), {"health_digest": "on"})
    assert NotificationPreference.objects.get(member=member).health_digest is True
