"""A meeting's shared notes (Markdown; rendering and sanitising live in `meetings.rendering`):
each save is kept with who saved it and when, and a save made from an older version than the
one stored is refused with both texts, so two people editing at once never lose each other's."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.meetings.models import Meeting, NotesRevision
from roundtable.orgs.models import Member

NOTES_MAX_CHARS = 50_000


class NotesConflict(DomainError):
    """Someone saved the notes since this person opened them: `current` is what they saved."""

    def __init__(self, *, current: Meeting, revision: NotesRevision | None) -> None:
        who = revision.author.name if revision and revision.author else "Someone"
        super().__init__(
            f"{who} saved the notes while you were editing. Your text is kept in the box: "
            "merge it with theirs and save again.",
            field="notes",
        )
        self.current = current
        self.revision = revision


@transaction.atomic
def meeting_notes_save(
    *,
    meeting: Meeting,
    notes: str,
    author: Member | None,
    base_version: int,
    now: dt.datetime | None = None,
) -> Meeting:
    """Save the notes if they are still at `base_version` (the version the editor started
    from); otherwise raise `NotesConflict` with the stored text. Unchanged text is no new save."""
    if len(notes) > NOTES_MAX_CHARS:
        raise DomainError("Notes are limited to 50,000 characters.", field="notes")
    now = now or timezone.now()
    # The version check and the write are one conditional UPDATE, so of two saves from the same
    # version exactly one gets through, on any database.
    written = (
        Meeting.objects.filter(pk=meeting.pk, notes_version=base_version)
        .exclude(notes=notes)
        .update(notes=notes, notes_version=F("notes_version") + 1, updated_at=now)
    )
    current = Meeting.objects.get(pk=meeting.pk)
    if not written:
        if current.notes_version == base_version or current.notes == notes:
            return current  # nothing changed, or the same text was saved by someone else
        latest = current.notes_revisions.select_related("author__user").order_by("-version").first()
        raise NotesConflict(current=current, revision=latest)
    NotesRevision.objects.create(
        meeting=current, version=current.notes_version, notes=notes, author=author, saved_at=now
    )
    meeting.notes, meeting.notes_version = current.notes, current.notes_version
    return current
