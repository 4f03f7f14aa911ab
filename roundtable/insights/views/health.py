"""A circle's health page: each figure over the last months as a chart with the table behind it
and a one-line reading, for everyone who may see the circle (404 for anyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.insights.selectors.health import circle_health, circle_health_figures
from roundtable.insights.selectors.pulses import circle_today


@login_required
def circle_health_page(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(
        user=request.user, pk=circle_pk, can=permissions.can_view_circle_health
    )
    health = circle_health(circle, today=circle_today(circle, timezone.now()))
    return render(
        request,
        "insights/circle_health.html",
        {
            "circle": circle,
            "program": circle.program,
            "health": health,
            "figures": circle_health_figures(health),
            "nav_section": "programs",
        },
    )
