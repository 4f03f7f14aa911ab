"""Commitments end to end in a browser, on a desktop and on a phone, in the demo's Anvil circle:
the lead asks a member; the member answers with a date, then moves it with a reason; the nudge
email's "new date" link opens without signing in, shows the commitment and acts only on POST;
the lead escalates an overdue commitment, the owner sees the documentation first and adds their
side; the sponsor resolves an escalation whose owner's period has passed.

The live server's clock cannot be moved, so what needs the past (a commitment overdue for more
than the program's days, an escalation raised before the owner's period) is written through the
services with their `now`. Screenshots land in artifacts/ and /tmp/shots/ (cflow-<step>-<width>)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment, DateChange, Escalation
from roundtable.commitments.services import commitments as services
from roundtable.commitments.services.escalations import escalation_owner_side, escalation_raise
from roundtable.commitments.services.nudge_emails import _item
from roundtable.orgs.models import Member
from tests.browser.pages import DESKTOP, PHONE, Flow, persona_emails

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Check the pressure relief valves on the Vireo 24 installs"
MOVE_REASON = "The valve supplier's data sheet arrives next week; I need it to check the batch."
NUDGE_REASON = "Two of the installs are in the recall area, so I visit them with the recall."


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_ask_date_move_nudge_escalate_resolve(live_server, demo, browser, artifacts, viewport):
    emails = persona_emails()
    circle = Circle.objects.select_related("program__sponsor__user").get(
        lead__user__email=emails["lead"]
    )
    lead = Member.objects.get(user__email=emails["lead"])
    owner = Member.objects.get(user__email=emails["member"])
    peer = (
        Member.objects.filter(
            circle_memberships__circle=circle, circle_memberships__left_on__isnull=True
        )
        .exclude(pk__in=[lead.pk, owner.pk])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert peer is not None
    sponsor = circle.program.sponsor
    assert sponsor is not None
    today = timezone.localdate()
    url = live_server.url
    flow = Flow(browser, url, viewport, artifacts, prefix="cflow", settle="networkidle")
    try:
        # The lead asks the member: no date, the owner chooses it.
        lead_page = flow.as_(emails["lead"])
        lead_page.goto(url + reverse("commitments:create", args=[circle.pk]))
        lead_page.get_by_label("Who").select_option(str(owner.pk))
        lead_page.get_by_label("What").fill(TITLE)
        lead_page.get_by_role("button", name="Save").click()
        expect(lead_page.get_by_role("heading", level=1)).to_contain_text(TITLE)
        commitment = Commitment.objects.get(title=TITLE)
        assert commitment.status == Commitment.Status.REQUESTED
        assert commitment.asked_by == lead
        flow.shot(lead_page, "ask")

        # The member answers with a date.
        page = flow.as_(emails["member"])
        detail = url + reverse("commitments:detail", args=[commitment.pk])
        page.goto(detail)
        page.locator("#answer").get_by_label("By when").fill(str(today + dt.timedelta(days=10)))
        page.get_by_role("button", name="Commit to this date").click()
        expect(page.locator(".commitment-state")).to_contain_text("Due")
        commitment.refresh_from_db()
        assert commitment.status == Commitment.Status.OPEN
        flow.shot(page, "date")

        # The member moves it, with a reason.
        page.locator("a", has_text="Move the date").click()
        page.get_by_label("By when").fill(str(today + dt.timedelta(days=14)))
        page.get_by_label("Why").fill(MOVE_REASON)
        page.get_by_role("button", name="Move the date").click()
        expect(page.get_by_text(MOVE_REASON).first).to_be_visible()
        moved = DateChange.objects.get(commitment=commitment, from_due_at__isnull=False)
        assert moved.reason == MOVE_REASON
        flow.shot(page, "move")

        # The nudge email's "new date" link: no sign-in; the page shows, only its POST acts.
        link = _item(commitment, owner).move_url
        anonymous = flow.as_("")
        anonymous.goto(url + urlsplit(link).path)
        expect(anonymous.get_by_role("heading", level=1)).to_have_text("When can you have it done?")
        expect(anonymous.get_by_text(TITLE)).to_be_visible()
        assert commitment.date_changes.count() == 2  # opening it changed nothing
        flow.shot(anonymous, "nudge")
        anonymous.get_by_label("By when").fill(str(today + dt.timedelta(days=16)))
        anonymous.get_by_label("Why").fill(NUDGE_REASON)
        anonymous.get_by_role("button", name="Save the new date").click()
        expect(anonymous.get_by_role("heading", level=1)).to_have_text("New date saved")
        latest = commitment.date_changes.last()
        assert latest is not None
        assert latest.reason == NUDGE_REASON
        flow.shot(anonymous, "nudge-saved")

        # Overdue past the program's days (written in the past: the clock cannot move).
        past = timezone.now() - dt.timedelta(days=20)
        overdue = services.commitment_ask(
            circle=circle,
            asked_by=lead,
            owner=owner,
            title="Send the recall list to the depot",
            now=past,
        )
        services.commitment_answer(
            commitment=overdue,
            member=owner,
            due_on=today - dt.timedelta(days=10),
            now=past + dt.timedelta(days=1),
        )

        # The lead escalates it.
        lead_page.goto(url + reverse("commitments:detail", args=[overdue.pk]))
        expect(lead_page.locator(".badge-overdue")).to_be_visible()
        lead_page.locator("a", has_text="Escalate to the sponsor").click()
        lead_page.get_by_label("Why you are escalating it").fill(
            "Ten days overdue and the depot needs the list before the recall starts."
        )
        flow.shot(lead_page, "escalate-form")
        lead_page.get_by_role("button", name="Escalate").click()
        escalation = Escalation.objects.get(commitment=overdue)
        expect(lead_page).to_have_url(
            url + reverse("commitments:escalation_detail", args=[escalation.pk])
        )

        # The owner sees the documentation first and adds their side.
        page.goto(url + reverse("commitments:escalation_detail", args=[escalation.pk]))
        expect(page.get_by_text("You see this first.")).to_be_visible()
        side = "The depot changed its format twice; I have the list and send it tomorrow."
        page.get_by_label("What the sponsor should know").fill(side)
        page.get_by_role("button", name="Save your side").click()
        expect(page.get_by_text(side).first).to_be_visible()
        escalation.refresh_from_db()
        assert escalation.owner_side == side
        flow.shot(page, "owner-side")

        # Not in the sponsor's queue during the owner's period; one raised days ago is.
        long_ago = timezone.now() - dt.timedelta(days=30)
        stock = services.commitment_take_on(
            circle=circle,
            owner=peer,
            title="Agree the van stock list with the depot",
            due_on=today - dt.timedelta(days=20),
            now=long_ago,
        )
        waited = escalation_raise(
            commitment=stock,
            by=lead,
            reason="Three weeks overdue, and nobody at the depot has heard from us.",
            now=timezone.now() - dt.timedelta(days=9),
        )
        escalation_owner_side(
            escalation=waited,
            owner=peer,
            text="The depot manager changed twice; I meet the new one next week.",
            now=timezone.now() - dt.timedelta(days=8),
        )
        sponsor_page = flow.as_(sponsor.user.email)
        sponsor_page.goto(url + reverse("commitments:escalation_queue"))
        queue = sponsor_page.locator("main")
        expect(queue).to_contain_text(stock.title)
        expect(queue).not_to_contain_text(overdue.title)
        flow.shot(sponsor_page, "queue")

        # The sponsor resolves it: a new date agreed, which the owner is asked to set.
        queue.get_by_role("link", name=stock.title).first.click()
        sponsor_page.get_by_label("A new date was agreed").check()
        sponsor_page.get_by_label("Note (the reason, for “Dropped”)").fill(
            "The new depot manager agreed to meet; set a date within two weeks."
        )
        sponsor_page.get_by_role("button", name="Resolve").click()
        waited.refresh_from_db()
        assert waited.resolution == Escalation.Resolution.NEW_DATE
        assert waited.resolved_by == sponsor
        expect(sponsor_page.locator("main")).to_contain_text("new date")
        flow.shot(sponsor_page, "resolved")
    finally:
        flow.close()
