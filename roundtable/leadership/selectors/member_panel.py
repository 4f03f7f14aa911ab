"""What a member's page shows of the toolkit: what they share with their circles, the
recognition they received (to whom the policy allows) and, for the member, their experience
record."""

from __future__ import annotations

from typing import Any

from roundtable.core import permissions
from roundtable.leadership.selectors.profiles import shared_profile_for_viewer
from roundtable.leadership.selectors.recognition import recognitions_for_member_page
from roundtable.orgs.models import Member


def member_leadership_panel(*, member: Member, user: Any) -> dict[str, Any] | None:
    """What the member page shows of the toolkit (None: nothing)."""
    me = permissions.member_in(user, member.organization_id)
    if me is None:
        return None
    is_self = me.pk == member.pk
    shared = shared_profile_for_viewer(member=member, user=user)
    recognitions = recognitions_for_member_page(member=member, user=user)
    if not is_self and shared is None and not recognitions:
        return None
    return {
        "member": member,
        "is_self": is_self,
        "me_id": me.pk,
        "shared": shared,
        "recognitions": recognitions,
        "is_manager": member.manager_id == me.pk,
        "org_query": f"?org={member.organization.slug}",
    }
