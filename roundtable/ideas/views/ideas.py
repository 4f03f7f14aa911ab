"""Idea pages: the idea with its versions and critiques, proposing and revising one, the
author's withdrawal, the lead's hiding, and the circle's settings for critique.

An anonymous author is recognised by the capability in their browser's signed cookie, never by
who is signed in: the pages tell them "you wrote this anonymously" and nobody else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_error, form_page, service_action
from roundtable.ideas.forms import CritiqueForm, HideForm, IdeaForm, IdeaSettingsForm
from roundtable.ideas.models import Challenge, Idea
from roundtable.ideas.selectors.decisions import idea_decision_panel
from roundtable.ideas.selectors.ideas import (
    challenge_get_for_user,
    circle_idea_settings,
    contribution_is_mine,
    idea_get_for_user,
    idea_page,
    proposing_circles,
)
from roundtable.ideas.services import critiques as critique_services
from roundtable.ideas.services import ideas as services
from roundtable.ideas.services._common import NOT_YOURS
from roundtable.ideas.views._authorship import (
    capabilities,
    capability_for,
    capability_remember,
)
from roundtable.ideas.views.points_of_view import idea_extras


def idea_url(idea: Idea, anchor: str = "") -> str:
    return reverse("ideas:idea_detail", args=[idea.pk]) + anchor


def idea_context(request: HttpRequest, idea: Idea, **extra: Any) -> dict[str, Any]:
    """What the idea page and its critiques section show."""
    circle = idea.circle
    me = permissions.acting_member(request.user, circle.program.organization_id)
    page = idea_page(idea=idea, me=me, capabilities=capabilities(request))
    takes_part = permissions.can_take_part_in_ideas(request.user, circle)
    is_open = (
        idea.challenge.status == Challenge.Status.OPEN and not idea.withdrawn and not idea.is_hidden
    )
    return {
        "idea": idea,
        "circle": circle,
        "challenge": idea.challenge,
        "program": circle.program,
        "page": page,
        "me": me,
        "idea_mine": idea.author_id == me.pk or page.idea_mine_until is not None,
        "settings": circle_idea_settings(circle=circle),
        "takes_part": takes_part,
        "can_critique": takes_part and is_open,
        "can_moderate": permissions.can_moderate_ideas(request.user, circle),
        "decision_panel": idea_decision_panel(idea=idea, user=request.user),
        "critique_form": CritiqueForm(),
        "reply_form": CritiqueForm(reply=True),
        "nav_section": "programs",
        **idea_extras(request, idea),
        **extra,
    }


@login_required
def idea_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=pk)
    return render(request, "ideas/idea_detail.html", idea_context(request, idea))


def _guideline_page(request: HttpRequest, circle: Any, **kwargs: Any) -> HttpResponse:
    return form_page(
        request,
        template="ideas/idea_form.html",
        extra={"settings": circle_idea_settings(circle=circle)},
        **kwargs,
    )


@login_required
def idea_propose(request: HttpRequest, challenge_pk: int) -> HttpResponse:
    challenge = challenge_get_for_user(user=request.user, pk=challenge_pk)
    circles = proposing_circles(challenge=challenge, user=request.user)
    if not circles:
        raise Http404("No such challenge.")
    form = IdeaForm(request.POST or None, circles=circles)
    chosen = circles[0]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = next((c for c in circles if c.pk == data.pop("circle", chosen.pk)), chosen)
        me = permissions.acting_member(request.user, chosen.program.organization_id)
        try:
            idea, capability = services.idea_propose(
                challenge=challenge, circle=chosen, member=me, **data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                "Idea proposed anonymously: only this browser can change it, for 24 hours."
                if capability
                else "Idea proposed.",
            )
            response = redirect(idea_url(idea))
            return capability_remember(request, response, pk=idea.pk, capability=capability)
    return render(
        request,
        "ideas/idea_form.html",
        {
            "form": form,
            "title": f"Propose an idea for “{challenge.title}”",
            "subtitle": "A tactic: what it is, how it would work, the effect you expect.",
            "submit_label": "Propose the idea",
            "cancel_url": reverse("ideas:challenge_detail", args=[challenge.pk]),
            "settings": circle_idea_settings(circle=chosen),
            "nav_section": "programs",
        },
    )


def _authored_idea(request: HttpRequest, pk: Any) -> tuple[Idea, Any, str | None]:
    """An idea the user may see, the acting member and this browser's capability for it."""
    idea = idea_get_for_user(user=request.user, pk=pk, can=permissions.can_take_part_in_ideas)
    me = permissions.acting_member(request.user, idea.circle.program.organization_id)
    return idea, me, capability_for(request, idea.pk)


def refuse_not_yours(request: HttpRequest, idea: Idea) -> HttpResponse:
    """Someone who did not write it (or whose browser's capability lapsed) opens an edit page."""
    messages.error(request, NOT_YOURS)
    return redirect(idea_url(idea))


@login_required
def idea_revise(request: HttpRequest, pk: Any) -> HttpResponse:
    idea, me, capability = _authored_idea(request, pk)
    if not contribution_is_mine(idea, me=me, capability=capability):
        return refuse_not_yours(request, idea)
    current = idea.versions.get(number=idea.version)
    form = IdeaForm(
        request.POST or None,
        initial={"summary": current.summary, "how": current.how, "effect": current.effect},
    )
    return _guideline_page(
        request,
        idea.circle,
        form=form,
        save=lambda data: services.idea_revise(idea=idea, member=me, capability=capability, **data),
        success=lambda v: f"Idea revised: it is now at v{v.number}; earlier versions are kept.",
        then=idea_url(idea),
        title=f"Revise the idea (now v{idea.version})",
        subtitle="Critiques keep the version they answered; the page shows which.",
        submit_label="Save as a new version",
        cancel_url=idea_url(idea),
    )


@login_required
@require_POST
def idea_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    idea, me, capability = _authored_idea(request, pk)
    service_action(
        request,
        lambda: services.idea_withdraw(idea=idea, member=me, capability=capability),
        success="Idea withdrawn; it shows as withdrawn by its author.",
    )
    return redirect(idea_url(idea))


@login_required
def idea_hide(request: HttpRequest, pk: Any) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=pk, can=permissions.can_moderate_ideas)
    me = permissions.acting_member(request.user, idea.circle.program.organization_id)
    return form_page(
        request,
        HideForm(request.POST or None),
        save=lambda data: critique_services.contribution_hide(contribution=idea, by=me, **data),
        success="Idea hidden: it shows as hidden, with your reason.",
        then=idea_url(idea),
        title="Hide this idea",
        subtitle="For abuse only. It shows as hidden with your reason; a named author is told.",
        submit_label="Hide it",
        cancel_url=idea_url(idea),
    )


@login_required
def circle_settings(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(
        user=request.user, pk=circle_pk, can=permissions.can_moderate_ideas
    )
    settings = circle_idea_settings(circle=circle)
    form = IdeaSettingsForm(
        request.POST or None,
        initial={"guideline": settings.guideline, "anonymous": settings.anonymous},
    )
    return form_page(
        request,
        form,
        save=lambda data: services.circle_idea_settings_update(circle=circle, **data),
        success=lambda s: (
            "Settings saved: from now on, ideas and critiques are "
            + ("anonymous." if s.anonymous else "named.")
        ),
        then=reverse("ideas:circle_challenges", args=[circle.pk]),
        title=f"How {circle.name} critiques",
        subtitle="The guideline people see where they write, and whether names are shown.",
        submit_label="Save",
        cancel_url=reverse("ideas:circle_challenges", args=[circle.pk]),
    )
