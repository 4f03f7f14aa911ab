"""Reads of what a member shares with their circles (their goals, what they can help with and,
if they chose, their busy periods), and who may read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import BusyPeriod
from roundtable.core import permissions
from roundtable.leadership.models import SharedProfile
from roundtable.orgs.models import Member


@dataclass
class SharedView:
    """What the member shares, as a viewer reads it."""

    goals: str = ""
    can_help_with: str = ""
    share_busy_periods: bool = False
    busy_periods: list[BusyPeriod] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.goals or self.can_help_with or self.busy_periods)


def shared_profile_of(*, member: Member) -> SharedProfile:
    """The member's shared profile, or an unsaved blank one."""
    found = SharedProfile.objects.filter(member=member).first()
    return found if found is not None else SharedProfile(member=member)


def _in_a_circle(member_id: int) -> Q:
    return Q(memberships__member_id=member_id, memberships__left_on__isnull=True) | Q(
        lead_id=member_id
    )


def shares_a_circle(*, member: Member, viewer: Member) -> bool:
    """Whether `viewer` is in a circle with `member` now (as a member or its lead): one query."""
    viewer_circles = Circle.objects.filter(_in_a_circle(viewer.pk)).values("pk")
    return Circle.objects.filter(pk__in=viewer_circles).filter(_in_a_circle(member.pk)).exists()


def upcoming_busy_periods(*, member: Member) -> list[BusyPeriod]:
    """The member's busy periods that have not ended yet."""
    today = timezone.localdate()
    return list(member.busy_periods.filter(ends_on__gte=today).order_by("starts_on", "id"))


def shared_profile_for_viewer(*, member: Member, user: Any) -> SharedView | None:
    """What `user` may read of what `member` shares (None: nothing, for they may not)."""
    me = permissions.member_in(user, member.organization_id)
    if me is None:
        return None
    together = me.pk != member.pk and shares_a_circle(member=member, viewer=me)
    if not permissions.can_view_shared_profile(user, member, shares_a_circle=together):
        return None
    profile = SharedProfile.objects.filter(member=member).first()
    if profile is None:
        return SharedView()
    return SharedView(
        goals=profile.goals,
        can_help_with=profile.can_help_with,
        share_busy_periods=profile.share_busy_periods,
        busy_periods=(upcoming_busy_periods(member=member) if profile.share_busy_periods else []),
    )
