"""What a member's page shows of the toolkit: what they share with their circles, the
recognition they received (to whom the policy allows) and, for the member, their experience
record."""

from __future__ import annotations

from typing import Any

from roundtable.orgs.models import Member


def member_leadership_panel(*, member: Member, user: Any) -> dict[str, Any] | None:
    """What the member page shows of the toolkit (None: nothing)."""
    return None
