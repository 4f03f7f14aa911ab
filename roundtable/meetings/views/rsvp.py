"""One-click replies from reminder emails, without signing in. Opening the signed link only asks
(security scanners that follow links in mail must not answer for people); the answer is recorded
by the POST of the page's button, and the link is checked again then."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.forms import RsvpForm
from roundtable.meetings.models import Rsvp
from roundtable.meetings.rsvp import RsvpLinkInvalid, rsvp_from_token


@require_http_methods(["GET", "HEAD", "POST"])
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    try:
        meeting, member, suggested = rsvp_from_token(token=token)
    except RsvpLinkInvalid as exc:
        return render(request, "meetings/rsvp.html", {"error": exc.message}, status=410)
    context = {
        "meeting": meeting,
        "member": member,
        "token": token,
        "suggested": suggested,
        "starts": timezone.localtime(meeting.starts_at, ZoneInfo(member.time_zone)),
        "choices": Rsvp.Response.choices,
    }
    if request.method != "POST":
        return render(request, "meetings/rsvp.html", context)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        return render(request, "meetings/rsvp.html", {**context, "problem": "Reply yes or no."},
                      status=400)  # fmt: skip
    try:
        saved = services.rsvp_set(
            meeting=meeting, member=member, response=form.cleaned_data["response"]
        )
    except DomainError as exc:
        return render(request, "meetings/rsvp.html", {"error": exc.message}, status=410)
    return render(request, "meetings/rsvp.html", {**context, "response": saved.response})
