"""The main pages of the demo, per persona, and the checks every page must pass in a browser:
it fits a phone's width, and axe-core finds nothing against WCAG 2.1 A/AA or best practice."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.forming.criteria import formation_settings_default
from roundtable.circles.forming.services import formation_start
from roundtable.circles.models import Circle
from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD
from roundtable.ideas.models import Idea, Stage
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Who sees which page: sponsors and members neither form circles nor invite nor schedule.
MANAGERS = {"admin", "coordinator"}
SCHEDULERS = {"admin", "coordinator", "lead"}


def persona_emails() -> dict[str, str]:
    return {email.split("@")[0]: email for _, email, _ in DEMO_LOGINS}


def main_pages(persona: str) -> dict[str, str]:
    """Page name → path for the seeded demo: the lead's circle, its next meeting, the member."""
    lead_email = persona_emails()["lead"]
    circle = Circle.objects.select_related("program__organization").get(
        lead__user__email=lead_email
    )
    program, org = circle.program, circle.program.organization
    meetings = Meeting.objects.filter(circle=circle, status=Meeting.Status.SCHEDULED)
    meeting = meetings.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    held = meetings.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
    assert meeting is not None
    assert held is not None
    member = Member.objects.get(user__email=persona_emails()["member"])
    pages = {
        "home": reverse("home:home"),
        "programs": reverse("programs:list"),
        "program": reverse("programs:detail", args=[program.pk]),
        "circle": reverse("circles:detail", args=[circle.pk]),
        "meeting": reverse("meetings:detail", args=[meeting.pk]),
        "past-meeting": reverse("meetings:detail", args=[held.pk]),
        "people": reverse("orgs:directory", args=[org.slug]),
        "member": reverse("orgs:member_detail", args=[member.pk]),
        "profile": reverse("orgs:profile"),
        "notices": reverse("notifications:notices"),
        "my-commitments": reverse("commitments:mine"),
        "commitments-board": reverse("commitments:board", args=[circle.pk]),
    }
    # Open critique: the circle's challenges, its own challenge, and the demo member's idea with
    # its critiques and the decision panel (under discussion, results still hidden).
    idea = Idea.objects.select_related("challenge").get(
        circle=circle, author=member, stage=Stage.DISCUSSING
    )
    pages["challenges"] = reverse("ideas:circle_challenges", args=[circle.pk])
    pages["challenge"] = reverse("ideas:challenge_detail", args=[idea.challenge.pk])
    pages["idea"] = reverse("ideas:idea_detail", args=[idea.pk])
    if persona in SCHEDULERS:
        pages["schedule"] = reverse("meetings:schedule", args=[circle.pk])
    if persona in MANAGERS:
        run = program.formation_runs.filter(status="ready").first() or formation_start(
            program=program, by=None, settings=formation_settings_default(program=program)
        )
        pages["formation-start"] = reverse("circles:formation_start", args=[program.pk])
        pages["formation-proposal"] = reverse("circles:formation_run", args=[program.pk, run.pk])
        pages["invitations"] = reverse("accounts:invitation_list", args=[org.slug])
        # The renewals project's running trial, on the idea of a challenge posed to every circle.
        trial = Idea.objects.get(circle__program__organization=org, stage=Stage.TRIAL)
        pages["idea-on-trial"] = reverse("ideas:idea_detail", args=[trial.pk])
        pages["program-challenge"] = reverse("ideas:challenge_detail", args=[trial.challenge_id])
        pages["points-of-view"] = reverse("ideas:points_of_view", args=[trial.challenge_id])
    if persona == "lead":
        pages["voice"] = reverse("ideas:circle_voice", args=[circle.pk])
    return pages


def session_cookie(base_url: str, email: str) -> dict[str, Any]:
    """A signed-in session for `email`, as the browser cookie the site would set (the sign-in
    page itself is driven in test_demo_lead; here it would only cost half a second a persona)."""
    user = get_user_model().objects.get(email=email)
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def sign_in(page: Any, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


# The page's markup without what differs between two sign-ins of the same content (the CSRF
# token, the signed-in person's name in the menu): equal fingerprints, equal axe results.
FINGERPRINT = """async () => {
  const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(e => e.removeAttribute("value"));
  copy.querySelector("body").removeAttribute("hx-headers");
  copy.querySelectorAll("nav a[href$='/profile/']").forEach(e => { e.textContent = ""; });
  const bytes = new TextEncoder().encode(copy.outerHTML);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, "0")).join("");
}"""


def markup_fingerprint(page: Any) -> str:
    return page.evaluate(FINGERPRINT)


def axe_violations(page: Any) -> list[str]:
    """Every axe-core violation on the page, one line each: rule, impact and the nodes hit."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    run = "options => axe.run(document, options).then(result => result.violations)"
    violations = page.evaluate(run, options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    ]


def overflow(page: Any) -> int:
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


SHOTS = Path("/tmp/shots")  # noqa: S108 (copies to look at; nothing reads them back)


class Flow:
    """A story told by several people in one browser, each in their own context (signed in with
    their session cookie, or signed out with an empty email), all at the same width. Each step's
    screenshot lands in artifacts/ and /tmp/shots/ as `<prefix>-<step>-<width>.png`, and the page
    must fit the width. `settle` is the load state a screenshot waits for: "networkidle" where
    htmx swaps parts of the page after it loads."""

    def __init__(
        self,
        browser: Any,
        base_url: str,
        viewport: dict[str, int],
        artifacts: Path,
        *,
        prefix: str,
        settle: str = "load",
        locale: str | None = None,
    ):
        self.browser, self.base_url, self.viewport = browser, base_url, viewport
        self.artifacts, self.width = artifacts, viewport["width"]
        self.prefix, self.settle, self.locale = prefix, settle, locale
        self.pages: dict[str, Any] = {}

    def as_(self, email: str) -> Any:
        if email not in self.pages:
            options: dict[str, Any] = {"viewport": self.viewport}
            if self.locale:
                options["locale"] = self.locale
            context = self.browser.new_context(**options)
            if email:
                context.add_cookies([session_cookie(self.base_url, email)])
            page = context.new_page()
            page.set_default_timeout(15_000)
            self.pages[email] = page
        return self.pages[email]

    def shot(self, page: Any, step: str, locator: Any = None) -> None:
        """A screenshot of the page (or one part of it)."""
        page.wait_for_load_state(self.settle)
        assert overflow(page) <= 0, f"{step}: wider than {self.width} px"
        path = self.artifacts / f"{self.prefix}-{step}-{self.width}.png"
        if locator is not None:
            locator.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=True)
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()
