"""The lead's page on one peer: their private note beside what the peer shares, suggestions,
and support plans (taking a suggestion pre-fills a new plan the lead can adjust and save)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_error, service_action
from roundtable.leadership.forms.private import PeerNoteForm, SupportPlanForm
from roundtable.leadership.models import PeerNote, SupportPlan
from roundtable.leadership.selectors.peers import peer_get, peer_page, support_plan_get_for_user
from roundtable.leadership.selectors.toolkit import toolkit_author, toolkit_circle_get
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.leadership.services.support_plans import (
    support_plan_change,
    support_plan_close,
    support_plan_create,
)
from roundtable.leadership.views.toolkit import PRIVACY_LINE
from roundtable.orgs.models import Member

REVIEW_AFTER = dt.timedelta(weeks=2)  # the new plan form's first guess at a review date


def _peer_url(circle: Circle, peer: Member) -> str:
    return reverse("leadership:peer", args=[circle.pk, peer.pk])


def _note_initial(note: PeerNote | None) -> dict[str, str]:
    if note is None:
        return {}
    return {"goals": note.goals, "needs": note.needs, "load": note.load, "support": note.support}


def _render(
    request: HttpRequest,
    *,
    circle: Circle,
    lead: Member,
    peer: Member,
    note_form: forms.Form | None = None,
    plan_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    page = peer_page(circle=circle, lead=lead, peer=peer, user=request.user)
    taken = None
    if plan_form is None:
        taken = next((s for s in page["suggestions"] if s.key == request.GET.get("take")), None)
        today = timezone.localdate(timezone.now(), ZoneInfo(circle.time_zone))
        initial: dict[str, Any] = {"review_on": today + REVIEW_AFTER}
        if taken is not None:
            initial |= {"approach": taken.approach, "next_step": taken.next_step}
        plan_form = SupportPlanForm(initial=initial)
    return render(
        request,
        "leadership/peer.html",
        {
            "circle": circle,
            "program": circle.program,
            "peer": peer,
            "note_form": note_form or PeerNoteForm(initial=_note_initial(page["note"])),
            "plan_form": plan_form,
            "taken": taken,
            "privacy_line": PRIVACY_LINE,
            "nav_section": "programs",
            **page,
        },
        status=status,
    )


def _fetch(request: HttpRequest, circle_pk: int, member_pk: int) -> tuple[Circle, Member, Member]:
    circle = toolkit_circle_get(user=request.user, pk=circle_pk)
    lead = toolkit_author(user=request.user, circle=circle)
    return circle, lead, peer_get(circle=circle, member_pk=member_pk)


@login_required
def peer(request: HttpRequest, circle_pk: int, member_pk: int) -> HttpResponse:
    circle, lead, member = _fetch(request, circle_pk, member_pk)
    return _render(request, circle=circle, lead=lead, peer=member)


@require_POST
@login_required
def peer_note(request: HttpRequest, circle_pk: int, member_pk: int) -> HttpResponse:
    circle, lead, member = _fetch(request, circle_pk, member_pk)
    form = PeerNoteForm(request.POST)
    if form.is_valid():
        try:
            peer_note_save(circle=circle, author=lead, peer=member, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Note saved. Only you can read it.")
            return redirect(_peer_url(circle, member))
    return _render(request, circle=circle, lead=lead, peer=member, note_form=form, status=400)


@require_POST
@login_required
def support_plan_new(request: HttpRequest, circle_pk: int, member_pk: int) -> HttpResponse:
    circle, lead, member = _fetch(request, circle_pk, member_pk)
    form = SupportPlanForm(request.POST)
    if form.is_valid():
        try:
            plan = support_plan_create(circle=circle, author=lead, peer=member, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, f"Support plan saved; we will remind you on {plan.review_on:%d %b %Y}."
            )
            return redirect(_peer_url(circle, member))
    return _render(request, circle=circle, lead=lead, peer=member, plan_form=form, status=400)


@login_required
def support_plan_edit(
    request: HttpRequest, circle_pk: int, member_pk: int, pk: int
) -> HttpResponse:
    circle, lead, member = _fetch(request, circle_pk, member_pk)
    plan = support_plan_get_for_user(user=request.user, circle=circle, peer=member, pk=pk)
    form = SupportPlanForm(
        request.POST or None,
        initial={
            "approach": plan.approach,
            "next_step": plan.next_step,
            "review_on": plan.review_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            support_plan_change(plan=plan, author=lead, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Support plan updated.")
            return redirect(_peer_url(circle, member))
    return render(
        request,
        "leadership/support_plan_edit.html",
        {
            "circle": circle,
            "program": circle.program,
            "peer": member,
            "plan": plan,
            "form": form,
            "privacy_line": PRIVACY_LINE,
            "nav_section": "programs",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def support_plan_close_view(
    request: HttpRequest, circle_pk: int, member_pk: int, pk: int
) -> HttpResponse:
    circle, lead, member = _fetch(request, circle_pk, member_pk)
    plan: SupportPlan = support_plan_get_for_user(
        user=request.user, circle=circle, peer=member, pk=pk
    )
    service_action(
        request,
        lambda: support_plan_close(plan=plan, author=lead),
        success="Support plan closed; it stays in your notes.",
    )
    return redirect(_peer_url(circle, member))
