"""A meeting's shared notes (services/notes.py): the limit, the history of saves, conflicting
saves; and their rendering (rendering.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.rendering import notes_render
from roundtable.meetings.selectors import meeting_notes_history
from roundtable.meetings.services import NotesConflict
from roundtable.meetings.tests.conftest import DEFAULT_NOW


def test_notes_are_sanitised():
    html = notes_render("**Good** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>Good</strong>" in html
    assert "<script>" not in html
    assert "javascript:" not in html


def test_links_in_notes_open_safely():
    html = notes_render("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_notes_are_saved_up_to_the_limit(personas, meeting):
    lead = personas.members["lead"]
    services.meeting_notes_save(meeting=meeting, notes="x" * 50_000, author=lead, base_version=0)
    with pytest.raises(DomainError, match="limited to 50,000"):
        services.meeting_notes_save(
            meeting=meeting, notes="x" * 50_001, author=lead, base_version=1
        )
    meeting.refresh_from_db()
    assert (len(meeting.notes), meeting.notes_version) == (50_000, 1)


def test_each_save_is_kept_with_who_saved_it_and_when(personas, meeting, frozen_clock):
    lead, member = personas.members["lead"], personas.members["member"]
    services.meeting_notes_save(meeting=meeting, notes="Agenda ready", author=lead, base_version=0)
    frozen_clock.shift(dt.timedelta(minutes=5))
    services.meeting_notes_save(
        meeting=meeting, notes="Agenda ready\n- pricing", author=member, base_version=1
    )
    history = meeting_notes_history(meeting=meeting)
    assert [(r.version, r.author, r.notes, r.saved_at) for r in history] == [
        (2, member, "Agenda ready\n- pricing", DEFAULT_NOW + dt.timedelta(minutes=5)),
        (1, lead, "Agenda ready", DEFAULT_NOW),
    ]


def test_a_save_from_an_older_version_is_a_conflict_that_loses_nothing(personas, meeting):
    lead, member = personas.members["lead"], personas.members["member"]
    # Both opened the notes at version 0; the lead saves first.
    services.meeting_notes_save(meeting=meeting, notes="Lead's text", author=lead, base_version=0)
    with pytest.raises(NotesConflict, match="Lead Persona saved the notes") as conflict:
        services.meeting_notes_save(
            meeting=meeting, notes="Member's text", author=member, base_version=0
        )
    assert (conflict.value.current.notes, conflict.value.current.notes_version) == (
        "Lead's text",
        1,
    )
    meeting.refresh_from_db()
    assert meeting.notes == "Lead's text"
    # Having seen the lead's version, the member's merge goes through.
    services.meeting_notes_save(
        meeting=meeting, notes="Lead's text\nMember's text", author=member, base_version=1
    )
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.notes_version) == ("Lead's text\nMember's text", 2)


def test_saving_the_same_text_again_is_not_a_conflict_nor_a_revision(personas, meeting):
    lead, member = personas.members["lead"], personas.members["member"]
    services.meeting_notes_save(meeting=meeting, notes="Same", author=lead, base_version=0)
    services.meeting_notes_save(meeting=meeting, notes="Same", author=member, base_version=0)
    services.meeting_notes_save(meeting=meeting, notes="Same", author=lead, base_version=1)
    assert [r.version for r in meeting_notes_history(meeting=meeting)] == [1]
