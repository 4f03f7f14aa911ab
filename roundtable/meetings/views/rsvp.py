"""One-click replies from reminder emails, without signing in: the signed link records the reply,
and the page offers the other answer in case of a wrong click."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from roundtable.meetings import services
from roundtable.meetings.forms import RsvpForm
from roundtable.meetings.rsvp import RsvpLinkInvalid, rsvp_from_token, rsvp_token


def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    try:
        meeting, member, response = rsvp_from_token(token=token)
    except RsvpLinkInvalid as exc:
        return render(request, "meetings/rsvp.html", {"error": exc.message}, status=410)
    if request.method == "POST":
        form = RsvpForm(request.POST)
        if not form.is_valid():
            return render(request, "meetings/rsvp.html", {"error": "Reply yes or no."}, status=400)
        response = form.cleaned_data["response"]
    services.rsvp_set(meeting=meeting, member=member, response=response)
    other = "no" if response == "yes" else "yes"
    return render(
        request,
        "meetings/rsvp.html",
        {
            "meeting": meeting,
            "member": member,
            "response": response,
            "starts": timezone.localtime(meeting.starts_at, ZoneInfo(member.time_zone)),
            "other": other,
            "other_token": rsvp_token(meeting=meeting, member=member, response=other),
        },
    )
