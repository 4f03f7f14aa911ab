"""A coordinator forms circles for the demo's training program: criteria, proposal with its
balance chart, a move and a pin by htmx, then publish with the moves confirmed."""

from __future__ import annotations

import pytest

from roundtable.circles.forming.pairs import pair_rule_add
from roundtable.circles.models import CircleMembership, FormationRun
from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD
from roundtable.programs.models import Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_forms_and_publishes_circles(live_server, demo, page, artifacts):
    email = next(e for _, e, _ in DEMO_LOGINS if e.startswith("coordinator@"))
    program = Program.objects.filter(coordinators__user__email=email).order_by("pk").first()
    assert program is not None
    waiting = program.enrolments.filter(withdrawn_on__isnull=True).exclude(
        member__circle_memberships__circle__program=program,
        member__circle_memberships__left_on__isnull=True,
    )
    assert waiting.exists()  # the demo has newcomers waiting for a circle
    # Two people who share a circle today must now be kept apart: re-balancing has to move one
    # of them (so the moves need confirming), and moving one back beside the other breaks a rule.
    shared = CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
    first = shared.first()
    assert first is not None
    second = shared.filter(circle=first.circle).exclude(member=first.member).first()
    assert second is not None
    pair_rule_add(program=program, first=first.member, second=second.member, kind="apart")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/programs/{program.pk}/")
    page.get_by_role("button", name="Form circles").click()
    page.get_by_role("heading", name="Mix on").wait_for()
    page.get_by_label("Department").fill("2")
    page.get_by_label("Re-balance the current circles too").check()
    page.get_by_role("button", name="Propose circles").click()

    page.get_by_role("heading", name="Balance across circles").wait_for()
    # The chart's box shows once charts.js has drawn it (Chart.js loads after the page).
    page.get_by_role("img", name="Balance per criterion").wait_for(state="visible")
    assert page.get_by_text("Why this mix:").first.is_visible()
    page.screenshot(path=str(artifacts / "formation-proposal.png"), full_page=True)

    run = FormationRun.objects.get(program=program, status="ready")
    assert not run.proposal["issues"]
    person, partner = str(first.member_id), str(second.member_id)
    home, away = run.assignment[person], run.assignment[partner]
    assert home != away  # the engine kept them apart
    # Moving the person beside their partner breaks the rule: it is shown, and can be undone.
    page.locator("#move-member").select_option(person)
    page.locator("#move-circle").select_option(away)
    page.get_by_role("button", name="Move", exact=True).click()
    page.get_by_text("Fix these before publishing").wait_for()
    run.refresh_from_db()
    assert run.assignment[person] == away
    page.locator("#move-member").select_option(person)
    page.locator("#move-circle").select_option(home)
    page.get_by_role("button", name="Move", exact=True).click()
    page.get_by_text("Fix these before publishing").wait_for(state="detached")
    run.refresh_from_db()
    assert run.assignment[person] == home

    pin = page.locator(f"#circle-{home} button[aria-pressed]").first
    pin.click()
    page.locator(f"#circle-{home} button[aria-pressed=true]").first.wait_for()
    run.refresh_from_db()
    assert run.pinned

    page.get_by_label("I confirm these moves").check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published").first.wait_for()
    page.screenshot(path=str(artifacts / "formation-published.png"), full_page=True)
    run.refresh_from_db()
    assert run.status == "published"
    placed = CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
    assert placed.count() == program.enrolments.filter(withdrawn_on__isnull=True).count()
