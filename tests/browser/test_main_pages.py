"""Every main page for every demo persona: it fits a 390 px phone (no sideways scrolling) and
axe-core finds no WCAG 2.1 A/AA or best-practice violation. Each page's screenshot at 1280 and
390 px lands in artifacts/, as the coordinator sees it."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    AXE,
    DESKTOP,
    PHONE,
    axe_violations,
    main_pages,
    markup_fingerprint,
    overflow,
    persona_emails,
    session_cookie,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots come from the first persona, the coordinator, who sees the most of every page.
PERSONAS = ["coordinator", "lead", "admin", "sponsor", "member"]


def _controls_cut_off(page) -> int:
    """Buttons in a table that one must scroll sideways to reach (e.g. marking attendance)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap button')].filter(b => {
             const box = b.getBoundingClientRect(), wrap = b.closest('.table-wrap');
             return box.right > wrap.getBoundingClientRect().right + 1;
           }).length"""
    )


def test_every_main_page_fits_a_phone_and_passes_axe(live_server, demo, browser, artifacts):
    emails = persona_emails()
    problems: list[str] = []
    seen: set[str] = set()
    checked: set[str] = set()
    for persona in PERSONAS:
        # axe-core is injected as an inline script, which our CSP rightly refuses.
        context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
        context.add_init_script(path=str(AXE))  # loaded with every page, no round trip
        context.add_cookies([session_cookie(live_server.url, emails[persona])])
        page = context.new_page()
        page.set_default_timeout(15_000)
        for name, path in main_pages(persona).items():
            page.set_viewport_size(DESKTOP)
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == 200, f"{persona} cannot open {name} ({path})"
            # Markup that another persona's axe run already checked gets the same result.
            fingerprint = markup_fingerprint(page)
            if fingerprint not in checked:
                checked.add(fingerprint)
                problems += [f"{persona} {name}: {v}" for v in axe_violations(page)]
            if name not in seen:
                page.screenshot(path=str(artifacts / f"{name}-1280.png"), full_page=True)
            page.set_viewport_size(PHONE)
            if (extra := overflow(page)) > 0:
                problems.append(f"{persona} {name}: {extra} px wider than a 390 px phone")
            if (cut := _controls_cut_off(page)) > 0:
                problems.append(f"{persona} {name}: {cut} buttons cut off at 390 px")
            if name not in seen:
                page.screenshot(path=str(artifacts / f"{name}-390.png"), full_page=True)
            seen.add(name)
        context.close()
    assert len(seen) == 23
    assert len(checked) > 23  # personas see different pages: more than one run per page
    assert not problems, "\n".join(problems)
