"""One-click RSVP links (rsvp.py, views/rsvp.py): they work without signing in, only a POST (the
page's button) answers, the answer can be changed, and they stop working when tampered with, after
the meeting, or once the person has left the circle or their account is no longer active."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.accounts.models import User
from roundtable.circles.services import circle_remove_member
from roundtable.meetings import services
from roundtable.meetings.models import Rsvp
from roundtable.meetings.rsvp import rsvp_token
from roundtable.meetings.tests.helpers import newcomer
from roundtable.orgs.services import member_update


def _link(meeting, member, response="yes"):
    return reverse(
        "meetings:rsvp", args=[rsvp_token(meeting=meeting, member=member, response=response)]
    )


def test_opening_the_link_only_asks_and_the_button_answers(client, personas, meeting):
    member = personas.members["member"]
    link = _link(meeting, member)
    for method in (client.get, client.head):  # what a link scanner in a mail gateway does
        assert method(link).status_code == 200
    assert not Rsvp.objects.exists()
    page = client.get(link).content.decode()
    assert "Will you be there, Member?" in page
    assert f'<form method="post" action="{link}"' in page
    assert 'name="response" value="yes" class=""' in page  # the link's answer, ready to press
    assert 'name="response" value="no" class="outline"' in page
    answered = client.post(link, {"response": "yes"})
    assert answered.status_code == 200
    assert "See you there, Member!" in answered.content.decode()
    assert Rsvp.objects.get(meeting=meeting, member=member).response == "yes"
    assert "Change to: no, i can&#x27;t make it" in answered.content.decode()
    client.post(link, {"response": "no"})
    assert Rsvp.objects.get(meeting=meeting, member=member).response == "no"


def test_a_link_is_checked_again_when_its_button_is_pressed(client, personas, meeting):
    member = personas.members["member"]
    link = _link(meeting, member)
    assert client.get(link).status_code == 200
    circle_remove_member(circle=personas.circle, member=member)  # left while the page was open
    response = client.post(link, {"response": "yes"})
    assert response.status_code == 410
    assert b"no longer in this circle" in response.content
    assert not Rsvp.objects.exists()


def test_a_reply_that_is_neither_yes_nor_no_changes_nothing(client, personas, meeting):
    member = personas.members["member"]
    response = client.post(_link(meeting, member), {"response": "maybe"})
    assert response.status_code == 400
    assert not Rsvp.objects.exists()


def test_tampered_or_expired_rsvp_links_change_nothing(client, personas, meeting, frozen_clock):
    link = _link(meeting, personas.members["member"])
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 410
    assert b"no longer works" in response.content
    frozen_clock.move_to(meeting.ends_at + dt.timedelta(hours=1))
    response = client.get(link)
    assert response.status_code == 410
    assert b"meeting is over" in response.content
    assert not Rsvp.objects.exists()


def test_a_link_to_a_cancelled_meeting_changes_nothing(client, personas, meeting):
    link = _link(meeting, personas.members["member"])
    services.meeting_cancel(meeting=meeting, reason="Holiday")
    response = client.get(link)
    assert response.status_code == 410
    assert b"was cancelled" in response.content
    assert not Rsvp.objects.exists()


def test_the_link_stops_working_once_the_person_left_the_circle(client, personas, meeting):
    member = personas.members["member"]
    link = _link(meeting, member)
    circle_remove_member(circle=personas.circle, member=member)
    for response in (client.get(link), client.post(link, {"response": "yes"})):
        assert response.status_code == 410
        assert b"no longer in this circle" in response.content
    assert not Rsvp.objects.exists()


def test_the_link_stops_working_for_an_inactive_member(client, personas, meeting):
    member = personas.members["member"]
    link = _link(meeting, member)
    member_update(member=member, is_active=False)
    assert client.get(link).status_code == 410
    assert not Rsvp.objects.exists()


def test_the_link_stops_working_for_a_deactivated_account(client, personas, meeting):
    member = personas.members["member"]
    link = _link(meeting, member)
    User.objects.filter(pk=member.user_id).update(is_active=False)
    assert client.get(link).status_code == 410
    assert not Rsvp.objects.exists()


def test_a_member_of_another_circle_cannot_reply_with_a_forged_pair(client, personas, meeting):
    peer = personas.other_circle.memberships.get().member
    response = client.post(_link(meeting, peer), {"response": "yes"})
    assert response.status_code == 410
    assert not Rsvp.objects.exists()


def test_the_rsvp_page_costs_the_same_queries_however_big_the_circle(client, personas, meeting):
    member = personas.members["member"]
    link = _link(meeting, member)
    client.post(link, {"response": "yes"})  # the first reply creates the row; later ones update it
    with CaptureQueriesContext(connection) as small:
        assert client.post(link, {"response": "yes"}).status_code == 200
    for _ in range(5):
        joined = newcomer(personas.circle)
        services.rsvp_set(meeting=meeting, member=joined, response="yes")
        services.agenda_item_add(meeting=meeting, member=joined, title="More")
    with CaptureQueriesContext(connection) as big:
        assert client.post(link, {"response": "yes"}).status_code == 200
    assert len(big) == len(small)
