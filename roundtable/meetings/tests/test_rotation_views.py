"""The rotating lead as each persona meets it: the rotation page (outsider 404, sponsor reads,
lead and coordinator set it), "I'll run this one" and "Step back" on the meeting page, the
runner named on the meeting page, the circle page and in the reminder email and its .ics; and a
meeting page whose query count does not grow with the rotation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from roundtable.meetings import services
from roundtable.meetings.models import Meeting, MeetingRotation
from roundtable.meetings.tests.helpers import newcomer
from roundtable.notifications.services import notifications_plan, notifications_send_due
from roundtable.testing.queries import assert_queries_flat


def _rotation_url(personas):
    return reverse("meetings:rotation", args=[personas.circle.pk])


def test_every_persona_on_the_rotation_page(client, personas, meetings):
    url = _rotation_url(personas)
    settings = {"mode": "in_order", "volunteer_days": "3"}
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, settings).status_code == 404
    client.force_login(personas.sponsor)
    page = client.get(url).content.decode()
    assert "The lead, Lead Persona, runs every meeting." in page
    assert "Change how it works" not in page
    refused = client.post(url, settings, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Only the circle's lead, the program's coordinators and admins set the rotation."
    ]
    client.force_login(personas.member)
    assert "Change how it works" not in client.get(url).content.decode()
    assert client.post(url, settings).status_code == 302
    assert not MeetingRotation.objects.exists()
    for persona in ("lead", "coordinator", "admin"):
        client.force_login(personas.user(persona))
        assert "Change how it works" in client.get(url).content.decode()
    response = client.post(url, settings)  # the admin
    assert response.status_code == 302
    assert MeetingRotation.objects.get().mode == "in_order"
    client.force_login(personas.sponsor)
    page = client.get(url).content.decode()
    assert "each meeting goes to the next person" in page
    assert 'Lead Persona</strong> <small class="muted">(rotation)' in page
    assert "Move Member Persona" not in page  # no reordering for the sponsor


def test_the_lead_reorders_and_the_meetings_follow(client, personas, meetings):
    lead, member = personas.members["lead"], personas.members["member"]
    services.rotation_set(circle=personas.circle, mode="in_order")
    move = reverse("meetings:rotation_move", args=[personas.circle.pk])
    client.force_login(personas.sponsor)
    client.post(move, {"member": member.pk, "direction": "up"})
    assert MeetingRotation.objects.get().order == [lead.pk, member.pk]
    client.force_login(personas.lead)
    page = client.get(_rotation_url(personas)).content.decode()
    assert 'aria-label="Move Member Persona up"' in page
    client.post(move, {"member": member.pk, "direction": "up"})
    assert MeetingRotation.objects.get().order == [member.pk, lead.pk]
    assert Meeting.objects.order_by("starts_at")[0].runner_id == member.pk


def test_volunteering_from_the_meeting_page_as_each_persona(client, personas, meetings):
    services.rotation_set(circle=personas.circle, mode="volunteers_first")
    later = meetings[3]
    runner_url = reverse("meetings:runner", args=[later.pk])
    page_url = reverse("meetings:detail", args=[later.pk])
    client.force_login(personas.outsider)
    assert client.post(runner_url, {"action": "volunteer"}).status_code == 404
    client.force_login(personas.sponsor)
    page = client.get(page_url).content.decode()
    assert "open to volunteers" in page
    assert "I'll run this one" not in page
    client.post(runner_url, {"action": "volunteer"})
    later.refresh_from_db()
    assert later.runner_id is None
    messages = [str(m) for m in client.get(page_url).context["messages"]]
    assert messages == ["Only the circle's members and its lead run its meetings."]
    client.force_login(personas.member)
    assert "I'll run this one" in client.get(page_url).content.decode()
    response = client.post(runner_url, {"action": "volunteer"})
    assert response.url == page_url + "#runner"
    later.refresh_from_db()
    assert later.runner_id == personas.members["member"].pk
    page = client.get(page_url).content.decode()
    assert "Run by Member Persona (volunteered)." in page
    assert "Step back" in page
    client.force_login(personas.lead)  # someone else is down for it: no button, and refused
    assert "I'll run this one" not in client.get(page_url).content.decode()
    client.post(runner_url, {"action": "volunteer"})
    later.refresh_from_db()
    assert later.runner_id == personas.members["member"].pk
    client.force_login(personas.member)
    back = client.post(runner_url, {"action": "step_back", "back_to": "rotation"})
    assert back.url == _rotation_url(personas) + "#coming"
    later.refresh_from_db()
    assert later.runner_id is None


def test_the_meeting_page_says_the_lead_runs_it_when_nothing_rotates(client, personas, meeting):
    client.force_login(personas.member)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Run by the lead, Lead Persona." in page
    assert "Who runs each meeting" not in page


def test_the_circle_page_names_each_coming_runner(client, personas, meetings):
    services.rotation_set(circle=personas.circle, mode="in_order")
    client.force_login(personas.member)
    page = client.get(reverse("circles:detail", args=[personas.circle.pk])).content.decode()
    coming = page.split("Coming up")[1].split("</ul>")[0]
    assert coming.count("run by Lead Persona") == 3
    assert coming.count("run by Member Persona") == 3


def test_the_meeting_page_costs_the_same_whoever_runs_it(client, personas, meetings):
    meeting = meetings[2]
    client.force_login(personas.member)

    def rotate_and_grow():
        for _ in range(3):
            newcomer(personas.circle)
        services.rotation_set(circle=personas.circle, mode="volunteers_first")
        services.meeting_volunteer(meeting=meeting, member=personas.members["member"])

    assert_queries_flat(client, reverse("meetings:detail", args=[meeting.pk]), grow=rotate_and_grow)
    assert (
        "Run by Member Persona (volunteered)"
        in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    )


def test_the_rotation_page_costs_the_same_however_big_the_circle(client, personas, meetings):
    services.rotation_set(circle=personas.circle, mode="in_order")
    client.force_login(personas.lead)

    def grow():
        for _ in range(4):
            newcomer(personas.circle)
        services.rotation_assign(circle=personas.circle)

    assert_queries_flat(client, _rotation_url(personas), grow=grow)


@pytest.mark.parametrize("mode", ["in_order", "off"])
def test_the_reminder_email_names_who_runs_the_meeting(personas, meetings, frozen_clock, mode):
    services.rotation_set(circle=personas.circle, mode="in_order")
    services.rotation_set(circle=personas.circle, mode=mode)
    notifications_plan()
    frozen_clock.move_to(meetings[0].starts_at - dt.timedelta(hours=23))
    assert notifications_send_due() == 2
    reminder = next(m for m in mail.outbox if m.to == [personas.members["member"].email])
    ics = reminder.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    if mode == "in_order":
        assert "Run by Lead Persona (rotation)." in reminder.body
        assert "Run by Lead Persona." in ics.replace("\r\n ", "")
    else:
        assert "Run by the lead, Lead Persona." in reminder.body
        assert "Run by" not in ics
