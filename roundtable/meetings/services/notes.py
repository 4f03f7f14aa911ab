"""A meeting's shared notes (Markdown; rendering and sanitising live in `meetings.rendering`)."""

from __future__ import annotations

from roundtable.core.errors import DomainError
from roundtable.meetings.models import Meeting

NOTES_MAX_CHARS = 50_000


def meeting_notes_save(*, meeting: Meeting, notes: str) -> Meeting:
    if len(notes) > NOTES_MAX_CHARS:
        raise DomainError("Notes are limited to 50,000 characters.", field="notes")
    meeting.notes = notes
    meeting.save(update_fields=["notes", "updated_at"])
    return meeting
