"""Keyboard and screen-reader use beyond what axe-core checks (tests/browser/test_main_pages.py
runs axe on every page): focus comes back to the control used after each htmx update and the
live region says what happened; focus rings and chart marks have 3:1 contrast (WCAG 1.4.11);
Pin buttons say whom they pin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from roundtable.orgs.models import Member
from tests.browser.pages import DESKTOP, main_pages, persona_emails, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The colour of every mark of a chart (static/js/charts.js), once Chart.js has drawn it: a bar's
# fill, or its border when it is hollow; as rgb().
CHART_MARKS = """figure => {
  const chart = Chart.getChart(document.querySelector(`#${figure} canvas`));
  const rgb = (c) => {
    if (!c.startsWith("#")) return c;
    const n = parseInt(c.slice(1), 16);
    return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
  };
  return chart.data.datasets.flatMap((d) => chart.data.labels.map((_, i) => {
    const pick = (v) => (Array.isArray(v) ? v[i] : v);
    const fill = pick(d.backgroundColor);
    const hollow = /rgba\\(.*, 0\\)$|transparent/.test(fill);
    return {mark: d.label, color: rgb(hollow ? pick(d.borderColor) : fill)};
  }));
}"""
DRAWN = "figure => window.Chart && Chart.getChart(document.querySelector(`#${figure} canvas`))"


def _chart_marks(page, figure: str) -> list[dict[str, str]]:
    page.wait_for_function(DRAWN, arg=figure)
    return page.evaluate(CHART_MARKS, figure)


def _luminance(color: str) -> float:
    red, green, blue = (int(c) / 255 for c in re.findall(r"\d+", color)[:3])
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast_with_white(color: str) -> float:
    return 1.05 / (_luminance(color) + 0.05)


def test_keyboard_users_keep_their_place_and_hear_what_changed(live_server, demo, browser):
    emails = persona_emails()

    lead = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(lead, live_server.url, emails["lead"])
    pages = main_pages("lead")

    # A focus ring: solid, at least 2 px, 3:1 against the white page.
    lead.goto(f"{live_server.url}{pages['home']}")
    lead.keyboard.press("Tab")  # the skip link
    lead.keyboard.press("Tab")  # the brand link
    ring = lead.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth),"
        " color: s.outlineColor}; }"
    )
    assert ring["style"] == "solid"
    assert ring["width"] >= 2
    assert _contrast_with_white(ring["color"]) >= 3

    # The circle's trend bars: 3:1 against white (the member's page below, as coordinator).
    lead.goto(f"{live_server.url}{pages['circle']}")
    marks = _chart_marks(lead, "chart-meeting-trend")
    assert len(marks) > 5
    assert not [m for m in marks if _contrast_with_white(m["color"]) < 3]

    # Adding an agenda item by keyboard: focus stays on the form, the result is announced.
    lead.goto(f"{live_server.url}{pages['meeting']}")
    field = lead.get_by_label("Add an agenda item")
    field.fill("Torque settings for the new pumps")
    lead.get_by_role("button", name="Add to agenda").focus()
    lead.keyboard.press("Enter")
    lead.get_by_text("Torque settings for the new pumps").wait_for()
    expect(lead.locator(":focus")).to_have_text("Add to agenda")
    expect(lead.locator("#announcer")).to_have_text("Added to the agenda.")

    member = Member.objects.get(user__email=emails["member"])
    coordinator = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(coordinator, live_server.url, emails["coordinator"])
    # Searching the people directory: the search field keeps focus, the count is read out.
    coordinator.goto(f"{live_server.url}{main_pages('coordinator')['people']}")
    search = coordinator.get_by_role("searchbox", name="Search")
    search.fill(member.name)
    expect(coordinator.locator("#announcer")).to_have_text(re.compile(r"^1 person match\.$"))
    expect(search).to_be_focused()

    coordinator.goto(f"{live_server.url}{main_pages('coordinator')['member']}")
    marks = _chart_marks(coordinator, "chart-attendance-trend")
    assert len(marks) > 5
    assert not [m for m in marks if _contrast_with_white(m["color"]) < 3]

    coordinator.goto(f"{live_server.url}{main_pages('coordinator')['formation-proposal']}")
    # The balance chart's bars: 3:1 against white.
    marks = _chart_marks(coordinator, "chart-formation-balance")
    assert {m["mark"] for m in marks} == {
        "Means differ (SD)",
        "Spreads differ (SD)",
        "Typical circle off the program mean (SD)",
    }
    assert not [m for m in marks if _contrast_with_white(m["color"]) < 3]

    # Each Pin button names its person; pinning by keyboard keeps focus on that button.
    pin = coordinator.get_by_role("button", name=f"Pin {member.name}", exact=True)
    expect(pin).to_have_attribute("aria-pressed", "false")
    pin.focus()
    coordinator.keyboard.press("Enter")
    expect(pin).to_have_attribute("aria-pressed", "true")
    expect(coordinator.locator(":focus")).to_have_id(f"pin-{member.pk}")
    expect(coordinator.locator("#announcer")).to_contain_text(f"{member.name} pinned to")

    # Moving someone by keyboard: focus back on Move, the update announced.
    coordinator.locator("#move-member").select_option(str(member.pk))
    coordinator.locator("#move-circle").select_option(index=1)
    coordinator.locator("#move-submit").focus()
    # Wait for the move's answer: the test ends (and the database is emptied) only after it.
    with coordinator.expect_response(lambda r: "/move" in r.url and r.request.method == "POST"):
        coordinator.keyboard.press("Enter")
    expect(coordinator.locator(":focus")).to_have_id("move-submit")
    expect(coordinator.locator("#announcer")).to_have_text(re.compile(r"\w"))
    # No request of either page may still be running when the test database is emptied.
    coordinator.wait_for_load_state("networkidle")
    coordinator.context.close()
    lead.context.close()
