"""Suggestions for supporting each peer: from the lead's own note, from what the peer shares,
and from the circle (a quiet stretch, experience well above the circle's, a busy period)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from roundtable.circles.services import circle_add_member, circle_set_lead
from roundtable.commitments.models import BusyPeriod
from roundtable.leadership.models import PeerNote, SharedProfile, SupportPlan
from roundtable.leadership.selectors.suggestions import circle_suggestions
from roundtable.meetings.models import Meeting
from roundtable.testing.factories import MemberFactory


def _keys(personas, who: str = "member", lead: str = "lead") -> list[str]:
    found = circle_suggestions(
        circle=personas.circle,
        lead=personas.members[lead],
        user=personas.user(lead),
    )
    return [s.key for s in found[personas.members[who].pk]]


def _note(personas, **text) -> PeerNote:
    return PeerNote.objects.create(
        author=personas.members["lead"], circle=personas.circle, peer=personas.members["member"],
        **text,
    )  # fmt: skip


def test_nothing_to_suggest_without_a_note_a_share_or_a_pattern(personas):
    assert _keys(personas) == []


def test_a_promotion_goal_in_the_note_suggests_a_stretch_assignment(personas):
    _note(personas, goals="Going for the senior account manager promotion in June")
    found = circle_suggestions(
        circle=personas.circle, lead=personas.members["lead"], user=personas.lead
    )[personas.members["member"].pk]
    assert [(s.key, s.approach) for s in found] == [("promotion", SupportPlan.Approach.STRETCH)]
    assert "lead one of the next meetings" in found[0].next_step
    assert found[0].reason.startswith("Your note says")
    assert "June" not in found[0].reason  # the note is never quoted


def test_a_promotion_goal_the_peer_shares_counts_too(personas):
    SharedProfile.objects.create(member=personas.members["member"], goals="Promotion next year")
    found = circle_suggestions(
        circle=personas.circle, lead=personas.members["lead"], user=personas.lead
    )[personas.members["member"].pk]
    assert [s.key for s in found] == ["promotion"]
    assert found[0].reason.startswith("They share")


def test_a_skill_goal_suggests_coaching(personas):
    _note(personas, goals="Wants to get better at negotiating renewals")
    assert _keys(personas) == ["skill"]


def test_a_member_quiet_for_three_meetings_is_suggested_an_invitation(personas):
    for days in (21, 14, 7):
        Meeting.objects.create(
            circle=personas.circle, starts_at=timezone.now() - dt.timedelta(days=days),
            duration_minutes=60, status=Meeting.Status.SCHEDULED,
        )  # fmt: skip
    assert _keys(personas) == ["quiet"]


def test_two_meetings_are_too_few_to_call_anyone_quiet(personas):
    for days in (14, 7):
        Meeting.objects.create(
            circle=personas.circle, starts_at=timezone.now() - dt.timedelta(days=days),
            duration_minutes=60, status=Meeting.Status.SCHEDULED,
        )  # fmt: skip
    assert _keys(personas) == []


@pytest.mark.parametrize(("years", "senior"), [(Decimal(12), True), (Decimal("8.4"), False)])
def test_experience_well_above_the_circles_suggests_critiquing_first(personas, years, senior):
    member = personas.members["member"]
    member.years_experience = years
    member.save(update_fields=["years_experience"])
    for others in (3, 4):
        circle_add_member(
            circle=personas.circle,
            member=MemberFactory.create(organization=personas.organization,
                                        years_experience=others),
        )  # fmt: skip
    # The others' median is 3.5 (the lead has no figure): 12 is 8.5 above it, 8.4 only 4.9.
    assert _keys(personas) == (["senior"] if senior else [])


def test_a_shared_busy_period_now_or_soon_suggests_easing_their_load(personas):
    member = personas.members["member"]
    today = timezone.localdate()
    BusyPeriod.objects.create(member=member, label="Year-end close", starts_on=today,
                              ends_on=today + dt.timedelta(days=5))  # fmt: skip
    assert _keys(personas) == []  # not shared with the circle
    SharedProfile.objects.create(member=member, share_busy_periods=True)
    assert _keys(personas) == ["busy"]


def test_a_new_lead_gets_nothing_from_the_former_leads_note(personas):
    _note(personas, goals="Promotion to team lead")
    peer = MemberFactory.create(organization=personas.organization, years_experience=None)
    circle_add_member(circle=personas.circle, member=peer)
    circle_set_lead(circle=personas.circle, lead=peer)
    found = circle_suggestions(circle=personas.circle, lead=peer, user=peer.user)
    assert found[personas.members["member"].pk] == []
