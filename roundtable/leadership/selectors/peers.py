"""Reads for the lead's page on one peer: their own note beside what the peer shares, the
suggestions, and the support plans. The lead's own rows alone, always."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F
from django.http import Http404
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_member_get
from roundtable.commitments.models import BusyPeriod
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.leadership.models import PeerNote, SharedProfile, SupportPlan
from roundtable.leadership.selectors.suggestions import circle_suggestions, labelled
from roundtable.orgs.models import Member


def peer_get(*, circle: Circle, member_pk: int) -> Member:
    """Someone in the circle now other than its lead (the circle was fetched for the lead);
    Http404 for anyone else."""
    if member_pk == circle.lead_id:
        raise Http404("No such member in this circle.")
    return circle_member_get(circle=circle, member_pk=member_pk, current=True)


def support_plan_get_for_user(*, user: Any, circle: Circle, peer: Member, pk: int) -> SupportPlan:
    """One of the user's own plans for this peer in this circle; Http404 for anyone else's."""
    plan = object_get_or_404(
        SupportPlan.objects.select_related("circle__program", "peer__user"),
        pk=pk,
        circle=circle,
        peer=peer,
        can=lambda plan: permissions.can_read_private_note(user, plan),
        message="No such support plan.",
    )
    return labelled([plan])[0]


def peer_page(
    *, circle: Circle, lead: Member, peer: Member, user: Any, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The lead's note, what the peer shares (and, if they share them, their busy periods now
    or to come), the suggestions for them, and the lead's plans for them (open ones first)."""
    now = now or timezone.now()
    mine = {"author": lead, "circle": circle, "peer": peer}
    shared = SharedProfile.objects.filter(member=peer).first()
    busy: list[BusyPeriod] = []
    if shared is not None and shared.share_busy_periods:
        today = timezone.localdate(now, ZoneInfo(circle.time_zone))
        busy = list(BusyPeriod.objects.filter(member=peer, ends_on__gte=today))
    open_first = F("closed_on").asc(nulls_first=True)
    plans = labelled(SupportPlan.objects.filter(**mine).order_by(open_first, "review_on", "id"))
    return {
        "note": PeerNote.objects.filter(**mine).first(),
        "shared": shared,
        "busy_periods": busy,
        "suggestions": circle_suggestions(circle=circle, lead=lead, user=user, now=now).get(
            peer.pk, []
        ),
        "open_plans": [p for p in plans if p.closed_on is None],
        "closed_plans": [p for p in plans if p.closed_on is not None],
    }
