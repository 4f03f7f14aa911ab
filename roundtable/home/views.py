"""Site-wide pages: the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from roundtable.commitments.selectors.commitments import due_this_week
from roundtable.core import permissions
from roundtable.home.selectors import home_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    summary = home_summary(user=request.user)
    members = list(permissions.memberships(request.user).values())
    return render(
        request,
        "home/home.html",
        {
            "summary": summary,
            "user_time_zone": members[0].time_zone if members else "UTC",
            "due_this_week": due_this_week(members=members),
            "nav_section": "home",
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page says; point them at the real icon.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
