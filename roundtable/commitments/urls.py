"""Commitments' pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "commitments"

urlpatterns: list[URLPattern] = []
