"""Leadership's pages about one peer: the lead's private note and support plans."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
