"""Leadership's mindset pages: the lead's introduction and the circle's mission."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.leadership.views import mission, onboarding

urlpatterns: list[URLPattern] = [
    path(
        "circles/<int:circle_pk>/lead/introduction/",
        onboarding.onboarding_view,
        name="onboarding",
    ),
    path(
        "circles/<int:circle_pk>/lead/introduction/<int:screen>/",
        onboarding.onboarding_view,
        name="onboarding",
    ),
    path(
        "circles/<int:circle_pk>/lead/introduction/move/",
        onboarding.onboarding_move,
        name="onboarding_move",
    ),
    path(
        "circles/<int:circle_pk>/lead/introduction/skip/",
        onboarding.onboarding_skip,
        name="onboarding_skip",
    ),
    path(
        "circles/<int:circle_pk>/lead/introduction/finish/",
        onboarding.onboarding_finish,
        name="onboarding_finish",
    ),
    path("circles/<int:circle_pk>/mission/", mission.mission_view, name="mission"),
    path(
        "circles/<int:circle_pk>/mission/lines/",
        mission.mission_line_propose,
        name="mission_line_propose",
    ),
    path(
        "circles/<int:circle_pk>/mission/lines/<int:line_pk>/withdraw/",
        mission.mission_line_withdraw,
        name="mission_line_withdraw",
    ),
    path(
        "circles/<int:circle_pk>/mission/assemble/",
        mission.mission_assemble,
        name="mission_assemble",
    ),
    path(
        "circles/<int:circle_pk>/mission/acknowledge/",
        mission.mission_acknowledge,
        name="mission_acknowledge",
    ),
]
