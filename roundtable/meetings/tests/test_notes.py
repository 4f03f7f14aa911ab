"""A meeting's shared notes (services/notes.py) and their rendering (rendering.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.rendering import notes_render


def test_notes_are_sanitised():
    html = notes_render("**Good** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>Good</strong>" in html
    assert "<script>" not in html
    assert "javascript:" not in html


def test_links_in_notes_open_safely():
    html = notes_render("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_notes_are_saved_up_to_the_limit(personas):
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1),
    )
    meeting = personas.circle.meetings.earliest("starts_at")
    services.meeting_notes_save(meeting=meeting, notes="x" * 50_000)
    with pytest.raises(DomainError, match="limited to 50,000"):
        services.meeting_notes_save(meeting=meeting, notes="x" * 50_001)
    meeting.refresh_from_db()
    assert len(meeting.notes) == 50_000
