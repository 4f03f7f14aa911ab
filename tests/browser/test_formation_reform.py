"""A "form the rest again" that cannot be formed, in the browser: the coordinator pins a report
beside their manager, forms the rest again, and finds their circles as they were with the
people and rules in conflict and the ways out above them (axe finds nothing, on a phone too,
in cards and compact rows); choosing "let them change circle" forms the rest again."""

from __future__ import annotations

import re

import pytest

from roundtable.circles.forming.tests.conftest import newcomers_enrol
from roundtable.circles.models import FormationRun
from roundtable.demo.organisation import DEMO_LOGINS
from roundtable.orgs.models import Member
from roundtable.testing.factories import ProgramFactory
from tests.browser.pages import AXE, DESKTOP, PHONE, axe_violations, overflow, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failed_reform_keeps_the_circles_and_offers_ways_out(
    live_server, demo, browser, artifacts
):
    email = next(e for _, e, _ in DEMO_LOGINS if e.startswith("coordinator@"))
    coordinator = Member.objects.get(user__email=email)
    program = ProgramFactory.create(
        organization=coordinator.organization, name="Onboarding buddies", sponsor=coordinator
    )
    program.coordinators.add(coordinator)
    people = newcomers_enrol(program, 19)
    boss, report = people[0], people[1]
    report.manager = boss
    report.save()
    boss.user.full_name, report.user.full_name = "Ada Boss", "Rui Report"
    boss.user.save()
    report.user.save()

    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    context.add_init_script(path=str(AXE))
    context.add_cookies([session_cookie(live_server.url, email)])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/programs/{program.pk}/")
    page.get_by_role("button", name="Form circles").click()
    page.get_by_label("Everyone in a circle shares a weekly slot").uncheck()
    page.get_by_role("button", name="Propose circles").click()
    page.get_by_role("heading", name="Balance across circles").wait_for()

    run = FormationRun.objects.get(program=program, status="ready")
    names = {c["key"]: c["name"] for c in run.proposal["circles"]}
    beside = names[run.assignment[str(boss.pk)]]
    page.locator("#move-member").select_option(label="Rui Report")
    page.locator("#move-circle").select_option(label=beside)
    page.get_by_role("button", name="Move", exact=True).click()
    circle = f"#circle-{run.assignment[str(boss.pk)]}"
    page.locator(f"{circle} #pin-{report.pk}").wait_for()
    for who in (boss, report):
        page.locator(f"#pin-{who.pk}").click()
        page.locator(f"#pin-{who.pk}[aria-pressed=true]").wait_for()
    run.refresh_from_db()
    before = (dict(run.assignment), sorted(run.pinned))
    assert sorted(run.pinned) == sorted([boss.pk, report.pk])

    page.get_by_role("button", name="Form the rest again").click()
    page.get_by_role(
        "heading", name="Forming the rest again did not work; your circles are as they were."
    ).wait_for()
    alert = page.locator(".alert-error").first.inner_text()
    assert "Rules in conflict: pinned people stay where they are" in alert
    assert "Ada Boss" in alert
    assert "Rui Report" in alert
    run.refresh_from_db()
    assert (dict(run.assignment), sorted(run.pinned)) == before
    for who in (boss, report):
        assert page.locator(f"#pin-{who.pk}").get_attribute("aria-pressed") == "true"
    problems = [f"cards 1280: {v}" for v in axe_violations(page)]
    page.screenshot(path=str(artifacts / "formation-reform-failed-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert overflow(page) == 0
    page.screenshot(path=str(artifacts / "formation-reform-failed-390.png"), full_page=True)
    page.get_by_role("button", name="Compact").click()
    page.locator("table.proposal-compact").wait_for()
    assert page.locator(f"#pin-{report.pk}").get_attribute("aria-pressed") == "true"
    assert overflow(page) == 0
    problems += [f"compact 390: {v}" for v in axe_violations(page)]
    assert problems == []

    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name=re.compile(r"^Let .* change circle$")).click()
    page.get_by_role("heading", name="Balance across circles").wait_for()
    assert page.locator("#infeasible-title").count() == 0
    assert "all within" in page.locator("ul.checks").inner_text()
    run.refresh_from_db()
    assert run.pinned == []
    assert run.assignment[str(boss.pk)] != run.assignment[str(report.pk)]
    context.close()
