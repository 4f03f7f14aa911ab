"""Who runs each meeting: the circle's rotation page (anyone who sees the circle reads it; the
lead, coordinators and admins set it and order it) and a member's "I'll run this one" or "Step
back" on a coming meeting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error, service_action
from roundtable.meetings import services
from roundtable.meetings.forms import RotationForm, RotationMoveForm, RunnerForm
from roundtable.meetings.models import Meeting, MeetingRotation
from roundtable.meetings.selectors import (
    circle_rotation,
    meeting_get_for_user,
    meeting_runner_line,
    rotation_overview,
)
from roundtable.orgs.models import Member

MANAGERS_ONLY = "Only the circle's lead, the program's coordinators and admins set the rotation."
PARTICIPANTS_ONLY = "Only the circle's members and its lead run its meetings."


def meeting_runner_context(request: HttpRequest, meeting: Meeting, me: Member) -> dict[str, Any]:
    """The meeting page's part: who runs it, and the volunteer's buttons (one query)."""
    rotation = circle_rotation(circle=meeting.circle)
    volunteers = rotation is not None and rotation.mode == MeetingRotation.Mode.VOLUNTEERS_FIRST
    open_to_me = (
        volunteers
        and not meeting.is_cancelled
        and meeting.starts_at > timezone.now()
        and permissions.can_volunteer_to_run(request.user, meeting.circle)
    )
    return {
        "runner_line": meeting_runner_line(
            meeting=meeting, rotation=rotation if rotation and rotation.is_on else None
        ),
        "rotation_on": rotation is not None and rotation.is_on,
        "can_volunteer_to_run": open_to_me and meeting.runner_id is None,
        "can_step_back": open_to_me and meeting.runner_id == me.pk,
    }


@login_required
def rotation_page(request: HttpRequest, circle_pk: int) -> HttpResponse:
    """The rotation: its mode, the turn order and who runs the coming meetings. A post from
    the form changes the mode."""
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    can_set = permissions.can_set_meeting_rotation(request.user, circle)
    overview = rotation_overview(circle=circle)
    rotation = overview.rotation
    form = RotationForm(
        request.POST or None,
        initial={"mode": rotation.mode, "volunteer_days": rotation.volunteer_days},
    )
    status = 200
    if request.method == "POST":
        if not can_set:  # they see the page: say why nothing changed
            messages.error(request, MANAGERS_ONLY)
            return redirect("meetings:rotation", circle.pk)
        if form.is_valid():
            try:
                saved = services.rotation_set(circle=circle, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    "Rotation saved; the coming meetings follow it."
                    if saved.is_on
                    else "Rotation off: the lead runs the coming meetings.",
                )
                return redirect("meetings:rotation", circle.pk)
        status = 400
    me = permissions.acting_member(request.user, circle.program.organization_id)
    return render(
        request,
        "meetings/rotation.html",
        {
            "circle": circle,
            "overview": overview,
            "rotation": rotation,
            "form": form,
            "can_set": can_set,
            "can_volunteer": permissions.can_volunteer_to_run(request.user, circle)
            and rotation.mode == rotation.Mode.VOLUNTEERS_FIRST,
            "me": me,
            "nav_section": "programs",
        },
        status=status,
    )


@login_required
@require_POST
def rotation_move(request: HttpRequest, circle_pk: int) -> HttpResponse:
    """Move one person up or down the turn order."""
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    form = RotationMoveForm(request.POST)

    def move(data: dict) -> object:
        permission_require(
            permissions.can_set_meeting_rotation(request.user, circle), MANAGERS_ONLY
        )
        order = [m.pk for m in rotation_overview(circle=circle).people]
        if data["member"] not in order:
            raise DomainError("That person is not in the circle's turn order.")
        at = order.index(data["member"])
        to = at - 1 if data["direction"] == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
        return services.rotation_reorder(circle=circle, order=order)

    form_action(
        request,
        form,
        save=move,
        invalid="Move someone up or down the order.",
        success="Order saved; the coming meetings were dealt again from the top.",
    )
    return redirect(reverse("meetings:rotation", args=[circle.pk]) + "#order")


@login_required
@require_POST
def meeting_runner(request: HttpRequest, pk: int) -> HttpResponse:
    """A member volunteers to run a coming meeting, or steps back from one."""
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    circle = meeting.circle
    form = RunnerForm(request.POST)
    back = reverse("meetings:detail", args=[meeting.pk]) + "#runner"
    if not form.is_valid():
        messages.error(request, "Choose to run the meeting or to step back.")
        return redirect(back)
    if form.cleaned_data["back_to"] == "rotation":
        back = reverse("meetings:rotation", args=[circle.pk]) + "#coming"

    def act() -> object:
        permission_require(
            permissions.can_volunteer_to_run(request.user, circle), PARTICIPANTS_ONLY
        )
        me = permissions.acting_member(request.user, circle.program.organization_id)
        if form.cleaned_data["action"] == "volunteer":
            return services.meeting_volunteer(meeting=meeting, member=me)
        return services.meeting_step_back(meeting=meeting, member=me)

    def said(result: object) -> str:
        if form.cleaned_data["action"] == "volunteer":
            return "Thank you: you run this meeting."
        runner = getattr(result, "runner", None)
        if runner is not None:
            return f"You stepped back; {runner.name} runs this meeting now (next in order)."
        return "You stepped back; the meeting is open to volunteers again."

    service_action(request, act, success=said)
    return redirect(back)
