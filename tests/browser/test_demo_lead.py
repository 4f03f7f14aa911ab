"""The demo lead signs in, finds their circle from the home page and opens it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from roundtable.circles.models import Circle
from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _login(role_email_prefix: str) -> str:
    return next(email for _, email, _ in DEMO_LOGINS if email.startswith(role_email_prefix))


def _sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_demo_lead_opens_their_circle(live_server, demo, page, artifacts):
    email = _login("lead@")
    circle = Circle.objects.filter(lead__user__email=email).select_related("program").first()
    assert circle is not None

    _sign_in(page, live_server, email, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="My circles").is_visible()
    page.screenshot(path=str(artifacts / "home-lead.png"), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        shutil.copy(artifacts / "home-lead.png", DOCS / "home.png")

    assert page.get_by_role("heading", name="My next meetings").is_visible()
    my_circles = page.locator("section", has=page.get_by_role("heading", name="My circles"))
    my_circles.get_by_role("link", name=circle.name).click()
    page.wait_for_url(f"{live_server.url}/circles/{circle.pk}/")
    assert page.get_by_role("heading", name=circle.name, level=1).is_visible()
    assert page.get_by_text("You lead this circle").is_visible()
    assert page.get_by_role("heading", name="How meetings have gone").is_visible()
    page.screenshot(path=str(artifacts / "circle-lead.png"), full_page=True)

    # The next meeting: add an agenda item inline (htmx) and see it appear.
    page.get_by_role("heading", name="Rhythm").locator("..").get_by_role("link").nth(1).click()
    page.get_by_label("Add an agenda item").fill("Spare parts on every van")
    page.get_by_role("button", name="Add to agenda").click()
    page.get_by_text("Spare parts on every van").wait_for()

    # Attendance is marked inline too: the row changes and the page stays where it was. Before
    # the meeting starts only "Excused" is offered (whether someone came is known afterwards).
    address = page.url
    first = page.locator("#attendance tbody tr").first
    expect(first.get_by_role("button", name="Present")).to_have_count(0)
    first.get_by_role("button", name="Excused").click()
    expect(first.get_by_role("button", name="Excused")).to_have_attribute("aria-pressed", "true")
    expect(first.locator("td").nth(2)).to_have_text("Excused")
    assert page.url == address
    page.screenshot(path=str(artifacts / "meeting-lead.png"), full_page=True)


def test_wrong_password_shows_a_clear_error(live_server, page, artifacts, personas):
    # The personas are enough: a wrong password needs an account, not the whole demo.
    _sign_in(page, live_server, personas.lead.email, "not-the-password")
    assert page.get_by_text("Please enter a correct email address and password").is_visible()
    page.screenshot(path=str(artifacts / "login-error.png"))
