"""Feedback on the meeting page and in the API once the circle changes its feedback setting:
what was given anonymously shows no name to anyone, the lead and the author included; what was
given with a name keeps it; the page says which applies, and since when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from roundtable.circles.services import circle_update
from roundtable.testing.api import as_persona

SEES_THE_MEETING = ("admin", "coordinator", "sponsor", "lead", "member")


def _feedback_section(client, meeting):
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    return page.split('id="feedback"')[1].split("</article>")[0]


@pytest.fixture
def after_the_meeting(meeting, frozen_clock):
    frozen_clock.move_to(meeting.ends_at + dt.timedelta(minutes=5))
    return meeting


def test_anonymous_feedback_stays_nameless_after_the_circle_shows_names(
    client, personas, after_the_meeting
):
    meeting = after_the_meeting
    client.force_login(personas.member)
    client.post(
        reverse("meetings:feedback", args=[meeting.pk]), {"rating": "2", "comment": "Rushed"}
    )
    client.force_login(personas.lead)
    edit = client.post(
        reverse("circles:edit", args=[personas.circle.pk]),
        {"name": personas.circle.name, "time_zone": "Europe/London"},  # box unticked: names
    )
    assert edit.status_code == 302
    client.post(
        reverse("meetings:feedback", args=[meeting.pk]), {"rating": "5", "comment": "Great"}
    )

    for name in SEES_THE_MEETING:
        client.force_login(personas.user(name))
        section = _feedback_section(client, meeting)
        assert '“Rushed” — <span class="muted">anonymous</span>' in section, name
        assert "“Great” — Lead Persona" in section, name
        assert "Member Persona" not in section, name
        assert (
            "Feedback here shows your name (since 2 Mar 2027). Feedback given before stays "
            "anonymous." in section
        ), name
        detail = as_persona(personas, name).get(f"/api/meetings/{meeting.pk}").json()
        by_comment = {f["comment"]: f["member_id"] for f in detail["feedback"]}
        assert by_comment == {"Rushed": None, "Great": personas.members["lead"].pk}, name
    client.force_login(personas.member)
    mine = _feedback_section(client, meeting)
    assert "You have given your feedback on this meeting, anonymously." in mine
    assert "Send feedback" not in mine
    client.force_login(personas.outsider)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert as_persona(personas, "outsider").get(f"/api/meetings/{meeting.pk}").status_code == 404


def test_named_feedback_keeps_its_name_after_the_circle_becomes_anonymous(
    client, personas, after_the_meeting
):
    """It was given under a setting that showed the name; hiding it now could not make it
    anonymous (the database holds the name), so the page says so instead."""
    meeting = after_the_meeting
    circle_update(circle=personas.circle, feedback_anonymous=False)
    client.force_login(personas.member)
    client.post(
        reverse("meetings:feedback", args=[meeting.pk]), {"rating": "4", "comment": "Clear"}
    )
    circle_update(circle=personas.circle, feedback_anonymous=True)
    client.force_login(personas.lead)
    client.post(reverse("meetings:feedback", args=[meeting.pk]), {"rating": "3", "comment": "Long"})
    section = _feedback_section(client, meeting)
    assert "“Clear” — Member Persona" in section
    assert '“Long” — <span class="muted">anonymous</span>' in section
    assert "Lead Persona" not in section
    assert (
        "Feedback here is anonymous (since 2 Mar 2027): nobody, the lead included, can see who "
        "gave it. Feedback given before keeps the names it was given with." in section
    )
    for name in ("admin", "coordinator", "sponsor", "lead"):
        detail = as_persona(personas, name).get(f"/api/meetings/{meeting.pk}").json()
        authors = {f["comment"]: f["member_id"] for f in detail["feedback"]}
        assert authors == {"Clear": personas.members["member"].pk, "Long": None}, name
    client.force_login(personas.member)
    mine = _feedback_section(client, meeting)
    assert "Update my feedback" in mine
    assert "shows your name: you gave it before feedback here became anonymous" in mine


def test_the_feedback_form_says_how_feedback_is_given(client, personas, after_the_meeting):
    meeting = after_the_meeting
    client.force_login(personas.member)
    section = _feedback_section(client, meeting)
    assert "Feedback here is anonymous: nobody, the lead included, can see who gave it." in section
    assert "since" not in section  # never changed
    assert "Sent without your name; once sent it can't be changed." in section
    assert "records you as present" not in section
    circle_update(circle=personas.circle, feedback_anonymous=False)
    section = _feedback_section(client, meeting)
    assert "Feedback here shows your name (since 2 Mar 2027)." in section
    assert "Sending feedback records you as present." in section
