"""Open critique end to end in a browser, on a desktop and on a phone, in the demo's Anvil circle:
the lead poses a challenge, a member proposes an idea, another critiques it with a reason (a bare
"+1" is refused with the hint), the author revises it, members vote while the results are hidden,
the lead reveals them, starts a trial, the outcome is recorded and the lead adopts the idea.
Screenshots of each step land in artifacts/ and /tmp/shots/ (flow-<step>-<width>.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.circles.models import Circle
from roundtable.ideas.models import Idea, Stage, TemperatureVote, Trial
from roundtable.orgs.models import Member
from tests.browser.pages import DESKTOP, PHONE, Flow, persona_emails

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Boiler pressure drops a week after the annual service"
SUMMARY = "Re-check the pressure by phone three days after every annual service"
CONCERN = (
    "A phone call cannot see the gauge, and customers misread it: we would book visits for "
    "pressure that is fine, because the needle sits differently on each model."
)
STRENGTH = (
    "Most drops come from a slow leak at the filling loop, which a three-day check catches "
    "before the customer loses heating."
)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_challenge_goes_from_posed_to_an_adopted_idea(
    live_server, demo, browser, artifacts, viewport
):
    emails = persona_emails()
    lead_email, author_email = emails["lead"], emails["member"]
    circle = Circle.objects.get(lead__user__email=lead_email)
    others = list(
        Member.objects.filter(
            circle_memberships__circle=circle, circle_memberships__left_on__isnull=True
        )
        .exclude(user__email__in=[lead_email, author_email])
        .select_related("user")
        .order_by("pk")
    )
    critic, voter = others[0], others[1]
    author = Member.objects.get(user__email=author_email)
    flow = Flow(browser, live_server.url, viewport, artifacts, prefix="flow", settle="networkidle")
    url = live_server.url
    try:
        # The lead poses a challenge to the circle.
        lead = flow.as_(lead_email)
        lead.goto(url + reverse("ideas:circle_challenges", args=[circle.pk]))
        lead.get_by_role("button", name="Pose a challenge").click()
        lead.get_by_label("Title").fill(TITLE)
        lead.get_by_label("Description").fill(
            "Three customers this month called us back a week after the annual service: the "
            "pressure had dropped below 1 bar. What would catch it before they do?"
        )
        lead.get_by_role("button", name="Pose the challenge").click()
        expect(lead.get_by_role("heading", level=1)).to_contain_text(TITLE)
        flow.shot(lead, "challenge")

        # A member proposes an idea.
        page = flow.as_(author_email)
        page.goto(lead.url)
        page.get_by_role("button", name="Propose an idea").click()
        page.get_by_label("Summary").fill(SUMMARY)
        page.get_by_label("How it would work").fill(
            "Three days after an annual service, the engineer texts the customer a photo of "
            "where the gauge should sit and calls if they report below 1 bar."
        )
        page.get_by_label("The effect expected").fill("No call-backs for pressure after a service.")
        page.get_by_role("button", name="Propose the idea").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(SUMMARY)
        idea = Idea.objects.get(challenge__title=TITLE)
        assert idea.author == author
        idea_url = url + reverse("ideas:idea_detail", args=[idea.pk])

        # Another member critiques: a bare "+1" is refused with the hint, a reason is taken.
        critic_page = flow.as_(critic.user.email)
        critic_page.goto(idea_url)
        form = critic_page.locator("#add-critique")
        form.get_by_label("Concern").check()
        form.get_by_label("Reasoning").fill("+1")
        form.get_by_role("button", name="Add the critique").click()
        expect(critic_page.locator("#critiques")).to_contain_text(
            "That says where you stand, not why"
        )
        expect(critic_page.locator("#critiques")).to_contain_text("endorse it instead")
        assert not idea.critiques.exists()
        form = critic_page.locator("#add-critique")
        form.get_by_label("Concern").check()
        form.get_by_label("Reasoning").fill(CONCERN)
        form.get_by_label("Evidence").fill("Two of last month's pressure call-backs were fine.")
        form.get_by_role("button", name="Add the critique").click()
        expect(critic_page.locator("#critiques")).to_contain_text(CONCERN)
        voter_page = flow.as_(voter.user.email)
        voter_page.goto(idea_url)
        form = voter_page.locator("#add-critique")
        form.get_by_label("Strength").check()
        form.get_by_label("Reasoning").fill(STRENGTH)
        form.get_by_role("button", name="Add the critique").click()
        expect(voter_page.locator("#critiques")).to_contain_text(STRENGTH)
        assert idea.critiques.count() == 2

        # The author revises: the critique now says which version it answered.
        page.goto(idea_url)
        page.get_by_role("button", name="Revise").click()
        page.get_by_label("How it would work").fill(
            "Three days after an annual service, the engineer texts the customer a photo of "
            "their own boiler's gauge at the right pressure, taken on the visit, and calls if "
            "they report below 1 bar."
        )
        page.get_by_role("button", name="Save as a new version").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("v2")
        critique = page.locator(".critique", has_text=CONCERN)
        expect(critique).to_contain_text("answered v1; the idea is now at v2")
        flow.shot(page, "idea-critiques", page.locator("#critiques"))
        flow.shot(page, "idea")

        # The lead hides the results before anyone votes, and opens the idea for discussion.
        lead.goto(idea_url)
        panel = lead.locator("#idea-decisions")
        panel.get_by_role("button", name="Hide the results").click()
        expect(panel.get_by_role("button", name="Reveal the results")).to_be_visible()
        panel.get_by_label("Rationale").fill("Two good arguments already: let us talk it over.")
        panel.get_by_role("button", name="Open for discussion").click()
        expect(panel.locator("[aria-current=step]")).to_have_text("Discussing")

        # Members vote; the results stay hidden from them until the lead reveals them.
        for each, value in ((page, "Agree"), (critic_page, "Unsure"), (voter_page, "Agree")):
            each.goto(idea_url)
            panel = each.locator("#idea-temperature")
            panel.get_by_label(value, exact=True).check()
            panel.get_by_role("button", name="Vote").click()
            expect(panel).to_contain_text(f"Your vote: {value}")
            expect(panel).to_contain_text("The results are hidden")
            expect(panel.locator(".temperature-tally")).to_have_count(0)
        assert TemperatureVote.objects.filter(idea=idea).count() == 3
        flow.shot(voter_page, "vote-hidden", voter_page.locator("#idea-temperature"))
        lead.goto(idea_url)
        temperature = lead.locator("#idea-temperature")
        expect(temperature).to_contain_text("3 people have voted")
        temperature.get_by_role("button", name="Reveal the results").click()
        expect(lead.locator(".temperature-tally")).to_contain_text("Agree: 2 of 3")

        # The lead decides to trial it: owner, period, measure, review date.
        today = timezone.localdate()
        panel = lead.locator("#idea-decisions")
        panel.get_by_text("Try it: start a trial").click()
        panel.get_by_label("Owner").select_option(label=author.name)
        panel.get_by_label("Starts").fill(today.isoformat())
        panel.get_by_label("Ends").fill((today + dt.timedelta(days=28)).isoformat())
        panel.get_by_label("Review on").fill((today + dt.timedelta(days=30)).isoformat())
        panel.get_by_label("Success means").fill(
            "No pressure call-back within 30 days of a service, across 25 services."
        )
        panel.locator("textarea[name=rationale]").last.fill(
            "Most of the circle agrees; the concern about misread gauges is what the photo "
            "answers, and the trial will show it."
        )
        panel.get_by_role("button", name="Start the trial").click()
        trial_section = lead.locator("#idea-trial")
        expect(trial_section).to_contain_text(author.name)
        expect(lead.locator("#idea-decisions [aria-current=step]")).to_have_text("On trial")
        flow.shot(lead, "decision-trial", lead.locator("#idea-decisions"))
        trial = Trial.objects.get(idea=idea)
        assert trial.owner == author
        assert trial.review_on == today + dt.timedelta(days=30)

        # The owner records the outcome against the measure.
        page.goto(idea_url)
        trial_section = page.locator("#idea-trial")
        trial_section.get_by_label("Met the measure").check()
        trial_section.get_by_label("What happened").fill(
            "25 services, no pressure call-back; two customers sent a photo of a low gauge and "
            "we topped them up by phone."
        )
        trial_section.get_by_role("button", name="Record the outcome").click()
        # The form's own radio says "Met the measure" too: wait for the page after the save.
        expect(page.locator("#idea-trial summary")).to_contain_text("Correct the outcome")
        expect(page.locator("#idea-trial")).to_contain_text("Met the measure")
        flow.shot(page, "outcome", page.locator("#idea-decisions"))

        # The lead adopts it.
        lead.goto(idea_url)
        panel = lead.locator("#idea-decide")
        panel.get_by_label("Rationale").fill(
            "It met its measure: every annual service now ends so."
        )
        panel.get_by_role("button", name="Adopt").click()
        expect(lead.locator("#idea-decisions [aria-current=step]")).to_have_text("Adopted")
        lead.reload()
        expect(lead.get_by_role("heading", level=1)).to_contain_text("Adopted")
        idea.refresh_from_db()
        assert idea.stage == Stage.ADOPTED
        assert list(idea.decisions.values_list("to_stage", flat=True)) == [
            "discussing",
            "trial",
            "adopted",
        ]
        flow.shot(lead, "adopted")
    finally:
        flow.close()
