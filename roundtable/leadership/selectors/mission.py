"""Reads of the mindset part of the toolkit: the circle's mission (its versions, the lines
proposed for it, who acknowledged the current one) and the lead's way through the onboarding.
Each read is a fixed number of queries, however many lines, versions or members there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from roundtable.circles.models import Circle, CircleMembership
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.leadership.models import (
    LeadOnboarding,
    Mission,
    MissionAcknowledgement,
    MissionLine,
)
from roundtable.orgs.models import Member

# The onboarding's screens, in order: (slug, title). The screen number in a URL is 1-based.
ONBOARDING_SCREENS: tuple[tuple[str, str], ...] = (
    ("mindset", "A mission together"),
    ("internal", "Internal clarity: the leader you want to be"),
    ("external", "External clarity: what your peers need"),
    ("behaviour", "Behaviour choice: mentor, coach, collaborate"),
    ("challenges", "Friends, and peers with more experience"),
)


def lead_onboarding_get(*, circle: Circle, lead: Member) -> LeadOnboarding | None:
    """The lead's progress through the onboarding of this circle (None: not begun)."""
    return LeadOnboarding.objects.filter(circle=circle, lead=lead).first()


def mission_current(*, circle: Circle) -> Mission | None:
    """The circle's current mission: its latest version (None: not written yet)."""
    return Mission.objects.filter(circle=circle).order_by("-number").first()


def mission_lines_open(*, circle: Circle) -> QuerySet[MissionLine]:
    """The lines proposed for the circle's mission and not withdrawn, oldest first."""
    return (
        MissionLine.objects.filter(circle=circle, withdrawn_on__isnull=True)
        .select_related("author__user")
        .order_by("created_at", "id")
    )


def mission_line_get_for_user(*, circle: Circle, pk: int) -> MissionLine:
    """A line of a circle fetched with access (the circle was): anyone else's circle's line
    is not found."""
    return object_get_or_404(
        MissionLine.objects.select_related("author__user"),
        pk=pk,
        circle=circle,
        message="No such line.",
    )


def _current_members(circle: Circle) -> list[Member]:
    """The circle's current members, by name; from the prefetch `circle_get_for_user` made
    when there is one, else one query."""
    memberships = getattr(circle, "current_memberships", None)
    if memberships is None:
        memberships = list(
            CircleMembership.objects.filter(circle=circle, left_on__isnull=True)
            .select_related("member__user")
            .order_by("member__user__full_name")
        )
    return [m.member for m in memberships]


def _acknowledged_ids(mission: Mission | None) -> set[int]:
    if mission is None:
        return set()
    return set(
        MissionAcknowledgement.objects.filter(mission=mission).values_list("member_id", flat=True)
    )


@dataclass
class MissionStanding:
    """The current mission as the circle stands with it: who has acknowledged it so far."""

    mission: Mission | None
    members: list[Member]
    acknowledged: list[Member]  # current members who acknowledged the current version
    me: Member | None  # the viewer, when they take part in the circle
    can_acknowledge: bool
    i_acknowledged: bool

    @property
    def acknowledged_count(self) -> int:
        return len(self.acknowledged)

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def waiting_for_me(self) -> bool:
        return self.mission is not None and self.can_acknowledge and not self.i_acknowledged


def _standing(*, circle: Circle, user: Any, mission: Mission | None) -> MissionStanding:
    members = _current_members(circle)
    acknowledged_ids = _acknowledged_ids(mission)
    can_acknowledge = permissions.can_propose_mission_line(user, circle)
    me = permissions.member_in(user, circle.program.organization_id) if can_acknowledge else None
    return MissionStanding(
        mission=mission,
        members=members,
        acknowledged=[m for m in members if m.pk in acknowledged_ids],
        me=me,
        can_acknowledge=can_acknowledge,
        i_acknowledged=me is not None and me.pk in acknowledged_ids,
    )


@dataclass
class MissionPage:
    """Everything the mission page shows."""

    standing: MissionStanding
    earlier: list[Mission]  # earlier versions, latest first
    lines: list[MissionLine]  # open lines, oldest first
    lines_in_current: set[int] = field(default_factory=set)
    show_names: bool = False  # who acknowledged, by name: for the people in the circle


def mission_page(*, circle: Circle, user: Any) -> MissionPage:
    """The current version, who acknowledged it, the open lines and the earlier versions."""
    versions = list(
        Mission.objects.filter(circle=circle)
        .select_related("assembled_by__user")
        .order_by("-number")
    )
    current = versions[0] if versions else None
    standing = _standing(circle=circle, user=user, mission=current)
    lines_in_current: set[int] = set()
    if current is not None:
        lines_in_current = set(
            Mission.lines.through.objects.filter(mission=current).values_list(
                "missionline_id", flat=True
            )
        )
    return MissionPage(
        standing=standing,
        earlier=versions[1:],
        lines=list(mission_lines_open(circle=circle)),
        lines_in_current=lines_in_current,
        show_names=standing.can_acknowledge,
    )


@dataclass
class CircleMission:
    """What the circle page shows of the mission."""

    standing: MissionStanding
    circle: Circle
    invite_to_onboarding: bool  # the lead has neither finished nor skipped the introduction
    is_lead: bool


def mission_for_circle_page(*, circle: Circle, user: Any) -> CircleMission | None:
    """What the circle page shows of the mission (None: nothing). Two queries, three for the
    lead, whatever the size of the circle."""
    if not permissions.can_view_circle(user, circle):
        return None
    standing = _standing(circle=circle, user=user, mission=mission_current(circle=circle))
    is_lead = permissions.can_use_lead_toolkit(user, circle)
    invite = False
    if is_lead:
        me = permissions.member_in(user, circle.program.organization_id)
        onboarding = lead_onboarding_get(circle=circle, lead=me) if me is not None else None
        invite = onboarding is None or (
            onboarding.finished_on is None and onboarding.skipped_on is None
        )
    return CircleMission(
        standing=standing, circle=circle, invite_to_onboarding=invite, is_lead=is_lead
    )
