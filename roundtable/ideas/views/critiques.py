"""Critique actions on the idea page: add a critique or a reply, edit or withdraw one's own,
endorse another's, and the lead's hiding. htmx posts get the critiques section back; plain
posts go back to the page, or show it again with the problem next to the field and what was
typed kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_error, form_page, service_action
from roundtable.ideas.forms import CritiqueForm, HideForm
from roundtable.ideas.models import Critique, Idea
from roundtable.ideas.selectors.ideas import (
    circle_idea_settings,
    contribution_is_mine,
    critique_get_for_user,
    idea_get_for_user,
)
from roundtable.ideas.services import critiques as services
from roundtable.ideas.views._authorship import capability_for, capability_remember
from roundtable.ideas.views.ideas import idea_context, idea_url, refuse_not_yours


def _section(request: HttpRequest, idea: Idea, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The critiques section for htmx, or the whole page (a form that failed: status 400)."""
    idea = idea_get_for_user(user=request.user, pk=idea.pk)
    context = idea_context(request, idea, **extra)
    if request.headers.get("HX-Request"):
        return render(request, "ideas/_critiques.html", context)
    if status != 200:
        return render(request, "ideas/idea_detail.html", context, status=status)
    return redirect(idea_url(idea, "#critiques"))


@login_required
@require_POST
def critique_add(request: HttpRequest, pk: Any) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=pk, can=permissions.can_take_part_in_ideas)
    me = permissions.acting_member(request.user, idea.circle.program.organization_id)
    parent = None
    if request.POST.get("parent"):
        parent = critique_get_for_user(user=request.user, idea=idea, pk=request.POST["parent"])
    form = CritiqueForm(request.POST, reply=parent is not None)
    failed = {"reply_to": parent, "reply_form": form} if parent else {"critique_form": form}
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
        return _section(request, idea, status=400, **failed)
    try:
        critique, capability = services.critique_add(
            idea=idea, member=me, parent=parent, **form.cleaned_data
        )
    except DomainError as exc:
        form_error(form, exc)
        messages.error(request, exc.message)
        return _section(request, idea, status=400, **failed)
    what = "Reply" if parent else "Critique"
    messages.success(
        request,
        f"{what} added anonymously: only this browser can change it, for 24 hours."
        if capability
        else f"{what} added.",
    )
    response = _section(request, idea)
    return capability_remember(request, response, pk=critique.pk, capability=capability)


def _own(request: HttpRequest, pk: Any, critique_pk: Any) -> tuple[Idea, Critique, Any, str | None]:
    idea = idea_get_for_user(user=request.user, pk=pk, can=permissions.can_take_part_in_ideas)
    critique = critique_get_for_user(user=request.user, idea=idea, pk=critique_pk)
    me = permissions.acting_member(request.user, idea.circle.program.organization_id)
    return idea, critique, me, capability_for(request, critique.pk)


@login_required
def critique_edit(request: HttpRequest, pk: Any, critique_pk: Any) -> HttpResponse:
    idea, critique, me, capability = _own(request, pk, critique_pk)
    if not contribution_is_mine(critique, me=me, capability=capability):
        return refuse_not_yours(request, idea)
    reply = critique.parent_id is not None
    form = CritiqueForm(
        request.POST or None,
        reply=reply,
        initial={
            "stance": critique.stance,
            "reasoning": critique.reasoning,
            "evidence": critique.evidence,
        },
    )

    def save(data: dict[str, Any]) -> Critique:
        return services.critique_edit(
            critique=critique,
            member=me,
            capability=capability,
            reasoning=data["reasoning"],
            evidence=data.get("evidence", ""),
            stance=data.get("stance"),
        )

    return form_page(
        request,
        form,
        save=save,
        success="Critique updated; it now answers the current version.",
        then=idea_url(idea, "#critiques"),
        title="Edit your reply" if reply else "Edit your critique",
        subtitle=f"It will answer the idea's current version, v{idea.version}.",
        submit_label="Save",
        cancel_url=idea_url(idea, "#critiques"),
        template="ideas/idea_form.html",
        extra={"settings": circle_idea_settings(circle=idea.circle)},
    )


@login_required
@require_POST
def critique_withdraw(request: HttpRequest, pk: Any, critique_pk: Any) -> HttpResponse:
    idea, critique, me, capability = _own(request, pk, critique_pk)
    service_action(
        request,
        lambda: services.critique_withdraw(critique=critique, member=me, capability=capability),
        success="Withdrawn; it shows as withdrawn by its author.",
    )
    return _section(request, idea)


@login_required
@require_POST
def critique_endorse(request: HttpRequest, pk: Any, critique_pk: Any) -> HttpResponse:
    """Endorse the argument, or take the endorsement back (`undo`)."""
    idea, critique, me, capability = _own(request, pk, critique_pk)
    if request.POST.get("undo"):
        service_action(
            request,
            lambda: services.critique_unendorse(critique=critique, member=me),
            success="Endorsement taken back.",
        )
    else:
        service_action(
            request,
            lambda: services.critique_endorse(critique=critique, member=me, capability=capability),
            success="Endorsed: you find this argument convincing.",
        )
    return _section(request, idea)


@login_required
def critique_hide(request: HttpRequest, pk: Any, critique_pk: Any) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=pk, can=permissions.can_moderate_ideas)
    critique = critique_get_for_user(user=request.user, idea=idea, pk=critique_pk)
    me = permissions.acting_member(request.user, idea.circle.program.organization_id)
    return form_page(
        request,
        HideForm(request.POST or None),
        save=lambda data: services.contribution_hide(contribution=critique, by=me, **data),
        success="Hidden: it shows as hidden, with your reason.",
        then=idea_url(idea, "#critiques"),
        title="Hide this critique",
        subtitle="For abuse only. It shows as hidden with your reason; a named author is told.",
        submit_label="Hide it",
        cancel_url=idea_url(idea, "#critiques"),
    )
