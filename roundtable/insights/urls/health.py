"""Insights: a circle's health page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.insights.views import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("circles/<int:circle_pk>/health/", health.circle_health_page, name="circle_health"),
]
