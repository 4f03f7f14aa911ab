"""Reads for notifications: what a member chose to receive."""

from __future__ import annotations

from typing import Any

from roundtable.notifications.models import NotificationPreference
from roundtable.orgs.models import Member


def notification_preferences_initial(*, member: Member) -> dict[str, Any]:
    """The member's choices, or everything on for someone who has not chosen yet."""
    pref = NotificationPreference.objects.filter(member=member).first()
    return {
        "reminders": pref.reminders if pref else True,
        "changes": pref.changes if pref else True,
        "wrapups": pref.wrapups if pref else True,
    }
