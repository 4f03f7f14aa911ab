"""What a member chooses to share with their circles, in their own words: their goals, what
they can help others with, and whether their busy periods show."""

from __future__ import annotations

from django.db import transaction

from roundtable.core.errors import DomainError
from roundtable.core.text import text_clean
from roundtable.leadership.models import SharedProfile
from roundtable.orgs.models import Member

TEXT_LIMIT = 1000


def _text(value: str, *, field: str) -> str:
    try:
        cleaned = text_clean(value or "").strip()
    except ValueError:
        raise DomainError(
            "Use ordinary text: no control characters, please.", field=field
        ) from None
    if len(cleaned) > TEXT_LIMIT:
        raise DomainError(
            f"Keep it to {TEXT_LIMIT} characters (this is {len(cleaned)}).", field=field
        )
    return cleaned


@transaction.atomic
def shared_profile_update(
    *, member: Member, goals: str, can_help_with: str, share_busy_periods: bool
) -> SharedProfile:
    """Save what `member` shares with their circles (theirs alone to change)."""
    values = {
        "goals": _text(goals, field="goals"),
        "can_help_with": _text(can_help_with, field="can_help_with"),
        "share_busy_periods": bool(share_busy_periods),
    }
    profile = SharedProfile.objects.select_for_update().filter(member=member).first()
    if profile is None:
        profile = SharedProfile(member=member)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile
