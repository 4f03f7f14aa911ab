"""Circle pages: detail, create, edit, membership and lead."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles import selectors
from roundtable.circles.forms import (
    CircleAddMemberForm,
    CircleCreateForm,
    CircleForm,
    CircleLeadForm,
)
from roundtable.circles.models import Circle
from roundtable.circles.services import (
    circle_add_member,
    circle_create,
    circle_remove_member,
    circle_set_lead,
    circle_update,
)
from roundtable.core import permissions
from roundtable.core.form_pages import form_action, form_page, service_action
from roundtable.leadership.selectors.circle_panel import circle_leadership_panel
from roundtable.meetings.history import (
    circle_trend,
    circle_trend_chart,
    meetings_consistency,
    trend_has_early_dip,
)
from roundtable.meetings.selectors import circle_schedule, circle_upcoming_meetings
from roundtable.programs.selectors import program_get_for_user


@login_required
def circle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circle = selectors.circle_get_for_user(user=request.user, pk=pk)
    can_change_members = permissions.can_change_circle_members(request.user, circle)
    trend = circle_trend(circle=circle)
    context = {
        "circle": circle,
        "program": circle.program,
        "roles": permissions.circle_roles(request.user, circle),
        "can_manage": permissions.can_manage_circle(request.user, circle),
        "can_change_members": can_change_members,
        "history": selectors.circle_history(circle=circle),
        "schedule": circle_schedule(circle=circle),
        "upcoming": circle_upcoming_meetings(circle=circle),
        "trend": trend,
        "trend_chart": circle_trend_chart(trend),
        "early_dip": trend_has_early_dip(trend),
        "consistency": meetings_consistency(circle=circle),
        "leadership": circle_leadership_panel(circle=circle, user=request.user),
        "nav_section": "programs",
    }
    if can_change_members:
        context["add_form"] = CircleAddMemberForm(circle=circle)
    if permissions.can_manage_circle(request.user, circle):
        context["lead_form"] = CircleLeadForm(circle=circle, initial={"lead": circle.lead_id})
    return render(request, "circles/circle_detail.html", context)


@login_required
def circle_create_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get_for_user(
        user=request.user, pk=program_pk, can=permissions.can_manage_program
    )
    form = CircleCreateForm(
        request.POST or None,
        program=program,
        initial={"time_zone": program.organization.time_zone},
    )
    return form_page(
        request,
        form,
        save=lambda data: circle_create(program=program, **data),
        success=lambda circle: f"Circle “{circle.name}” created.",
        then=lambda circle: reverse("circles:detail", args=[circle.pk]),
        title="New circle",
        subtitle=program.name,
        submit_label="Create circle",
        cancel_url=reverse("programs:detail", args=[program.pk]),
    )


def _managed_circle(request: HttpRequest, pk: int) -> Circle:
    return selectors.circle_get_for_user(
        user=request.user, pk=pk, can=permissions.can_manage_circle
    )


def _membership_circle(request: HttpRequest, pk: int) -> Circle:
    return selectors.circle_get_for_user(
        user=request.user, pk=pk, can=permissions.can_change_circle_members
    )


@login_required
def circle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _managed_circle(request, pk)
    form = CircleForm(
        request.POST or None,
        initial={
            "name": circle.name,
            "time_zone": circle.time_zone,
            "feedback_anonymous": circle.feedback_anonymous,
        },
    )
    detail = reverse("circles:detail", args=[circle.pk])
    return form_page(
        request,
        form,
        save=lambda data: circle_update(circle=circle, **data),
        success="Circle saved.",
        then=detail,
        title=f"Edit {circle.name}",
        subtitle=circle.program.name,
        submit_label="Save",
        cancel_url=detail,
    )


def _members_fragment(request: HttpRequest, circle: Circle) -> HttpResponse:
    circle = selectors.circle_get_for_user(user=request.user, pk=circle.pk)
    context = {
        "circle": circle,
        "can_change_members": True,
        "can_manage": permissions.can_manage_circle(request.user, circle),
        "add_form": CircleAddMemberForm(circle=circle),
        "lead_form": CircleLeadForm(circle=circle, initial={"lead": circle.lead_id}),
        "history": selectors.circle_history(circle=circle),
    }
    return render(request, "circles/_members.html", context)


def _after_change(request: HttpRequest, circle: Circle) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return _members_fragment(request, circle)
    return redirect("circles:detail", pk=circle.pk)


@login_required
@require_POST
def circle_add_member_view(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _membership_circle(request, pk)
    form_action(
        request,
        CircleAddMemberForm(request.POST, circle=circle),
        save=lambda data: circle_add_member(circle=circle, member=data["member"]),
        invalid="Choose someone to add.",
        success=lambda membership: f"{membership.member} joined {circle}.",
    )
    return _after_change(request, circle)


@login_required
@require_POST
def circle_remove_member_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    circle = _membership_circle(request, pk)
    member = selectors.circle_member_get(circle=circle, member_pk=member_pk)
    service_action(
        request,
        lambda: circle_remove_member(circle=circle, member=member),
        success=f"{member} left {circle}; their time in it stays on record.",
    )
    return _after_change(request, circle)


@login_required
@require_POST
def circle_lead_view(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _managed_circle(request, pk)
    form_action(
        request,
        CircleLeadForm(request.POST, circle=circle),
        save=lambda data: circle_set_lead(circle=circle, lead=data["lead"]),
        invalid="Choose a current member of the circle as lead.",
        success="Lead updated.",
    )
    return _after_change(request, circle)
