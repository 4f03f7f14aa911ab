"""The lead's private note on one peer of their circle (external clarity): their goals, needs,
load and how they like to be supported. Readable by its author alone."""

from __future__ import annotations

from django.db import transaction

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.leadership.models import PeerNote
from roundtable.leadership.services.reflections import private_text, require_current_lead
from roundtable.orgs.models import Member

NOTE_LIMIT = 2000


def require_peer(*, circle: Circle, author: Member, peer: Member) -> None:
    """Notes and plans are about someone else who is in the circle now."""
    if peer.pk == author.pk:
        raise DomainError("Notes and plans here are about your peers, not yourself.", field="peer")
    if not circle.memberships.filter(member=peer, left_on__isnull=True).exists():
        raise DomainError(f"{peer.name} is not in {circle.name}.", field="peer")


@transaction.atomic
def peer_note_save(
    *,
    circle: Circle,
    author: Member,
    peer: Member,
    goals: str,
    needs: str,
    load: str,
    support: str,
) -> PeerNote:
    """Write or rewrite the lead's note on a peer (one note per lead, circle and peer)."""
    require_current_lead(circle=circle, author=author)
    require_peer(circle=circle, author=author, peer=peer)
    text = {
        "goals": private_text(goals, field="goals", label="Their goals", limit=NOTE_LIMIT),
        "needs": private_text(needs, field="needs", label="Their needs", limit=NOTE_LIMIT),
        "load": private_text(load, field="load", label="Their load", limit=NOTE_LIMIT),
        "support": private_text(
            support, field="support", label="How they like support", limit=NOTE_LIMIT
        ),
    }
    note, _ = PeerNote.objects.select_for_update().get_or_create(
        author=author, circle=circle, peer=peer, defaults=text
    )
    for name, value in text.items():
        setattr(note, name, value)
    note.save()
    return note
