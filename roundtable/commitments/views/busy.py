"""Busy periods: a member declares a stretch with less room, sees which of their commitments
fall inside it, and moves them all in one step (each move a renegotiation on record)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.commitments.forms import BusyMoveForm, BusyPeriodForm
from roundtable.commitments.selectors.commitments import (
    busy_period_commitments,
    busy_period_get_for_user,
    busy_periods_for,
)
from roundtable.commitments.services import busy as services
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error, service_action
from roundtable.orgs.models import Member


def _me(request: HttpRequest) -> Member:
    """The member whose busy periods these are: the user's first membership (a busy period is
    a person's, whichever organisation's commitments it touches first)."""
    members = sorted(permissions.memberships(request.user).values(), key=lambda m: m.pk)
    if not members:
        raise Http404("You are not in an organisation.")
    return members[0]


@login_required
def busy_periods(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = BusyPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.busy_period_add(member=me, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Noted: {period.label}.")
            return redirect(reverse("commitments:busy_detail", args=[period.pk]))
    return render(
        request,
        "commitments/busy.html",
        {
            "periods": busy_periods_for(member=me),
            "form": form,
            "me": me,
            "nav_section": "commitments",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def busy_period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = busy_period_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "commitments/busy_detail.html",
        {
            "period": period,
            "flagged": busy_period_commitments(period=period),
            "move_form": BusyMoveForm(initial={"to_on": period.ends_on + dt.timedelta(days=1)}),
            "nav_section": "commitments",
        },
    )


@require_POST
@login_required
def busy_period_move(request: HttpRequest, pk: int) -> HttpResponse:
    period = busy_period_get_for_user(user=request.user, pk=pk)
    form_action(
        request,
        BusyMoveForm(request.POST),
        save=lambda data: services.busy_period_move_commitments(
            period=period, member=period.member, to_on=data["to_on"]
        ),
        invalid="Choose the day to move them to.",
        success=lambda changes: (
            f"Moved {len(changes)} commitment{'s' if len(changes) != 1 else ''}"
            "; the people waiting on them are told."
        ),
    )
    return redirect(reverse("commitments:busy_detail", args=[period.pk]))


@require_POST
@login_required
def busy_period_remove(request: HttpRequest, pk: int) -> HttpResponse:
    period = busy_period_get_for_user(user=request.user, pk=pk)
    service_action(
        request,
        lambda: services.busy_period_remove(period=period, member=period.member),
        success="Removed.",
    )
    return redirect(reverse("commitments:busy"))
