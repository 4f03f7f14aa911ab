"""Voice: the circle lead's page of who has spoken up in the circle's ideas lately (named
contributions only), to invite quieter and experienced members in. The lead alone: anyone else
gets a 404, as for a page that does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.ideas.selectors.voice import QUIET_MEETINGS, WINDOW_MEETINGS, circle_voice


@login_required
def circle_voice_page(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk, can=permissions.can_see_voice)
    return render(
        request,
        "ideas/voice.html",
        {
            "circle": circle,
            "program": circle.program,
            "voice": circle_voice(circle=circle, user=request.user),
            "window_meetings": WINDOW_MEETINGS,
            "quiet_meetings": QUIET_MEETINGS,
            "nav_section": "programs",
        },
    )
