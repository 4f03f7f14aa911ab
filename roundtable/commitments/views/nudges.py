"""One-click "done" and "new date" links from nudge emails, without signing in. Opening a signed
link only shows the commitment and a form (mail scanners that follow links must not act for
people); the page's POST acts, and the link is checked again then. A refused link changes
nothing and says why."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from roundtable.commitments.forms import DoneForm, MoveForm
from roundtable.commitments.services.commitments import commitment_done, commitment_move
from roundtable.commitments.services.nudges import NudgeLinkInvalid, nudge_from_token, nudge_zone
from roundtable.core.errors import DomainError

TEMPLATE = "commitments/nudge.html"


def _nudge_page(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    try:
        commitment, member = nudge_from_token(token=token, purpose=purpose)
    except NudgeLinkInvalid as exc:
        return render(request, TEMPLATE, {"error": exc.message}, status=410)
    form_class = DoneForm if purpose == "done" else MoveForm
    form = form_class(request.POST) if request.method == "POST" else form_class()
    zone = nudge_zone(commitment)
    context: dict[str, Any] = {
        "purpose": purpose,
        "commitment": commitment,
        "member": member,
        "due": commitment.due_at.astimezone(zone) if commitment.due_at else None,
        "time_zone": str(zone),
        "my_zone": member.time_zone,
        "form": form,
        "token": token,
    }
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    data = form.cleaned_data
    try:
        if purpose == "done":
            commitment_done(
                commitment=commitment, member=member, note=data["note"], link=data["link"]
            )
        else:
            commitment_move(
                commitment=commitment,
                member=member,
                due_on=data["due_on"],
                due_time=data["due_time"],
                reason=data["reason"],
            )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return render(request, TEMPLATE, context, status=400)
    commitment.refresh_from_db()
    moved = commitment.due_at.astimezone(nudge_zone(commitment)) if commitment.due_at else None
    return render(request, TEMPLATE, {**context, "acted": True, "due": moved})


@require_http_methods(["GET", "HEAD", "POST"])
def nudge_done(request: HttpRequest, token: str) -> HttpResponse:
    return _nudge_page(request, token, "done")


@require_http_methods(["GET", "HEAD", "POST"])
def nudge_move(request: HttpRequest, token: str) -> HttpResponse:
    return _nudge_page(request, token, "move")
