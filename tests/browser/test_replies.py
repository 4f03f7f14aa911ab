"""Replies in a browser (issue 11, item 6): a member answers on the meeting page itself, and an
emailed one-click link only shows the question until the button is pressed, so a link scanner
that follows it answers for nobody; a link for someone who left the circle is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.circles.services import circle_remove_member
from roundtable.meetings import services
from roundtable.meetings.models import Rsvp
from roundtable.meetings.rsvp import rsvp_token
from tests.browser.pages import PHONE, overflow, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def next_meeting(personas):
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=(timezone.localdate() + dt.timedelta(days=3)).weekday(),
        start_time=dt.time(9),
        starts_on=timezone.localdate(),
    )
    return personas.circle.meetings.filter(starts_at__gt=timezone.now()).earliest("starts_at")


def test_a_member_replies_on_the_meeting_page(live_server, browser, personas, next_meeting):
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([session_cookie(live_server.url, personas.member.email)])
    page = context.new_page()
    page.goto(f"{live_server.url}/meetings/{next_meeting.pk}/")
    page.get_by_role("heading", name="Will you be there?").wait_for()
    page.locator('#reply button[value="yes"]').click()
    expect(page.locator('#reply button[value="yes"]')).to_have_attribute("aria-pressed", "true")
    assert Rsvp.objects.get(meeting=next_meeting, member=personas.members["member"]).response == (
        "yes"
    )
    assert overflow(page) <= 0
    context.close()


def test_an_emailed_link_answers_only_when_its_button_is_pressed(
    live_server, browser, personas, next_meeting, artifacts
):
    member = personas.members["member"]
    link = (
        f"{live_server.url}/rsvp/{rsvp_token(meeting=next_meeting, member=member, response='no')}/"
    )
    for width, viewport in (("390", PHONE), ("1280", {"width": 1280, "height": 900})):
        context = browser.new_context(viewport=viewport)  # not signed in, as from an email
        page = context.new_page()
        page.goto(link)  # what a link scanner does: nothing is recorded
        page.get_by_role("heading", name="Will you be there").wait_for()
        assert not Rsvp.objects.filter(meeting=next_meeting, member=member).exists()
        assert overflow(page) <= 0
        page.screenshot(path=str(artifacts / f"rsvp-link-{width}.png"), full_page=True)
        context.close()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(link)
    page.locator('button[value="no"]').click()
    page.get_by_role("heading", name="Thanks for letting the circle know").wait_for()
    assert Rsvp.objects.get(meeting=next_meeting, member=member).response == "no"
    page.screenshot(path=str(artifacts / "rsvp-answered-390.png"), full_page=True)

    circle_remove_member(circle=personas.circle, member=member)
    page.goto(link)
    page.get_by_role("heading", name="This link no longer works").wait_for()
    context.close()
