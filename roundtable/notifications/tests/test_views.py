"""One-click RSVP links and email preferences."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from roundtable.meetings import services as meetings
from roundtable.meetings.models import Rsvp
from roundtable.meetings.rsvp import rsvp_token
from roundtable.notifications.models import NotificationPreference


@pytest.fixture
def meeting(personas):
    meetings.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=timezone.localdate().weekday(),
        start_time=dt.time(9),
        starts_on=timezone.localdate() + dt.timedelta(days=1),
    )
    return personas.circle.meetings.order_by("starts_at").first()


def test_rsvp_link_works_without_sign_in_and_can_be_changed(client, personas, meeting):
    member = personas.members["member"]
    token = rsvp_token(meeting=meeting, member=member, response="yes")
    response = client.get(reverse("meetings:rsvp", args=[token]))
    assert response.status_code == 200
    assert Rsvp.objects.get(meeting=meeting, member=member).response == "yes"
    other = response.context["other_token"]
    client.post(reverse("meetings:rsvp", args=[other]), {"response": "no"})
    assert Rsvp.objects.get(meeting=meeting, member=member).response == "no"


def test_tampered_or_expired_rsvp_links_change_nothing(client, personas, meeting):
    member = personas.members["member"]
    token = rsvp_token(meeting=meeting, member=member, response="yes")
    response = client.get(reverse("meetings:rsvp", args=[token[:-2] + "xx"]))
    assert response.status_code == 410
    assert b"no longer works" in response.content
    with time_machine.travel(meeting.ends_at + dt.timedelta(hours=1)):
        response = client.get(reverse("meetings:rsvp", args=[token]))
    assert response.status_code == 410
    assert b"meeting is over" in response.content
    assert not Rsvp.objects.exists()


def test_email_preferences_on_the_profile(client, personas):
    client.force_login(personas.member)
    assert "Save email choices" in client.get(reverse("orgs:profile")).content.decode()
    response = client.post(reverse("notifications:preferences"), {"changes": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(member=personas.members["member"])
    assert (pref.reminders, pref.changes, pref.wrapups) == (False, True, False)
