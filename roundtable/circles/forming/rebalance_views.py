"""The re-balancing page: how many people may move (and whether leads may), the preview step by
step, and "Apply these moves". The rules live in `forming.rebalance`; its two small forms live
here beside the page (`forming/forms.py` holds the proposal page's buttons)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles.forming import selectors
from roundtable.circles.forming.rebalance import (
    DEFAULT_BUDGET,
    RebalancePreview,
    formation_rebalance_apply,
    formation_rebalance_people_count,
    formation_rebalance_preview,
)
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_error


class RebalanceForm(forms.Form):
    budget = forms.IntegerField(
        label="People who may move",
        min_value=1,
        help_text="At most this many people change circle; a swap moves two.",
    )
    allow_leads = forms.BooleanField(
        label="Allow moving circle leads (their circle will need a new lead)", required=False
    )


class RebalanceApplyForm(forms.Form):
    token = forms.CharField()
    budget = forms.IntegerField(required=False)
    allow_leads = forms.BooleanField(required=False)


@login_required
def formation_rebalance_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    """GET with no input: the form; GET with a budget: the form and the preview."""
    program = selectors.formation_program_get_for_user(user=request.user, pk=program_pk)
    people = formation_rebalance_people_count(program=program)
    asked = "budget" in request.GET
    form = RebalanceForm(
        request.GET if asked else None, initial={"budget": min(DEFAULT_BUDGET, max(people, 1))}
    )
    form.fields["budget"].widget.attrs["max"] = max(people, 1)
    preview: RebalancePreview | None = None
    if asked and form.is_valid():
        try:
            preview = formation_rebalance_preview(
                program=program,
                budget=form.cleaned_data["budget"],
                allow_leads=form.cleaned_data["allow_leads"],
            )
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "circles/formation_rebalance.html",
        {
            "program": program,
            "form": form,
            "people": people,
            "preview": preview,
            "nav_section": "programs",
        },
    )


@login_required
@require_POST
def formation_rebalance_apply_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.formation_program_get_for_user(user=request.user, pk=program_pk)
    form = RebalanceApplyForm(request.POST)
    again = reverse("circles:formation_rebalance", args=[program.pk])
    if not form.is_valid():
        messages.error(request, "Preview the moves first, then apply them.")
        return redirect(again)
    try:
        moves = formation_rebalance_apply(program=program, token=form.cleaned_data["token"])
    except DomainError as exc:
        messages.error(request, exc.message)
        query = {"budget": form.cleaned_data["budget"] or ""}
        if form.cleaned_data["allow_leads"]:
            query["allow_leads"] = "on"
        return redirect(f"{again}?{urlencode(query)}")
    leaderless = sorted({m.origin.name for m in moves if m.leads})
    text = f"Moved {len(moves)} {'person' if len(moves) == 1 else 'people'}."
    if leaderless:
        text += f" {', '.join(leaderless)} need{'s' if len(leaderless) == 1 else ''} a new lead."
    messages.success(request, text)
    return redirect("programs:detail", pk=program.pk)
