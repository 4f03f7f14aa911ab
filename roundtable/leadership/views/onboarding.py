"""The lead's introduction: five short screens on leading peers (the 4C connection model), with
Back and Next, "Skip for now", and a last screen that leads into writing the mission together.
The circle's current lead alone; anyone else who sees the circle is told so, nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.leadership.forms.mission import OnboardingMoveForm
from roundtable.leadership.selectors.mission import ONBOARDING_SCREENS, lead_onboarding_get
from roundtable.leadership.services import onboarding as services
from roundtable.leadership.views.mission import refused

LEAD_ONLY = "The introduction for leads is for the circle's current lead."


def _lead_of(request: HttpRequest, circle_pk: int) -> tuple[Circle, Any | None]:
    """The circle, and who acts when they lead it (None: they may see it but do not lead it)."""
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    if not permissions.can_use_lead_toolkit(request.user, circle):
        return circle, None
    return circle, permissions.acting_member(request.user, circle.program.organization_id)


def screen_url(circle: Circle, screen: int) -> str:
    return reverse("leadership:onboarding", args=[circle.pk, screen])


@login_required
@require_GET
def onboarding_view(
    request: HttpRequest, circle_pk: int, screen: int | None = None
) -> HttpResponse:
    circle, lead = _lead_of(request, circle_pk)
    if lead is None:
        return refused(request, circle, LEAD_ONLY)
    onboarding = lead_onboarding_get(circle=circle, lead=lead)
    if screen is None:
        # Back where they left off; from the start once finished (a revisit).
        reached = onboarding.step if onboarding is not None else 0
        finished = onboarding is not None and onboarding.finished_on is not None
        screen = 1 if finished or reached < 1 else reached
    if not 1 <= screen <= len(ONBOARDING_SCREENS):
        return redirect(screen_url(circle, 1))
    slug, title = ONBOARDING_SCREENS[screen - 1]
    return render(
        request,
        "leadership/onboarding.html",
        {
            "circle": circle,
            "program": circle.program,
            "lead": lead,
            "onboarding": onboarding,
            "screen": screen,
            "screen_count": len(ONBOARDING_SCREENS),
            "screen_template": f"leadership/onboarding_{slug}.html",
            "title": title,
            "screens": [
                {"number": n, "title": t} for n, (_, t) in enumerate(ONBOARDING_SCREENS, start=1)
            ],
            "previous": screen - 1 if screen > 1 else None,
            "next": screen + 1 if screen < len(ONBOARDING_SCREENS) else None,
            "nav_section": "programs",
        },
    )


def _act(
    request: HttpRequest, circle_pk: int, act: Callable[[Circle, Any], str], done: str = ""
) -> HttpResponse:
    circle, lead = _lead_of(request, circle_pk)
    if lead is None:
        return refused(request, circle, LEAD_ONLY)
    try:
        then = act(circle, lead)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("leadership:onboarding", args=[circle.pk]))
    if done:
        messages.success(request, done)
    return redirect(then)


@login_required
@require_POST
def onboarding_move(request: HttpRequest, circle_pk: int) -> HttpResponse:
    """Back or Next: keep the screen reached, then show it."""
    form = OnboardingMoveForm(request.POST)

    def act(circle: Circle, lead: Any) -> str:
        if not form.is_valid():
            raise DomainError("Choose a screen of the introduction.")
        services.lead_onboarding_move(circle=circle, lead=lead, screen=form.cleaned_data["screen"])
        return screen_url(circle, form.cleaned_data["screen"])

    return _act(request, circle_pk, act)


@login_required
@require_POST
def onboarding_skip(request: HttpRequest, circle_pk: int) -> HttpResponse:
    def act(circle: Circle, lead: Any) -> str:
        services.lead_onboarding_skip(circle=circle, lead=lead)
        return reverse("circles:detail", args=[circle.pk])

    return _act(
        request,
        circle_pk,
        act,
        "Skipped for now. The introduction stays open from the circle's mission page "
        "whenever you want it.",
    )


@login_required
@require_POST
def onboarding_finish(request: HttpRequest, circle_pk: int) -> HttpResponse:
    def act(circle: Circle, lead: Any) -> str:
        services.lead_onboarding_finish(circle=circle, lead=lead)
        return reverse("leadership:mission", args=[circle.pk])

    return _act(
        request,
        circle_pk,
        act,
        "Introduction done. Now write the mission together: propose a line, "
        "and ask your circle to add theirs.",
    )
