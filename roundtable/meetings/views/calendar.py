"""Calendar pages: one meeting as an .ics download, the member's secret subscription feed, and
resetting its link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.core import permissions
from roundtable.meetings import services
from roundtable.meetings.calendar import events_from_queryset, meetings_ics
from roundtable.meetings.selectors import (
    calendar_feed_get_by_token,
    meeting_get_for_user,
    meetings_for_member_feed,
)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    # The media type names the calendar's METHOD, as RFC 5545 (8.1) asks.
    content_type = "text/calendar; method=PUBLISH; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    return _ics_response(
        meetings_ics([meeting], name=meeting.circle.name), f"meeting-{meeting.pk}.ics"
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret subscription URL: calendar apps fetch it without signing in, so who may see
    what is checked again at every fetch (active member and account, current circles)."""
    feed = calendar_feed_get_by_token(token=token)
    events = events_from_queryset(meetings_for_member_feed(member=feed.member))
    response = _ics_response(meetings_ics(events, name="Roundtable circles"), "roundtable.ics")
    response["Content-Disposition"] = 'inline; filename="roundtable.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def calendar_feed_reset_view(request: HttpRequest) -> HttpResponse:
    members = list(permissions.memberships(request.user).values())
    if not members:
        raise Http404("Not found.")
    for member in members:
        services.calendar_feed_reset(member=member)
    messages.success(request, "Your calendar link is new; the old one no longer works.")
    return redirect(reverse("orgs:profile") + "#calendar")
