"""Suggestions for supporting each peer (behaviour choice), drawn from the lead's own note, from
what the peer shares and from what happens in the circle: a promotion goal, a quiet stretch in
the circle's ideas, experience well above the circle's, a busy period. Each suggestion is an
approach and a first step the lead can take, adjust and save as a support plan."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import BusyPeriod
from roundtable.ideas.selectors.voice import QUIET_MEETINGS, circle_voice
from roundtable.leadership.models import PeerNote, SharedProfile, SupportPlan
from roundtable.orgs.models import Member

Approach = SupportPlan.Approach

PROMOTION = re.compile(r"promot|next level|step up|senior role|career", re.IGNORECASE)
SKILL = re.compile(r"\bskill|\blearn|get better at|improve|practis|practic", re.IGNORECASE)
SENIOR_GAP = Decimal(5)  # years of experience above the others' median that count as "well above"
BUSY_AHEAD = dt.timedelta(weeks=4)


@dataclass(frozen=True)
class Suggestion:
    key: str  # stable, to take it from a link (?take=<key>)
    reason: str  # why, in the lead's terms; never quotes the note
    approach: str
    next_step: str

    @property
    def approach_label(self) -> str:
        return str(Approach(self.approach).label)


def _promotion(source: str) -> Suggestion:
    return Suggestion(
        key="promotion",
        reason=f"{source} working towards a promotion: give them experience that counts.",
        approach=Approach.STRETCH,
        next_step="Offer them the chance to lead one of the next meetings, or to own a trial.",
    )


def _skill(source: str) -> Suggestion:
    return Suggestion(
        key="skill",
        reason=f"{source} building a skill.",
        approach=Approach.COACH,
        next_step=(
            "Agree one piece of the circle's work that practises the skill, and ask them how it "
            "went afterwards."
        ),
    )


QUIET = Suggestion(
    key="quiet",
    reason=(
        f"They have proposed no idea and written no critique under their name in the circle's "
        f"last {QUIET_MEETINGS} meetings."
    ),
    approach=Approach.COACH,
    next_step=(
        "Before the next meeting, ask for their idea on the current challenge and offer to help "
        "them shape it."
    ),
)

SENIOR = Suggestion(
    key="senior",
    reason="Their experience is well above the rest of the circle's: give them room to shine.",
    approach=Approach.COLLABORATE,
    next_step=(
        "Ask them to give the first critique of the next idea, or to mentor a newer member on "
        "what they know best."
    ),
)

BUSY = Suggestion(
    key="busy",
    reason="They share a busy period now or in the next four weeks.",
    approach=Approach.DELEGATE,
    next_step=(
        "Ask which of their dates clash with the circle's, and offer to move yours or hand "
        "their part to someone with more room."
    ),
)


def _senior_ids(years_by_member: dict[int, Decimal | float | None]) -> set[int]:
    """Members whose years (of experience, or here) are at least SENIOR_GAP above the median of
    the others' (with at least two others to compare with)."""
    known = {pk: Decimal(str(y)) for pk, y in years_by_member.items() if y is not None}
    senior = set()
    for pk, years in known.items():
        others = [y for other, y in known.items() if other != pk]
        if len(others) >= 2 and years - Decimal(statistics.median(others)) >= SENIOR_GAP:
            senior.add(pk)
    return senior


def circle_suggestions(
    *, circle: Circle, lead: Member, user: Any, now: dt.datetime | None = None
) -> dict[int, list[Suggestion]]:
    """Suggestions for each current member of the circle other than the lead, by member id.
    A fixed number of queries however many members the circle has."""
    now = now or timezone.now()
    voice = circle_voice(circle=circle, user=user, now=now)
    peers = {v.member.pk: v for v in voice.members if v.member.pk != lead.pk}
    notes = {
        note.peer_id: note
        for note in PeerNote.objects.filter(author=lead, circle=circle, peer_id__in=peers)
    }
    shared = {
        profile.member_id: profile for profile in SharedProfile.objects.filter(member_id__in=peers)
    }
    today = timezone.localdate(now, ZoneInfo(circle.time_zone))
    busy = set(
        BusyPeriod.objects.filter(
            member_id__in=[pk for pk, p in shared.items() if p.share_busy_periods],
            ends_on__gte=today,
            starts_on__lte=today + BUSY_AHEAD,
        ).values_list("member_id", flat=True)
    )
    # Tenure counts only where the lead may see the hire date (the voice selector says so).
    senior = _senior_ids({v.member.pk: v.experience for v in voice.members}) | _senior_ids(
        {v.member.pk: v.tenure for v in voice.members}
    )
    found: dict[int, list[Suggestion]] = {}
    for pk, v in peers.items():
        note_goals = notes[pk].goals if pk in notes else ""
        shared_goals = shared[pk].goals if pk in shared else ""
        mine: list[Suggestion] = []
        if PROMOTION.search(note_goals):
            mine.append(_promotion("Your note says they are"))
        elif PROMOTION.search(shared_goals):
            mine.append(_promotion("They share that they are"))
        if SKILL.search(note_goals):
            mine.append(_skill("Your note says they are"))
        elif SKILL.search(shared_goals):
            mine.append(_skill("They share that they are"))
        if v.quiet:
            mine.append(QUIET)
        if pk in senior:
            mine.append(SENIOR)
        if pk in busy:
            mine.append(BUSY)
        found[pk] = mine
    return found


def approach_label(value: str) -> str:
    """A plan's approach as people read it (the stored value is encrypted, so it has no
    choices for Django to display)."""
    try:
        return str(Approach(value).label)
    except ValueError:
        return value


def labelled(plans: Iterable[SupportPlan]) -> list[SupportPlan]:
    """The plans, each with `approach_label` set for the templates."""
    found = list(plans)
    for plan in found:
        plan.approach_label = approach_label(plan.approach)  # type: ignore[attr-defined]
    return found
