"""Site-wide pages: the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roundtable.core.selectors import home_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    summary = home_summary(user=request.user)
    return render(request, "core/home.html", {"summary": summary, "nav_section": "home"})
