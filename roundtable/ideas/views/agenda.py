"""Ideas into meetings: "Add to the next meeting's agenda" from an idea's page or a challenge's
(for a program-wide challenge, in the circle the person chooses among their own)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.form_pages import service_action
from roundtable.ideas.models import AgendaLink
from roundtable.ideas.selectors.ideas import challenge_get_for_user, idea_get_for_user
from roundtable.ideas.services.agenda import agenda_link_add


def _added(link: AgendaLink) -> str:
    meeting = link.agenda_item.meeting
    start = timezone.localtime(meeting.starts_at, ZoneInfo(meeting.circle.time_zone))
    day = f"{start:%A} {start.day} {start:%B}"
    return f"Added to the agenda of {meeting.circle.name}'s meeting on {day}."


@login_required
@require_POST
def idea_agenda_add(request: HttpRequest, pk: Any) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=pk, can=permissions.can_put_on_agenda)
    me = permissions.acting_member(request.user, idea.circle.program.organization_id)
    service_action(
        request,
        lambda: agenda_link_add(circle=idea.circle, member=me, idea=idea),
        success=_added,
    )
    return redirect(reverse("ideas:idea_detail", args=[idea.pk]))


@login_required
@require_POST
def challenge_agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The circle is the challenge's own, or for a program-wide challenge the one posted (one
    the user takes part in: else Http404, nothing added)."""
    challenge = challenge_get_for_user(user=request.user, pk=pk)
    try:
        circle_pk = challenge.circle_id or int(request.POST.get("circle", ""))
    except ValueError:
        circle_pk = 0
    circle = circle_get_for_user(user=request.user, pk=circle_pk, can=permissions.can_put_on_agenda)
    me = permissions.acting_member(request.user, circle.program.organization_id)
    service_action(
        request,
        lambda: agenda_link_add(circle=circle, member=me, challenge=challenge),
        success=_added,
    )
    return redirect(reverse("ideas:challenge_detail", args=[challenge.pk]))
