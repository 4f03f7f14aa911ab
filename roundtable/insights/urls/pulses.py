"""Insights: the pulse's pages (a circle's pulse to answer and read; a program's schedule)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.insights.views import pulses

urlpatterns: list[URLPattern | URLResolver] = [
    path("circles/<int:circle_pk>/pulse/", pulses.pulse_answer_page, name="pulse_answer"),
    path("programs/<int:program_pk>/pulse/", pulses.pulse_schedule_page, name="pulse_schedule"),
]
