"""The lead's toolkit hub for one circle: the 4C steps as sections, with each current peer's
row (what they share, whether the lead wrote a note, the open support plans, how many
suggestions). For the current lead alone; a fixed number of queries however big the circle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone

from roundtable.circles.models import Circle, CircleMembership
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.leadership.models import PeerNote, Reflection, SharedProfile, SupportPlan
from roundtable.leadership.selectors.suggestions import circle_suggestions, labelled
from roundtable.orgs.models import Member


def toolkit_circle_get(*, user: Any, pk: int) -> Circle:
    """The circle, for its current lead; Http404 for anyone else, its former leads included."""
    return circle_get_for_user(user=user, pk=pk, can=permissions.can_use_lead_toolkit)


def toolkit_author(*, user: Any, circle: Circle) -> Member:
    """The lead writing in the toolkit: the user's member profile in the circle's organisation."""
    me = permissions.member_in(user, circle.program.organization_id)
    if me is None:  # the getter let only the lead through: cannot happen
        raise Http404("No such circle.")
    return me


def current_peers(*, circle: Circle, lead: Member) -> list[Member]:
    """Everyone in the circle now but the lead, by name, each with `shared` (their
    SharedProfile or None): two queries."""
    members = [
        m.member
        for m in CircleMembership.objects.filter(circle=circle, left_on__isnull=True)
        .exclude(member=lead)
        .select_related("member__user")
        .order_by("member__user__full_name", "member_id")
    ]
    shared = {
        p.member_id: p for p in SharedProfile.objects.filter(member__in=[m.pk for m in members])
    }
    for member in members:
        member.shared = shared.get(member.pk)  # type: ignore[attr-defined]
    return members


@dataclass
class PeerRow:
    member: Member
    shared: SharedProfile | None
    has_note: bool
    open_plans: list[SupportPlan] = field(default_factory=list)
    suggestions: int = 0


def toolkit_hub(
    *, circle: Circle, lead: Member, user: Any, now: dt.datetime | None = None
) -> dict[str, Any]:
    now = now or timezone.now()
    mine = {"author": lead, "circle": circle}
    peers = current_peers(circle=circle, lead=lead)
    noted = set(PeerNote.objects.filter(**mine).values_list("peer_id", flat=True))
    plans: dict[int, list[SupportPlan]] = {}
    for plan in labelled(
        SupportPlan.objects.filter(**mine, closed_on__isnull=True).order_by("review_on", "id")
    ):
        plans.setdefault(plan.peer_id, []).append(plan)
    suggestions = circle_suggestions(circle=circle, lead=lead, user=user, now=now)
    rows = [
        PeerRow(
            member=m,
            shared=m.shared,  # type: ignore[attr-defined]
            has_note=m.pk in noted,
            open_plans=plans.get(m.pk, []),
            suggestions=len(suggestions.get(m.pk, [])),
        )
        for m in peers
    ]
    return {
        "latest_reflection": Reflection.objects.filter(**mine).first(),
        "reflection_count": Reflection.objects.filter(**mine).count(),
        "peers": rows,
    }
