"""The proposal editor of issue 17 in the browser: a new program of 19, the shared slot
unticked, Sam Okoro moved to Circle 1 and pinned, then "Form the rest again": four distinct
circles, Sam still in Circle 1, the Checks and Publish agreeing; then the circles are found
by search and shown as compact rows."""

from __future__ import annotations

import pytest

from roundtable.circles.forming.tests.conftest import newcomers_enrol
from roundtable.circles.models import CircleMembership, FormationRun
from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD
from roundtable.orgs.models import Member
from roundtable.testing.factories import ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pin_a_moved_person_and_form_the_rest_again(live_server, demo, page, artifacts):
    email = next(e for _, e, _ in DEMO_LOGINS if e.startswith("coordinator@"))
    coordinator = Member.objects.get(user__email=email)
    program = ProgramFactory.create(
        organization=coordinator.organization, name="Onboarding buddies", sponsor=coordinator
    )
    program.coordinators.add(coordinator)
    people = newcomers_enrol(program, 19)
    sam = people[7]
    sam.user.full_name = "Sam Okoro"
    sam.user.save()
    people[2].manager = people[3]
    people[2].save()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/programs/{program.pk}/")
    page.get_by_role("button", name="Form circles").click()
    page.get_by_label("Everyone in a circle shares a weekly slot").uncheck()
    page.get_by_role("button", name="Propose circles").click()
    page.get_by_role("heading", name="Balance across circles").wait_for()

    run = FormationRun.objects.get(program=program, status="ready")
    first = run.proposal["circles"][0]
    assert first["name"] == "Circle 1"
    if run.assignment[str(sam.pk)] == first["key"]:  # the engine put him there: move him out
        page.locator("#move-member").select_option(label="Sam Okoro")
        page.locator("#move-circle").select_option(label="Circle 2")
        page.get_by_role("button", name="Move", exact=True).click()
        page.locator("#circle-new-2").get_by_role("button", name="Pin Sam Okoro").wait_for()
    page.locator("#move-member").select_option(label="Sam Okoro")
    page.locator("#move-circle").select_option(label="Circle 1")
    page.get_by_role("button", name="Move", exact=True).click()
    pin = page.locator("#circle-new-1").get_by_role("button", name="Pin Sam Okoro")
    pin.click()
    page.locator("#circle-new-1 button[aria-pressed=true]").wait_for()
    page.get_by_role("button", name="Form the rest again").click()
    page.get_by_role("heading", name="Balance across circles").wait_for()

    cards = page.locator("article.proposed-circle")
    ids = cards.evaluate_all("cards => cards.map(card => card.id)")
    assert sorted(ids) == ["circle-new-1", "circle-new-2", "circle-new-3", "circle-new-4"]
    titles = page.locator("article.proposed-circle h3").all_inner_texts()
    names = sorted(" ".join(title.split(" ")[:2]) for title in titles)
    assert names == ["Circle 1", "Circle 2", "Circle 3", "Circle 4"]
    options = page.locator("#move-circle option").all_inner_texts()
    assert sorted(options) == ["Circle 1", "Circle 2", "Circle 3", "Circle 4"]
    held = page.locator("#circle-new-1").get_by_role("button", name="Pin Sam Okoro")
    assert held.get_attribute("aria-pressed") == "true"
    assert "4 circles of 4–6: all within" in page.locator("ul.checks").inner_text()
    assert page.locator("#formation-problems").count() == 0
    page.screenshot(path=str(artifacts / "formation-editor-rerun.png"), full_page=True)

    # Find him, then look at the circles as compact rows.
    page.get_by_role("searchbox").fill("okoro")
    page.get_by_role("button", name="Find").click()
    page.locator("#circle-new-1.found mark", has_text="Sam Okoro").wait_for()
    page.get_by_role("button", name="Compact").click()
    row = page.locator("tr#circle-new-1")
    row.wait_for()
    assert row.get_by_role("button", name="Pin Sam Okoro").get_attribute("aria-pressed") == "true"
    assert "view=compact" in page.url
    assert "q=okoro" in page.url

    page.get_by_role("button", name="Publish 4 circles").click()
    page.get_by_text("Published 4 circles.").wait_for()
    placed = CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
    assert placed.count() == 19
    assert placed.get(member=sam).circle.name == "Circle 1"
