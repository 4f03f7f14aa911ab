"""Making people look good: a member of a circle credits a peer's contribution (an adopted idea,
a delivered commitment, a meeting they ran, a critique that changed a decision, or something
else). The circle sees it; the person's manager too once the person agrees."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.urls import reverse

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.core.text import text_clean
from roundtable.leadership.models import Recognition
from roundtable.leadership.selectors.recognition import (
    ITEM_PREFIX,
    adopted_ideas,
    deciding_critiques,
    delivered_commitments,
    held_meetings,
    meeting_runner_id,
    recognition_recipients,
)
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

Kind = Recognition.Kind
MESSAGE_LIMIT = 1000

_ITEM_NAMES = {
    "idea": "an adopted idea of this circle with its author's name",
    "commitment": "a delivered commitment of this circle",
    "meeting": "a meeting this circle held",
    "critique": "a named critique, in this circle, of an idea that was decided on",
}
_WHOSE = {
    "idea": "proposed by someone else: credit its author, or choose another idea",
    "commitment": "someone else's commitment: credit its owner, or choose another",
    "meeting": "run by someone else: credit whoever ran it, or choose another meeting",
    "critique": "written by someone else: credit its author, or choose another critique",
}


def _message(value: str) -> str:
    try:
        cleaned = text_clean(value or "", required=True).strip()
    except ValueError:
        raise DomainError("Say in a few words what they did.", field="message") from None
    if len(cleaned) > MESSAGE_LIMIT:
        raise DomainError(
            f"Keep it to {MESSAGE_LIMIT} characters (this is {len(cleaned)}).", field="message"
        )
    return cleaned


def _linked(*, circle: Circle, kind: str, item: str) -> tuple[str, Any, int | None]:
    """The item `item` ("idea:<id>", ...) names, checked against the circle and the kind:
    (its field on Recognition, the object, the person it credits)."""
    prefix, _, raw = item.partition(":")
    expected = ITEM_PREFIX.get(kind)  # type: ignore[call-overload]
    if expected is None:
        raise DomainError(
            "A recognition of something else links to nothing: leave the item empty.",
            field="item",
        )
    if prefix != expected:
        raise DomainError(
            f"{Kind(kind).label} links to {_ITEM_NAMES[expected]}.",
            field="item",
        )
    found: Any = None
    try:
        if prefix in ("idea", "critique"):
            key: Any = uuid.UUID(raw)
        else:
            key = int(raw)
    except ValueError:
        key = None
    if key is not None:
        queryset: Any = {
            "idea": adopted_ideas,
            "commitment": delivered_commitments,
            "meeting": held_meetings,
            "critique": deciding_critiques,
        }[prefix](circle=circle)
        found = queryset.filter(pk=key).first()
    if found is None:
        raise DomainError(f"Choose {_ITEM_NAMES[prefix]}.", field="item")
    if prefix == "idea":
        person = found.author_id
    elif prefix == "commitment":
        person = found.owner_id
    elif prefix == "meeting":
        person = meeting_runner_id(found, circle)
    else:
        person = found.author_id
    return prefix, found, person


@transaction.atomic
def recognition_give(
    *,
    circle: Circle,
    given_by: Member,
    recipient_id: int,
    kind: str,
    message: str,
    item: str = "",
) -> Recognition:
    """Credit a current member (or the lead) of `circle` for a contribution, and tell them.
    Whether `given_by` may credit people in the circle is the policy's (`can_recognise_in`)."""
    recipient = next(
        (m for m in recognition_recipients(circle=circle) if m.pk == recipient_id), None
    )
    if recipient is None:
        raise DomainError("Choose someone who is in this circle now.", field="recipient")
    if recipient.pk == given_by.pk:
        raise DomainError(
            "Recognition is for a peer's contribution: choose someone other than yourself.",
            field="recipient",
        )
    if kind not in Kind.values:
        raise DomainError("Choose what you are crediting them for.", field="kind")
    text = _message(message)
    links: dict[str, Any] = {}
    if item:
        field, found, person = _linked(circle=circle, kind=kind, item=item)
        if person != recipient.pk:
            raise DomainError(f"That is {_WHOSE[field]}.", field="item")
        links[field] = found
    recognition = Recognition(
        circle=circle, given_by=given_by, recipient=recipient, kind=kind, message=text, **links
    )
    recognition.full_clean()
    recognition.save()
    notice_send(
        member=recipient,
        kind=NoticeKind.RECOGNISED,
        title=f"{given_by.name} recognised you in {circle.name}",
        url=recognition_url(recognition),
        key=f"recognition-{recognition.pk}",
    )
    return recognition


def recognition_url(recognition: Recognition) -> str:
    """Where a recognition shows (and its recipient can share it): the circle's wall."""
    wall = reverse("leadership:recognition_wall", args=[recognition.circle_id])
    return f"{wall}#recognition-{recognition.pk}"


@transaction.atomic
def recognition_share_with_manager(
    *, recognition: Recognition, member: Member, shared: bool
) -> Recognition:
    """Show a recognition to one's manager, or stop: the recipient's choice alone."""
    locked = Recognition.objects.select_for_update().get(pk=recognition.pk)
    if locked.recipient_id != member.pk:
        raise DomainError("Only the person recognised can choose who else sees it.")
    if locked.shared_with_manager != shared:
        locked.shared_with_manager = shared
        locked.save(update_fields=["shared_with_manager", "updated_at"])
    recognition.shared_with_manager = shared
    return recognition
