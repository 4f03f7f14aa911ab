"""Open critique's pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "ideas"

urlpatterns: list[URLPattern] = []
