"""Escalation's pages: raising one from a commitment (the lead), its documentation (page, print
view, PDF), the owner's side, the sponsor's queue, comments and resolution. Each fetches with
access (Http404 for anyone who may not see it: the sponsor before the owner's period has passed
included), asks the policy for the action (a 403 with the reason, nothing changed), calls one
service and goes back to the documentation page, saying what happened or why not."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.commitments.models import Escalation
from roundtable.commitments.selectors.escalations import (
    commitment_get_for_escalation,
    escalation_documentation,
    escalation_get_for_user,
    escalation_grounds,
    escalation_queue,
)
from roundtable.commitments.services.documentation import documentation_pdf
from roundtable.commitments.services.escalations import (
    escalation_comment,
    escalation_owner_side,
    escalation_raise,
    escalation_resolve,
)
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError, PermissionDenied
from roundtable.core.form_pages import form_page
from roundtable.orgs.models import Member

LEAD_ONLY = "Only the circle's lead escalates a commitment to the sponsor."
OWNER_ONLY = "Only the commitment's owner adds their side."
NO_OUTCOME = "Choose the outcome: a new date agreed, reassigned, or dropped."
SPONSOR_ONLY = "Only the program's sponsor comments on and resolves an escalation."


class RaiseForm(forms.Form):
    reason = forms.CharField(
        label="Why you are escalating it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you tried, and what you need from the sponsor. The owner reads it first.",
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        choices=Escalation.Resolution.choices,
        error_messages={
            "required": "Choose the outcome: a new date agreed, reassigned, or dropped."
        },
    )
    note = forms.CharField(max_length=2000, required=False)
    reassign_to = forms.IntegerField(required=False)


def _refused(request: HttpRequest, escalation: Escalation, message: str) -> HttpResponse:
    messages.error(request, message)
    return _detail(request, escalation, status=403)


def _detail(request: HttpRequest, escalation: Escalation, *, status: int = 200) -> HttpResponse:
    user = request.user
    owner = escalation.commitment.owner
    zone = owner.time_zone
    can_resolve = permissions.can_resolve_escalation(user, escalation)
    unresolved = escalation.resolved_at is None
    context: dict[str, Any] = {
        "escalation": escalation,
        "doc": escalation_documentation(escalation=escalation),
        "nav_section": "programs",
        "is_owner": permissions.can_add_owner_side(user, escalation),
        "can_owner_side": unresolved and permissions.can_add_owner_side(user, escalation),
        "can_resolve": unresolved and can_resolve,
        "in_owner_period": escalation.owner_period_ends_at > timezone.now(),
        "period_ends_local": timezone.localtime(escalation.owner_period_ends_at, ZoneInfo(zone)),
        "owner_zone": zone,
        "resolutions": Escalation.Resolution.choices,
        "reassign_choices": (
            list(
                Member.objects.filter(
                    circle_memberships__circle_id=escalation.commitment.circle_id,
                    circle_memberships__left_on__isnull=True,
                )
                .exclude(pk=owner.pk)
                .select_related("user")
                .distinct()
            )
            if unresolved and can_resolve
            else []
        ),
    }
    return render(request, "commitments/escalation_detail.html", context, status=status)


# --- raising ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def escalation_raise_page(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = commitment_get_for_escalation(user=request.user, pk=pk)
    if not permissions.can_escalate_commitment(request.user, commitment):
        messages.error(request, LEAD_ONLY)
        back = reverse("commitments:detail", args=[commitment.pk])
        return render(
            request, "commitments/escalation_refused.html", {"back_url": back}, status=403
        )
    me = permissions.acting_member(request.user, commitment.circle.program.organization_id)
    form = RaiseForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        save=lambda data: escalation_raise(commitment=commitment, by=me, reason=data["reason"]),
        success=lambda e: (
            f"Escalated. {commitment.owner} is told first and can add their side; the sponsor "
            "sees it when their period ends."
        ),
        then=lambda e: reverse("commitments:escalation_detail", args=[e.pk]),
        title="Escalate to the sponsor",
        subtitle=f"{commitment.title} · {commitment.circle.program.name}",
        submit_label="Escalate",
        cancel_url=reverse("commitments:detail", args=[commitment.pk]),
        template="commitments/escalation_raise.html",
        extra={
            "commitment": commitment,
            "grounds": escalation_grounds(commitment=commitment, now=timezone.now()),
            "sponsor": commitment.circle.program.sponsor,
        },
    )


# --- the documentation ------------------------------------------------------------------------


@login_required
@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, escalation_get_for_user(user=request.user, pk=pk))


@login_required
@require_GET
def escalation_print(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "commitments/escalation_print.html",
        {"doc": escalation_documentation(escalation=escalation)},
    )


@login_required
@require_GET
def escalation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    pdf = documentation_pdf(documentation=escalation_documentation(escalation=escalation))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="escalation-{escalation.pk}.pdf"'
    return response


# --- the owner's side, comments, resolution ---------------------------------------------------


def _act(request: HttpRequest, escalation: Escalation, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except PermissionDenied as exc:
        return _refused(request, escalation, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, escalation, status=400)
    messages.success(request, done)
    return redirect("commitments:escalation_detail", pk=escalation.pk)


@login_required
@require_POST
def escalation_owner_side_post(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, pk=pk)

    def act() -> None:
        permission_require(permissions.can_add_owner_side(request.user, escalation), OWNER_ONLY)
        me = permissions.acting_member(
            request.user, escalation.commitment.circle.program.organization_id
        )
        escalation_owner_side(escalation=escalation, owner=me, text=request.POST.get("text", ""))

    return _act(request, escalation, act, "Your side is saved; the sponsor will read it.")


@login_required
@require_POST
def escalation_comment_post(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, pk=pk)

    def act() -> None:
        permission_require(
            permissions.can_resolve_escalation(request.user, escalation), SPONSOR_ONLY
        )
        me = permissions.acting_member(
            request.user, escalation.commitment.circle.program.organization_id
        )
        escalation_comment(escalation=escalation, sponsor=me, text=request.POST.get("text", ""))

    return _act(request, escalation, act, "Comment added; the owner and the lead are told.")


@login_required
@require_POST
def escalation_resolve_post(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    form = ResolveForm(request.POST)

    def act() -> None:
        permission_require(
            permissions.can_resolve_escalation(request.user, escalation), SPONSOR_ONLY
        )
        if not form.is_valid():
            raise DomainError(
                next(str(e) for errors in form.errors.values() for e in errors), field="resolution"
            )
        me = permissions.acting_member(
            request.user, escalation.commitment.circle.program.organization_id
        )
        data = form.cleaned_data
        to = None
        if data.get("reassign_to"):
            to = Member.objects.filter(
                pk=data["reassign_to"], organization_id=me.organization_id
            ).first()
        escalation_resolve(
            escalation=escalation,
            sponsor=me,
            resolution=data["resolution"],
            note=data.get("note") or "",
            reassign_to=to,
        )

    return _act(request, escalation, act, "Resolved: the outcome is recorded and the owner told.")


# --- the sponsor's queue ----------------------------------------------------------------------


@login_required
@require_GET
def escalation_queue_page(request: HttpRequest) -> HttpResponse:
    queue = escalation_queue(user=request.user)
    return render(
        request,
        "commitments/escalation_queue.html",
        {"queue": queue, "sponsors": queue["sponsors"], "nav_section": "programs"},
    )
