"""Insights in a browser, on a desktop and on a phone: the demo coordinator's home page shows
Dynamo at risk with its reason and since when (its last three meetings lost to the winter
call-out peak); she opens the program's dashboard from the program's summary, sorts the circles
by attendance (lowest first, said by aria-sort), clicks through to Dynamo's health page, whose
charts are drawn, and (on the desktop: the file is the same at any width) downloads the
program report as a PDF.

Screenshots land in artifacts/ and /tmp/shots/ (iflow-<step>-<width>), each checked to be no
wider than the viewport; axe-core finds nothing on the home page and the dashboard."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roundtable.circles.models import Circle
from roundtable.demo.insights_health import AT_RISK_CIRCLE
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    Flow,
    axe_violations,
    persona_emails,
    session_cookie,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A drawn canvas has painted pixels; charts.js shows the chart's box only once it drew it.
CANVASES_DRAWN = """() => {
  const canvases = [...document.querySelectorAll(".chart-box:not([hidden]) canvas")];
  return canvases.length >= 2 && canvases.every(canvas => {
    const { width, height } = canvas;
    if (!width || !height) return false;
    const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) return true;
    return false;
  });
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_coordinator_home_dashboard_health_and_report(
    live_server, demo, browser, artifacts, viewport
):
    dynamo = Circle.objects.select_related("program").get(name=AT_RISK_CIRCLE)
    program = dynamo.program
    url = live_server.url
    flow = Flow(browser, url, viewport, artifacts, prefix="iflow", locale="en-GB")
    try:
        # 1. Home: Dynamo among the circles at risk, with why and since when.
        page = flow.as_(persona_emails()["coordinator"])
        page.goto(url + reverse("home:home"))
        at_risk = page.locator("#at-risk")
        dynamo_item = at_risk.locator("li.risk-item", has_text=AT_RISK_CIRCLE)
        expect(dynamo_item).to_contain_text("Meetings missed")
        expect(dynamo_item).to_contain_text(
            "Its last 3 meetings did not take place with anyone there: 2 cancelled and 1 with "
            "nobody marked present."
        )
        expect(dynamo_item.locator("time").first).to_have_attribute(
            "datetime", re.compile(r"\d{4}-\d{2}-\d{2}")
        )
        flow.shot(page, "home")

        # 2. The dashboard from the program's summary: the circles at risk come first.
        page.get_by_role("link", name=f"Open the dashboard of {program.name}").click()
        expect(page).to_have_url(url + reverse("insights:program_dashboard", args=[program.pk]))
        rows = page.locator(".dashboard-table tbody tr")
        expect(rows.first.locator("th")).to_contain_text(AT_RISK_CIRCLE)
        expect(page.locator("#at-risk")).to_contain_text("Meetings missed")
        flow.shot(page, "dashboard")

        # 3. Sorted by attendance, lowest first.
        page.locator("thead").get_by_role("link", name="Attendance", exact=True).click()
        expect(page).to_have_url(re.compile(r"\?sort=attendance$"))
        expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Attendance")
        cells = page.locator(".dashboard-table tbody tr td:nth-of-type(4)").all_inner_texts()
        figures = [int(text.rstrip("%")) for text in cells if text.endswith("%")]
        assert len(figures) == rows.count()
        assert figures == sorted(figures)
        flow.shot(page, "sorted")

        # 4. One click to Dynamo's health page, its charts drawn.
        page.locator(".dashboard-table tbody").get_by_role(
            "link", name=AT_RISK_CIRCLE, exact=True
        ).click()
        expect(page).to_have_url(url + reverse("insights:circle_health", args=[dynamo.pk]))
        page.wait_for_function(CANVASES_DRAWN)
        flow.shot(page, "health")

        # 5. The program report, as a PDF (desktop only: the same file at any width).
        if viewport == DESKTOP:
            page.go_back()
            with page.expect_download() as download:
                page.get_by_role("button", name="Program report (PDF)").click()
            path = download.value.path()
            with open(path, "rb") as pdf:
                assert pdf.read(5) == b"%PDF-"
            assert download.value.suggested_filename.endswith(".pdf")
        # 6. axe-core on the two pages this part made (its script needs the CSP set aside).
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        context.add_cookies([session_cookie(url, persona_emails()["coordinator"])])
        checker = context.new_page()
        for path in (
            reverse("home:home"),
            reverse("insights:program_dashboard", args=[program.pk]),
        ):
            checker.goto(url + path)
            assert axe_violations(checker) == [], path
        context.close()
    finally:
        flow.close()
