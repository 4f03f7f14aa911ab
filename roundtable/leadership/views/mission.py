"""The circle's mission, written together: the page (current version, who acknowledged it, the
lines proposed, earlier versions), proposing and withdrawing a line, assembling a version,
acknowledging the current one. Anyone who sees the circle sees the page; each action asks the
policy, then calls one service. A refusal is said on the page and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError, PermissionDenied
from roundtable.core.form_pages import form_error, form_page
from roundtable.leadership.forms.mission import (
    MissionAcknowledgeForm,
    MissionAssembleForm,
    MissionLineForm,
)
from roundtable.leadership.models import Mission
from roundtable.leadership.selectors.mission import (
    lead_onboarding_get,
    mission_current,
    mission_line_get_for_user,
    mission_lines_open,
    mission_page,
)
from roundtable.leadership.services import mission as services

IN_THE_CIRCLE_ONLY = (
    "Only the circle's members and its lead propose lines and acknowledge the mission."
)
ASSEMBLERS_ONLY = (
    "Only the circle's lead, the program's coordinators and admins assemble the mission."
)


def refused(request: HttpRequest, circle: Circle, message: str) -> HttpResponse:
    """A page the person may see, an action they may not take: say so, change nothing."""
    return render(
        request,
        "leadership/mission_refused.html",
        {
            "circle": circle,
            "program": circle.program,
            "message": message,
            "nav_section": "programs",
        },
        status=403,
    )


def _page(
    request: HttpRequest,
    circle: Circle,
    *,
    line_form: MissionLineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    page = mission_page(circle=circle, user=user)
    is_lead = permissions.can_use_lead_toolkit(user, circle)
    onboarding = None
    if is_lead:
        onboarding = (
            lead_onboarding_get(circle=circle, lead=page.standing.me) if page.standing.me else None
        )
    return render(
        request,
        "leadership/mission.html",
        {
            "circle": circle,
            "program": circle.program,
            "page": page,
            "current": page.standing.mission,
            "can_propose": page.standing.can_acknowledge,
            "can_assemble": permissions.can_assemble_mission(user, circle),
            "is_lead": is_lead,
            "onboarding": onboarding,
            "line_form": line_form or MissionLineForm(),
            "nav_section": "programs",
        },
        status=status,
    )


@login_required
@require_GET
def mission_view(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    return _page(request, circle)


def _taking_part(request: HttpRequest, circle: Circle) -> Any:
    """Who acts, when they take part in the circle (else PermissionDenied)."""
    permission_require(
        permissions.can_propose_mission_line(request.user, circle), IN_THE_CIRCLE_ONLY
    )
    return permissions.acting_member(request.user, circle.program.organization_id)


@login_required
@require_POST
def mission_line_propose(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    try:
        me = _taking_part(request, circle)
    except PermissionDenied as exc:
        return refused(request, circle, exc.message)
    form = MissionLineForm(request.POST)
    if form.is_valid():
        try:
            services.mission_line_propose(circle=circle, author=me, text=form.cleaned_data["text"])
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, "Your line is proposed: the lead puts the mission together from the lines."
            )
            return redirect(services.mission_url(circle))
    messages.error(request, "Your line was not proposed: see below.")
    return _page(request, circle, line_form=form, status=400)


@login_required
@require_POST
def mission_line_withdraw(request: HttpRequest, circle_pk: int, line_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    line = mission_line_get_for_user(circle=circle, pk=line_pk)
    me = permissions.acting_member(request.user, circle.program.organization_id)
    try:
        services.mission_line_withdraw(line=line, member=me)
    except DomainError as exc:
        return refused(request, circle, exc.message)
    messages.success(request, "Your line is withdrawn.")
    return redirect(services.mission_url(circle))


@login_required
@require_POST
def mission_acknowledge(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    try:
        me = _taking_part(request, circle)
    except PermissionDenied as exc:
        return refused(request, circle, exc.message)
    form = MissionAcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say which version of the mission you acknowledge.")
        return _page(request, circle, status=400)
    try:
        ack = services.mission_acknowledge(
            circle=circle, member=me, number=form.cleaned_data["number"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page(request, circle, status=400)
    messages.success(request, f"You acknowledged version {ack.mission.number} of the mission.")
    if form.cleaned_data["back_to_circle"]:
        return redirect("circles:detail", pk=circle.pk)
    return redirect(services.mission_url(circle))


@login_required
def mission_assemble(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    if not permissions.can_assemble_mission(request.user, circle):
        return refused(request, circle, ASSEMBLERS_ONLY)
    me = permissions.acting_member(request.user, circle.program.organization_id)
    current: Mission | None = mission_current(circle=circle)
    lines = list(mission_lines_open(circle=circle))
    initial: dict[str, Any] = {"based_on": current.number if current else None}
    if current is not None:
        in_current = set(current.lines.values_list("pk", flat=True))
        initial["text"] = current.text
        initial["lines"] = [line.pk for line in lines if line.pk in in_current]
    form = MissionAssembleForm(request.POST or None, lines=lines, initial=initial)

    def save(data: dict[str, Any]) -> Mission:
        return services.mission_assemble(
            circle=circle,
            assembled_by=me,
            lines=form.chosen_lines(),
            text=data["text"],
            based_on=data["based_on"],
        )

    return form_page(
        request,
        form,
        save=save,
        success=lambda m: (
            f"Version {m.number} of the mission is out: "
            "the circle's members are asked to acknowledge it."
        ),
        then=services.mission_url(circle),
        title=f"Assemble the mission of {circle.name}",
        subtitle="Choose the lines that say what the circle is here to do together, "
        "then edit them into one text.",
        submit_label="Make this the new version",
        cancel_url=services.mission_url(circle),
        template="leadership/mission_assemble.html",
        extra={
            "circle": circle,
            "program": circle.program,
            "current": current,
            "line_count": len(lines),
        },
    )
