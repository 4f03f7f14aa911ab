"""The lead's toolkit hub for a circle, and "my notes": everything a lead wrote, in the circles
they lead now (to write in) and led before (read only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roundtable.leadership.selectors.reflections import (
    my_notes_circle,
    my_notes_circles,
    reflection_cadence_for,
)
from roundtable.leadership.selectors.toolkit import toolkit_author, toolkit_circle_get, toolkit_hub

PRIVACY_LINE = (
    "Only you can read what you write here. It is encrypted at rest; admins, coordinators and "
    "the sponsor cannot see it, and the next lead starts blank."
)


@login_required
def toolkit(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = toolkit_circle_get(user=request.user, pk=circle_pk)
    lead = toolkit_author(user=request.user, circle=circle)
    return render(
        request,
        "leadership/toolkit.html",
        {
            "circle": circle,
            "program": circle.program,
            "cadence": reflection_cadence_for(circle=circle, author=lead),
            "privacy_line": PRIVACY_LINE,
            "nav_section": "programs",
            **toolkit_hub(circle=circle, lead=lead, user=request.user),
        },
    )


@login_required
def my_notes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "leadership/my_notes.html",
        {
            "circles": my_notes_circles(user=request.user),
            "privacy_line": PRIVACY_LINE,
            "nav_section": "programs",
        },
    )


@login_required
def my_notes_for_circle(request: HttpRequest, circle_pk: int) -> HttpResponse:
    return render(
        request,
        "leadership/my_notes_circle.html",
        {
            "mine": my_notes_circle(user=request.user, circle_pk=circle_pk),
            "privacy_line": PRIVACY_LINE,
            "nav_section": "programs",
        },
    )
