"""Insights' pages, one module per part (each its own list of paths)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from roundtable.insights.urls import dashboard, data, exports, health, pulses

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = [
    *pulses.urlpatterns,
    *health.urlpatterns,
    *dashboard.urlpatterns,
    *exports.urlpatterns,
    *data.urlpatterns,
]
