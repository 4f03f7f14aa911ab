"""Voice: who has spoken up in a circle's ideas lately, for its lead alone, so that quieter or
more experienced members can be invited to voice their ideas.

Only named contributions are counted: an anonymous idea or critique has no author to count, by
design. The page shows each member's own counts and never a total for the circle, so nobody can
subtract the named from the whole to guess who wrote what anonymously."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.ideas.models import CircleIdeaSettings, Critique, Idea
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

WINDOW_MEETINGS = 6  # the span counted: since the sixth-last meeting held
FALLBACK_WINDOW = dt.timedelta(weeks=8)  # ... or the last 8 weeks, before six were held
QUIET_MEETINGS = 3  # "quiet": nothing named since the third-last meeting held


@dataclass
class MemberVoice:
    member: Member
    ideas: int
    critiques: int
    quiet: bool
    experience: Decimal | None
    tenure: float | None  # only where the viewer may see the hire date


@dataclass
class Voice:
    since: dt.date
    by_meetings: bool  # the span is the last WINDOW_MEETINGS meetings (else the last 8 weeks)
    quiet_since: dt.date | None  # None: fewer than QUIET_MEETINGS meetings held yet
    members: list[MemberVoice]
    anonymous_now: bool
    anonymous_since: dt.date | None


def _named_days(model: type[Idea] | type[Critique], circle: Circle, since: dt.date) -> list[Any]:
    """(author, day) of every named contribution in the circle since `since`."""
    circle_lookup = "circle" if model is Idea else "idea__circle"
    return list(
        model.objects.filter(
            **{circle_lookup: circle},
            anonymous=False,
            author__isnull=False,
            created_on__gte=since,
        ).values_list("author_id", "created_on")
    )


def circle_voice(*, circle: Circle, user: Any, now: dt.datetime | None = None) -> Voice:
    """Each current member's named ideas and critiques (replies included) over the span of the
    circle's last six meetings held (the last eight weeks before six were held), quiet when
    they have none since the third-last. Quietest and most experienced first. A fixed number
    of queries however many members, meetings and contributions."""
    now = now or timezone.now()
    zone = ZoneInfo(circle.time_zone)
    held = [
        timezone.localdate(starts_at, zone)
        for starts_at in Meeting.objects.filter(
            circle=circle, status=Meeting.Status.SCHEDULED, starts_at__lte=now
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)[:WINDOW_MEETINGS]
    ]
    by_meetings = len(held) >= WINDOW_MEETINGS
    since = held[-1] if by_meetings else timezone.localdate(now - FALLBACK_WINDOW, zone)
    quiet_since = held[QUIET_MEETINGS - 1] if len(held) >= QUIET_MEETINGS else None
    ideas = _named_days(Idea, circle, since)
    critiques = _named_days(Critique, circle, since)
    memberships = circle.memberships.filter(left_on__isnull=True).select_related("member__user")
    shown = []
    for membership in memberships:
        member = membership.member
        mine_ideas = [day for author, day in ideas if author == member.pk]
        mine_critiques = [day for author, day in critiques if author == member.pk]
        quiet = quiet_since is not None and not any(
            day >= quiet_since for day in mine_ideas + mine_critiques
        )
        shown.append(
            MemberVoice(
                member=member,
                ideas=len(mine_ideas),
                critiques=len(mine_critiques),
                quiet=quiet,
                experience=member.years_experience,
                tenure=member.tenure_years
                if permissions.can_see_member_private_fields(user, member)
                else None,
            )
        )
    shown.sort(key=lambda v: (not v.quiet, -(v.experience or 0), v.member.name.lower()))
    settings = CircleIdeaSettings.objects.filter(circle=circle).first()
    return Voice(
        since=since,
        by_meetings=by_meetings,
        quiet_since=quiet_since,
        members=shown,
        anonymous_now=bool(settings and settings.anonymous),
        anonymous_since=settings.anonymous_changed_on if settings else None,
    )
