"""Leadership's private pages: the lead's toolkit hub, reflections, and "my notes"."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.leadership.views import reflections, toolkit

urlpatterns: list[URLPattern] = [
    # Not circles/<pk>/lead/ itself: that is circles:lead (POST: set the lead), matched first.
    path("circles/<int:circle_pk>/lead/toolkit/", toolkit.toolkit, name="toolkit"),
    path("circles/<int:circle_pk>/lead/reflections/", reflections.reflections, name="reflections"),
    path(
        "circles/<int:circle_pk>/lead/reflections/cadence/",
        reflections.reflection_cadence,
        name="reflection_cadence",
    ),
    path("lead/notes/", toolkit.my_notes, name="my_notes"),
    path(
        "lead/notes/circles/<int:circle_pk>/",
        toolkit.my_notes_for_circle,
        name="my_notes_circle",
    ),
]
