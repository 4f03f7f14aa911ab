"""Insights: the program dashboard."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.insights.views import dashboard

urlpatterns: list[URLPattern | URLResolver] = [
    path("programs/<int:pk>/dashboard/", dashboard.dashboard, name="program_dashboard"),
]
