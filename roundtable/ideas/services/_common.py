"""What the ideas services share: text cleaning with a readable refusal, today's UTC date (the
only time a contribution keeps), and who counts as taking part in a circle."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.anonymity import capability_matches
from roundtable.core.errors import DomainError
from roundtable.core.text import text_clean
from roundtable.ideas.models import Contribution
from roundtable.orgs.models import Member


def clean(value: str, *, field: str, label: str, required: bool = True, limit: int) -> str:
    """`value` stripped and NFC-normalised; a DomainError on `field` naming `label` when it holds
    control characters, shows nothing while required, or is longer than `limit`."""
    try:
        value = text_clean(value, required=required).strip()
    except ValueError as exc:
        raise DomainError(f"{label} {exc}.", field=field) from exc
    if len(value) > limit:
        raise DomainError(
            f"Keep {label.lower()} to {limit:,} characters (it has {len(value):,}).", field=field
        )
    return value


def today_utc() -> dt.date:
    """The day, in UTC, that a contribution records: never a finer time."""
    return timezone.now().astimezone(dt.UTC).date()


def takes_part(circle: Circle, member: Member) -> bool:
    """The circle's lead, or one of its current members."""
    return circle.lead_id == member.pk or (
        circle.memberships.filter(member=member, left_on__isnull=True).exists()
    )


def require_takes_part(circle: Circle, member: Member) -> None:
    if not takes_part(circle, member):
        raise DomainError(f"Only the members and the lead of {circle} take part in its ideas.")


NOT_YOURS = (
    "Only its author can change this. Something written anonymously can be changed only from "
    "the browser it was written in, within 24 hours."
)


def require_author(contribution: Contribution, *, member: Member, capability: str | None) -> None:
    """A named contribution is changed by its author; an anonymous one by whoever holds its
    capability (the token whose hash it stores), which the view reads from a signed cookie that
    lapses 24 hours after writing. Hidden and withdrawn contributions stay as they are."""
    if contribution.is_hidden:
        raise DomainError("A lead hid this; it can no longer be changed.")
    if contribution.withdrawn:
        raise DomainError("This was withdrawn; it can no longer be changed.")
    if contribution.anonymous:
        if not capability_matches(capability, contribution.edit_key_hash):
            raise DomainError(NOT_YOURS)
    elif contribution.author_id is None or contribution.author_id != member.pk:
        raise DomainError(NOT_YOURS)
