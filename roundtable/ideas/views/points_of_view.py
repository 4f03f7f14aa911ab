"""Points of view of a program-wide challenge (every circle side by side) and "Propose to my
circle" (an adopted idea of another circle proposed to one's own, its origin credited); and what
the idea and challenge pages add for these and for the agenda (`idea_extras`,
`challenge_extras`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Challenge, Idea
from roundtable.ideas.selectors.ideas import challenge_get_for_user, proposing_circles
from roundtable.ideas.selectors.points_of_view import (
    adoption_targets,
    idea_get_for_points_of_view,
    idea_origin,
    points_of_view,
)
from roundtable.ideas.services.adoption import idea_adopt_into
from roundtable.ideas.views._authorship import capability_remember


@login_required
def challenge_points_of_view(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_get_for_user(
        user=request.user, pk=pk, can=permissions.can_view_points_of_view
    )
    return render(
        request,
        "ideas/points_of_view.html",
        {
            "challenge": challenge,
            "program": challenge.program,
            "pov": points_of_view(challenge=challenge, user=request.user),
            "nav_section": "programs",
        },
    )


@login_required
@require_POST
def idea_propose_to_circle(request: HttpRequest, pk: Any) -> HttpResponse:
    """One click: the origin (seen on the points-of-view page, or its own page) proposed to the
    chosen circle, which must be one the user takes part in (else Http404, nothing written)."""
    origin = idea_get_for_points_of_view(user=request.user, pk=pk)
    try:
        circle_pk = int(request.POST.get("circle", ""))
    except ValueError:
        circle_pk = 0
    circle = circle_get_for_user(
        user=request.user, pk=circle_pk, can=permissions.can_adopt_idea_into
    )
    me = permissions.acting_member(request.user, circle.program.organization_id)
    back = reverse("ideas:points_of_view", args=[origin.challenge_id])
    try:
        idea, capability = idea_adopt_into(origin=origin, circle=circle, member=me)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        f"Proposed to {circle.name}, crediting {origin.circle.name}"
        + (
            ": anonymously, as ideas there are; only this browser can change it, for 24 hours."
            if capability
            else "."
        ),
    )
    response = redirect(reverse("ideas:idea_detail", args=[idea.pk]))
    return capability_remember(request, response, pk=idea.pk, capability=capability)


def idea_extras(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    """What the idea page shows beyond the idea: its origin, the circles it can be proposed
    to, whether it can go on the next meeting's agenda, the points-of-view link."""
    is_live = not idea.withdrawn and not idea.is_hidden
    return {
        "origin": idea_origin(idea=idea, user=request.user),
        "propose_to": adoption_targets(idea=idea, user=request.user),
        "can_put_on_agenda": is_live and permissions.can_put_on_agenda(request.user, idea.circle),
        "has_points_of_view": idea.challenge.circle_id is None,
    }


def challenge_extras(request: HttpRequest, challenge: Challenge) -> dict[str, Any]:
    """What the challenge page adds: the points-of-view link (program-wide challenges), and
    the circles whose next meeting the viewer may put it on."""
    agenda_circles = (
        proposing_circles(challenge=challenge, user=request.user)
        if challenge.status == Challenge.Status.OPEN
        else []
    )
    return {
        "can_view_points_of_view": permissions.can_view_points_of_view(request.user, challenge),
        "agenda_circles": [
            c for c in agenda_circles if permissions.can_put_on_agenda(request.user, c)
        ],
    }
