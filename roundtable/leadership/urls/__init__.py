"""Leadership's pages, one module per part of the toolkit (each its own list of paths)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from roundtable.leadership.urls import agreements, mission, peers, private, recognition

app_name = "leadership"

urlpatterns: list[URLPattern | URLResolver] = [
    *mission.urlpatterns,
    *private.urlpatterns,
    *peers.urlpatterns,
    *agreements.urlpatterns,
    *recognition.urlpatterns,
]
