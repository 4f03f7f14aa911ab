"""Challenge pages: the lists of a circle and of a program, a challenge with its ideas, and
posing, editing, closing and reopening one. Anyone outside gets a 404 (the policy)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.form_pages import form_page, service_action
from roundtable.ideas.forms import ChallengeCloseForm, ChallengeForm
from roundtable.ideas.models import Challenge
from roundtable.ideas.selectors.ideas import (
    challenge_get_for_user,
    challenge_ideas,
    circle_challenges,
    circle_idea_settings,
    program_challenges,
    proposing_circles,
)
from roundtable.ideas.services import challenges as services
from roundtable.ideas.views.points_of_view import challenge_extras
from roundtable.programs.selectors import program_get_for_user


def _detail(challenge: Challenge) -> str:
    return reverse("ideas:challenge_detail", args=[challenge.pk])


@login_required
def circle_challenge_list(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    return render(
        request,
        "ideas/challenge_list.html",
        {
            "circle": circle,
            "program": circle.program,
            "challenges": circle_challenges(circle=circle),
            "settings": circle_idea_settings(circle=circle),
            "can_pose": permissions.can_pose_circle_challenge(request.user, circle),
            "can_moderate": permissions.can_moderate_ideas(request.user, circle),
            "nav_section": "programs",
        },
    )


@login_required
def program_challenge_list(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, pk=program_pk)
    return render(
        request,
        "ideas/challenge_list.html",
        {
            "program": program,
            "challenges": program_challenges(program=program, user=request.user),
            "can_pose": permissions.can_pose_program_challenge(request.user, program),
            "nav_section": "programs",
        },
    )


@login_required
def circle_challenge_create(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(
        user=request.user, pk=circle_pk, can=permissions.can_pose_circle_challenge
    )
    me = permissions.acting_member(request.user, circle.program.organization_id)
    return form_page(
        request,
        ChallengeForm(request.POST or None),
        save=lambda data: services.challenge_create(
            program=circle.program, circle=circle, posed_by=me, **data
        ),
        success=lambda c: f"Challenge “{c.title}” posed to {circle.name}.",
        then=_detail,
        title=f"Pose a challenge to {circle.name}",
        subtitle="A common problem the circle attacks together: what it is, and what you know.",
        submit_label="Pose the challenge",
        cancel_url=reverse("ideas:circle_challenges", args=[circle.pk]),
    )


@login_required
def program_challenge_create(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get_for_user(
        user=request.user, pk=program_pk, can=permissions.can_pose_program_challenge
    )
    me = permissions.acting_member(request.user, program.organization_id)
    return form_page(
        request,
        ChallengeForm(request.POST or None),
        save=lambda data: services.challenge_create(program=program, posed_by=me, **data),
        success=lambda c: f"Challenge “{c.title}” posed to every circle of {program.name}.",
        then=_detail,
        title=f"Pose a challenge to every circle of {program.name}",
        subtitle="Each circle attacks it from its own angle; each sees its own ideas.",
        submit_label="Pose the challenge",
        cancel_url=reverse("ideas:program_challenges", args=[program.pk]),
    )


@login_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_get_for_user(user=request.user, pk=pk)
    ideas = challenge_ideas(challenge=challenge, user=request.user)
    can_propose = bool(proposing_circles(challenge=challenge, user=request.user))
    return render(
        request,
        "ideas/challenge_detail.html",
        {
            "challenge": challenge,
            "program": challenge.program,
            "ideas": ideas,
            "can_manage": permissions.can_manage_challenge(request.user, challenge),
            "can_propose": can_propose and challenge.status == Challenge.Status.OPEN,
            "nav_section": "programs",
            **challenge_extras(request, challenge),
        },
    )


@login_required
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_get_for_user(
        user=request.user, pk=pk, can=permissions.can_manage_challenge
    )
    form = ChallengeForm(
        request.POST or None,
        initial={
            "title": challenge.title,
            "description": challenge.description,
            "context": challenge.context,
        },
    )
    return form_page(
        request,
        form,
        save=lambda data: services.challenge_update(challenge=challenge, **data),
        success="Challenge updated.",
        then=_detail(challenge),
        title=f"Edit “{challenge.title}”",
        subtitle="",
        submit_label="Save",
        cancel_url=_detail(challenge),
    )


@login_required
def challenge_close(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_get_for_user(
        user=request.user, pk=pk, can=permissions.can_manage_challenge
    )
    return form_page(
        request,
        ChallengeCloseForm(request.POST or None),
        save=lambda data: services.challenge_close(challenge=challenge, **data),
        success="Challenge closed, with its summary.",
        then=_detail(challenge),
        title=f"Close “{challenge.title}”",
        subtitle="A closed challenge takes no new ideas or critiques; it can be reopened.",
        submit_label="Close the challenge",
        cancel_url=_detail(challenge),
    )


@login_required
@require_POST
def challenge_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_get_for_user(
        user=request.user, pk=pk, can=permissions.can_manage_challenge
    )
    service_action(
        request,
        lambda: services.challenge_reopen(challenge=challenge),
        success="Challenge reopened.",
    )
    return redirect(_detail(challenge))
