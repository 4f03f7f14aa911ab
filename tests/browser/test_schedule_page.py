"""The schedule page in the browser, at desktop and phone widths: a suggested time is used with
one click, the change is previewed (what moves, what each meeting holds) and applied on
confirmation; screenshots in artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from roundtable.meetings import services
from roundtable.orgs.services import member_set_availability
from roundtable.testing.personas import PASSWORD
from tests.browser.pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_lead_uses_a_suggested_time_previews_and_applies(live_server, page, artifacts, personas,
                                                         width):  # fmt: skip
    circle, lead = personas.circle, personas.members["lead"]
    for member in (lead, personas.members["member"]):
        member_set_availability(member=member, slots=[(3, dt.time(10), dt.time(12))])
    services.schedule_set(
        circle=circle, frequency="weekly", weekday=1, start_time=dt.time(9),
        starts_on=timezone.localdate(),
    )  # fmt: skip
    first = circle.meetings.earliest("starts_at")
    services.agenda_item_add(meeting=first, member=lead, title="Budget review")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, personas.lead.email, PASSWORD)
    page.goto(f"{live_server.url}/circles/{circle.pk}/schedule/")
    page.get_by_role("button", name="Use Thursday 10:00").click()
    assert page.get_by_label("Weekday").input_value() == "3"
    assert page.locator("#id_start_time").input_value() == "10:00"
    page.screenshot(path=str(artifacts / f"schedule-filled-{width}.png"), full_page=True)
    page.get_by_role("button", name="Save schedule").click()
    page.get_by_role("heading", name="What this change does").wait_for()
    assert page.get_by_text("Holds: 1 agenda item").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / f"schedule-preview-{width}.png"), full_page=True)
    first.refresh_from_db()
    assert first.starts_at.weekday() == 1  # nothing changed before the confirmation
    page.get_by_role("button", name="Apply this change").click()
    page.wait_for_url(re.compile(rf"/circles/{circle.pk}/(#.*)?$"))
    page.get_by_text("Schedule saved").wait_for()
    page.screenshot(path=str(artifacts / f"schedule-applied-{width}.png"), full_page=True)
    first.refresh_from_db()
    assert (first.starts_at.weekday(), first.sequence) == (3, 1)
    assert first.agenda_items.get().title == "Budget review"
