"""The lead's note on a peer: one per lead, circle and peer, for someone in the circle now,
written by the current lead alone, encrypted at rest."""

from __future__ import annotations

import pytest
from django.db import connection

from roundtable.circles.services import circle_set_lead
from roundtable.core.errors import DomainError
from roundtable.leadership.models import PeerNote
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.orgs.models import Member


def _save(personas, *, author=None, peer=None, **text):
    fields = {"goals": "", "needs": "", "load": "", "support": ""} | text
    return peer_note_save(
        circle=personas.circle,
        author=author or personas.members["lead"],
        peer=peer or personas.members["member"],
        **fields,
    )


def test_saving_again_rewrites_the_one_note(personas):
    _save(personas, goals="Wants the team-lead promotion")
    note = _save(personas, goals="Wants the team-lead promotion", load="Audit in May")
    assert PeerNote.objects.count() == 1
    note.refresh_from_db()
    assert (note.goals, note.load) == ("Wants the team-lead promotion", "Audit in May")


def test_the_text_is_not_in_the_database_in_clear(personas):
    _save(personas, needs="Quillwort is her secret worry")
    with connection.cursor() as cursor:
        cursor.execute("SELECT goals, needs, load, support FROM leadership_peernote")
        row = cursor.fetchone()
    assert all("Quillwort" not in value for value in row)
    assert PeerNote.objects.get().needs == "Quillwort is her secret worry"


def test_a_note_on_someone_not_in_the_circle_is_refused(personas):
    peer_of_south = Member.objects.get(user__email="peer@example.org")
    for who in (peer_of_south, personas.members["outsider"], personas.members["lead"]):
        with pytest.raises(DomainError) as refused:
            _save(personas, peer=who, goals="x")
        assert refused.value.field == "peer"
    assert not PeerNote.objects.exists()


def test_only_the_current_lead_writes_notes(personas):
    with pytest.raises(DomainError, match="current lead"):
        _save(personas, author=personas.members["member"], peer=personas.members["lead"],
              goals="x")  # fmt: skip
    _save(personas, goals="First words")
    circle_set_lead(circle=personas.circle, lead=personas.members["member"])
    with pytest.raises(DomainError, match="current lead"):
        _save(personas, goals="Changed after leaving")
    assert PeerNote.objects.get().goals == "First words"


def test_a_note_too_long_is_refused(personas):
    with pytest.raises(DomainError, match="2,000") as refused:
        _save(personas, support="x" * 2001)
    assert refused.value.field == "support"
