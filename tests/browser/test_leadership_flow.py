"""The lead's toolkit end to end in a browser, on a desktop and on a phone, in the demo's Anvil
circle: the coordinator makes Daniel (the demo member) its lead with the circle page's lead
form; Daniel opens his welcome, goes through the introduction with Next and lands on the
mission; he proposes a line and assembles a new version, which a peer acknowledges from the
circle page; he writes a reflection; on a peer's page he writes a private note naming a
promotion goal, takes the suggestion it brings (a pre-filled support plan) and saves it with a
review date; every current member and the lead agree to the working agreement (Daniel was the
one still to agree to version 2); he recognises a peer, who is told. Last, privacy: the
coordinator gets the not-found page at the toolkit's address, and Aisha, who led Anvil before,
no longer has the toolkit but reads her own notes under "lead/notes/".

Screenshots land in artifacts/ and /tmp/shots/ (lflow-<step>-<width>), each checked to be no
wider than the viewport."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.circles.models import Circle
from roundtable.leadership.models import Mission, PeerNote, Recognition, Reflection, SupportPlan
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.orgs.models import Member
from tests.browser.pages import DESKTOP, PHONE, Flow, persona_emails

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINE = "We leave every site with the customer knowing what we fixed and why."
LEADER = "A lead who hands the meeting round and asks before answering."
GOALS = "Learn what each of the four wants from the circle by the end of the month."
OUTCOMES = "Fewer repeat call-outs on the Vireo 24, and the circle able to say why."
NOTE_GOALS = "Wants a promotion to senior engineer; has asked to train the new starters."
NOTE_SUPPORT = "Happy to be stretched; prefers a quick word after the meeting to an email."
THANKS = "Took my two Saturday call-outs at a day's notice so I could finish the recall list."


def _day(day: dt.date) -> str:
    """A date as the pages write it ("j M Y")."""
    return f"{day.day} {day:%b %Y}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_new_lead_mission_reflection_peer_agreement_recognition(
    live_server, demo, browser, artifacts, viewport
):
    emails = persona_emails()
    daniel = Member.objects.select_related("user").get(user__email=emails["member"])
    aisha = Member.objects.get(user__email=emails["lead"])
    anvil = Circle.objects.get(lead=aisha, name="Anvil")
    people = list(
        Member.objects.filter(
            circle_memberships__circle=anvil, circle_memberships__left_on__isnull=True
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    others = [p for p in people if p.pk not in (daniel.pk, aisha.pk)]
    assert len(others) >= 3, "the demo's Anvil has three peers besides Aisha and Daniel"
    # By name: one acknowledges the mission, one is recognised, one gets Daniel's note and plan.
    acknowledger, recipient, peer = others[:3]
    today = timezone.localdate(timezone.now(), ZoneInfo(anvil.time_zone))
    url = live_server.url
    circle_url = url + reverse("circles:detail", args=[anvil.pk])
    toolkit_url = url + reverse("leadership:toolkit", args=[anvil.pk])
    flow = Flow(browser, url, viewport, artifacts, prefix="lflow", locale="en-GB")
    try:
        # 1. The coordinator makes Daniel the lead with the circle page's lead form.
        coordinator = flow.as_(emails["coordinator"])
        coordinator.goto(circle_url)
        members = coordinator.locator("#circle-members")
        members.get_by_label("Lead", exact=True).select_option(str(daniel.pk))
        members.get_by_role("button", name="Set lead").click()
        expect(members.locator("tr", has_text=daniel.name).locator(".badge-lead")).to_be_visible()
        anvil.refresh_from_db()
        assert anvil.lead_id == daniel.pk
        flow.shot(coordinator, "set-lead")

        # Daniel's welcome, then the introduction screen by screen, ending on the mission.
        page = flow.as_(daniel.user.email)
        page.goto(url + reverse("notifications:notices"))
        welcome = page.get_by_role("link", name=f"You now lead {anvil.name}")
        expect(welcome).to_be_visible()
        flow.shot(page, "welcome")
        welcome.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("A mission together")
        flow.shot(page, "intro-1")
        for screen in range(2, 6):
            page.get_by_role("button", name="Next").click()
            expect(page.locator("strong[aria-current=step]")).to_be_visible()
            expect(page.get_by_text(f"Screen {screen} of 5.")).to_be_visible()
        flow.shot(page, "intro-5")
        page.get_by_role("button", name="Write the mission together").click()
        expect(page).to_have_url(url + reverse("leadership:mission", args=[anvil.pk]))
        expect(page.get_by_text("Introduction done.")).to_be_visible()

        # 2. A line, a new version, a peer's acknowledgement, the circle page.
        page.get_by_label("Your line").fill(LINE)
        page.get_by_role("button", name="Propose this line").click()
        expect(page.locator("#lines-title ~ ul")).to_contain_text(LINE)
        flow.shot(page, "mission-line")
        page.get_by_role("button", name="Assemble a new version").click()
        page.get_by_label(re.compile(re.escape(LINE))).check()
        text = page.get_by_label("The mission")
        text.fill(text.input_value() + "\n" + LINE)
        flow.shot(page, "mission-assemble")
        page.get_by_role("button", name="Make this the new version").click()
        mission = Mission.objects.filter(circle=anvil).order_by("-number").first()
        assert mission is not None
        assert mission.number == 3
        assert mission.text.endswith(LINE)
        expect(page.locator("#current-title")).to_contain_text("Version 3")
        their_page = flow.as_(acknowledger.user.email)
        their_page.goto(circle_url)
        their_page.locator("#mission").get_by_role("button", name="I acknowledge version 3").click()
        expect(their_page.locator("#mission blockquote")).to_contain_text(LINE)
        # The assembler is asked too: the peer is the first to acknowledge version 3.
        expect(their_page.locator("#mission")).to_contain_text(
            f"Version 3 · 1 of {len(people)} acknowledged"
        )
        expect(their_page.get_by_text("You acknowledged version 3 of the mission.")).to_be_visible()
        assert mission.acknowledgements.filter(member=acknowledger).exists()
        flow.shot(their_page, "mission-circle")

        # 3. A reflection, dated today.
        page.goto(circle_url)
        page.get_by_role("button", name="Open your toolkit").click()
        expect(page).to_have_url(toolkit_url)
        page.get_by_role("button", name="Write your first reflection").click()
        page.get_by_label("What kind of leader do you want to be?").fill(LEADER)
        page.get_by_label("What are your goals?").fill(GOALS)
        page.get_by_label("What outcomes do you want for the circle?").fill(OUTCOMES)
        page.get_by_role("button", name="Save this entry").click()
        entry = page.locator("#earlier-title ~ article").first
        expect(entry.get_by_role("heading", level=3)).to_have_text(_day(today))
        expect(entry).to_contain_text(LEADER)
        assert Reflection.objects.filter(circle=anvil, author=daniel).count() == 1
        flow.shot(page, "reflection")

        # 4. A peer's page from the hub: a note with a promotion goal, its suggestion taken.
        page.goto(toolkit_url)
        page.locator("#external-clarity").get_by_role("link", name=peer.name, exact=True).click()
        take = page.locator("#suggestions a[href='?take=promotion#new-plan']")
        expect(page.get_by_role("heading", level=1)).to_have_text(peer.name)
        expect(take).to_have_count(0)
        note = page.locator("#your-note")
        note.get_by_label("Their goals").fill(NOTE_GOALS)
        note.get_by_label("How they like to be supported").fill(NOTE_SUPPORT)
        note.get_by_role("button", name="Save the note").click()
        expect(page.get_by_text("Note saved. Only you can read it.")).to_be_visible()
        expect(take).to_have_count(1)
        assert PeerNote.objects.get(circle=anvil, author=daniel, peer=peer).goals == NOTE_GOALS
        flow.shot(page, "peer-suggestion")
        take.click()
        plans = page.locator("#support-plans")
        expect(plans.get_by_text("Filled in from a suggestion")).to_be_visible()
        expect(plans.get_by_label("Approach")).to_have_value(SupportPlan.Approach.STRETCH)
        expect(plans.get_by_label("Next step")).to_have_value(re.compile("lead one of the next"))
        review = today + dt.timedelta(days=21)
        plans.get_by_label("Review on").fill(review.isoformat())
        flow.shot(page, "peer-plan")
        plans.get_by_role("button", name="Save the plan").click()
        expect(page.get_by_text("Support plan saved")).to_be_visible()
        plan = SupportPlan.objects.get(circle=anvil, author=daniel, peer=peer)
        assert plan.review_on == review
        page.goto(toolkit_url)
        row = page.locator("#external-clarity tr", has_text=peer.name)
        expect(row).to_contain_text(f"Stretch assignment: review {_day(review)}")
        expect(row).to_contain_text("Written")
        flow.shot(page, "hub")

        # 5. The working agreement: every current member and the lead agree to the version.
        agreement_url = url + reverse("leadership:agreement", args=[anvil.pk])
        asked = []
        for person in people:
            their = flow.as_(person.user.email)
            their.goto(agreement_url)
            agree = their.get_by_role("button", name="I agree to this version")
            if agree.count():
                asked.append(person.pk)
                agree.click()
            expect(their.locator("#agreed-mine")).to_contain_text("You agreed to version 2")
        assert daniel.pk in asked, "Daniel had yet to agree to version 2"
        page.goto(agreement_url)
        expect(page.locator("#agreed")).to_contain_text(f"All {len(people)} agreed to version 2")
        flow.shot(page, "agreement")
        page.goto(circle_url)
        expect(page.locator("#circle-agreement")).to_contain_text(f"all {len(people)} agreed")
        flow.shot(page, "circle")

        # 6. Daniel recognises a peer; the wall, the circle page and the recipient's notices.
        page.locator("#recognition").get_by_role("button", name="Recognise a peer").click()
        page.get_by_label("Who").select_option(str(recipient.pk))
        page.get_by_label(re.compile(r"^For\b")).select_option(Recognition.Kind.OTHER)
        page.get_by_label("What they did, and why it mattered").fill(THANKS)
        flow.shot(page, "recognise-form")
        page.get_by_role("button", name="Recognise").click()
        recognition = Recognition.objects.get(circle=anvil, given_by=daniel, recipient=recipient)
        card = page.locator(f"#recognition-{recognition.pk}")
        expect(card).to_contain_text(THANKS)
        expect(card).to_contain_text(f"From {daniel.name}")
        flow.shot(page, "wall")
        page.goto(circle_url)
        expect(page.locator("#recognition")).to_contain_text(THANKS)
        recipient_page = flow.as_(recipient.user.email)
        recipient_page.goto(url + reverse("notifications:notices"))
        told = recipient_page.get_by_role(
            "link", name=f"{daniel.name} recognised you in {anvil.name}"
        )
        expect(told).to_be_visible()
        assert Notice.objects.filter(member=recipient, kind=NoticeKind.RECOGNISED).exists()
        flow.shot(recipient_page, "recognised")

        # 7. Privacy: the toolkit's address is not found for the coordinator nor for Aisha, who
        # led Anvil before and still reads her own notes, read only.
        response = coordinator.goto(toolkit_url)
        assert response is not None
        assert response.status == 404
        expect(coordinator.get_by_role("heading", level=1)).to_have_text("Page not found")
        flow.shot(coordinator, "coordinator-404")
        former = flow.as_(aisha.user.email)
        response = former.goto(toolkit_url)
        assert response is not None
        assert response.status == 404
        expect(former.get_by_role("heading", level=1)).to_have_text("Page not found")
        former.goto(url + reverse("leadership:my_notes"))
        mine = former.locator("tr", has_text=anvil.name)
        expect(mine).to_contain_text("Led it before: read only")
        flow.shot(former, "my-notes")
        mine.get_by_role("link", name=anvil.name).click()
        expect(former.get_by_role("heading", level=1)).to_have_text(f"My notes on {anvil.name}")
        expect(former.locator(".actions")).to_contain_text("read only")
        expect(former.locator("main form")).to_have_count(0)
        expect(former.locator("#mine-reflections ~ article").first).to_be_visible()
        expect(former.locator("main")).not_to_contain_text(NOTE_GOALS)  # Daniel's stays his
        flow.shot(former, "my-notes-anvil")
    finally:
        flow.close()
