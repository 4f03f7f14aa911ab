"""The site's own error pages, in the base layout: a page someone may not see answers with the
404 page with DEBUG on (the demo, `make run`) as off (production), and a failure with the 500
page. Both fit a phone and pass axe-core; screenshots land in artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.testing.personas import PASSWORD, personas_create
from tests.browser.pages import DESKTOP, PHONE, axe_violations, overflow


def _look(page, artifacts, name: str) -> None:
    """The page is in the site's layout, passes axe, fits a phone; screenshots at both widths."""
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.get_by_role("contentinfo").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert overflow(page) <= 0
    page.screenshot(path=str(artifacts / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["demo-debug-on", "production"])
def test_a_page_one_may_not_see_is_the_sites_404(debug, settings):
    settings.DEBUG = debug
    personas = personas_create()
    client = Client()
    client.force_login(personas.outsider)
    response = client.get(reverse("circles:detail", args=[personas.circle.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'aria-label="Main"' in html  # the base layout, with the signed-in navigation
    assert personas.circle.name not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_error_pages_in_the_browser(live_server, browser, artifacts, settings, monkeypatch):
    settings.DEBUG = True  # as `make run` serves the demo
    personas = personas_create()
    # axe-core is injected as an inline script, which our CSP rightly refuses.
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(personas.outsider.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    response = page.goto(f"{live_server.url}/circles/{personas.circle.pk}/")
    assert response is not None
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found", level=1).is_visible()
    assert page.get_by_role("link", name="Back to your home page").is_visible()
    _look(page, artifacts, "error-404")

    settings.DEBUG = False  # a failure shows the 500 page in production

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("roundtable.home.views.home_summary", broken)
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.status == 500
    assert page.get_by_role("heading", name="Something went wrong", level=1).is_visible()
    assert "database went away" not in page.content()
    _look(page, artifacts, "error-500")
    context.close()
