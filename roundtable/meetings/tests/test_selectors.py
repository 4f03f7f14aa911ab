"""Reads (selectors.py): the permission-scoped getters for a meeting and its children, and the
lists the pages and feeds are made of."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from roundtable.circles.services import circle_remove_member
from roundtable.meetings import services
from roundtable.meetings.selectors import (
    agenda_item_get_for_user,
    attendee_get_for_user,
    calendar_feed_get_by_token,
    circle_meetings,
    meeting_get_for_user,
    meeting_roster,
    meetings_for_member_feed,
    schedule_get_for_user,
    upcoming_meetings_for_user,
)


def _getters(personas, meeting, user):
    item = services.agenda_item_add(meeting=meeting, member=personas.circle.lead, title="Pricing")
    lead = personas.members["lead"]
    return {
        meeting: lambda: meeting_get_for_user(user=user, pk=meeting.pk),
        item: lambda: agenda_item_get_for_user(user=user, meeting=meeting, pk=item.pk),
        lead: lambda: attendee_get_for_user(user=user, meeting=meeting, pk=lead.pk),
        personas.circle.schedule: lambda: schedule_get_for_user(user=user, circle=personas.circle),
    }


@pytest.mark.parametrize("persona", ["admin", "sponsor", "member"])
def test_those_who_see_the_circle_get_the_meeting_and_its_children(personas, meetings, persona):
    getters = _getters(personas, meetings[0], personas.user(persona))
    assert [get() for get in getters.values()] == list(getters)


def test_an_outsider_gets_404_for_the_meeting_and_each_child(personas, meetings):
    for get in _getters(personas, meetings[0], personas.outsider).values():
        with pytest.raises(Http404):
            get()


def test_a_child_is_found_only_under_its_own_parent(personas, meetings):
    first, second = meetings[:2]
    item = services.agenda_item_add(meeting=first, member=personas.circle.lead, title="Pricing")
    with pytest.raises(Http404):
        agenda_item_get_for_user(user=personas.member, meeting=second, pk=item.pk)
    with pytest.raises(Http404):  # a member of another organisation is nobody's attendee here
        attendee_get_for_user(
            user=personas.member, meeting=first, pk=personas.members["outsider"].pk
        )
    with pytest.raises(Http404, match="no schedule yet"):
        schedule_get_for_user(user=personas.admin, circle=personas.other_circle)


def test_the_roster_is_who_was_in_the_circle_that_day(personas, meetings):
    member = personas.members["member"]
    lead = personas.members["lead"]
    services.attendance_set(
        meeting=meetings[0],
        member=member,
        status="present",
        reported_by=lead,
        now=meetings[0].ends_at,
    )
    circle_remove_member(circle=personas.circle, member=member, on=dt.date(2027, 3, 5))
    first = meeting_get_for_user(user=personas.lead, pk=meetings[0].pk)
    later = meeting_get_for_user(user=personas.lead, pk=meetings[1].pk)
    assert [(m.name, a and a.status) for m, a in meeting_roster(meeting=first)] == [
        ("Lead Persona", None),
        ("Member Persona", "present"),
    ]
    assert [m.name for m, _ in meeting_roster(meeting=later)] == ["Lead Persona"]


def test_feeds_and_lists_follow_current_membership(personas, meetings):
    member = personas.members["member"]
    services.calendar_feed_reset(member=member)
    assert calendar_feed_get_by_token(token=member.calendar_feed.token).member == member
    assert list(meetings_for_member_feed(member=member)) == meetings
    assert [m.pk for m in upcoming_meetings_for_user(user=personas.member)] == [
        m.pk for m in meetings[:5]
    ]
    after = meetings[6].starts_at
    assert list(circle_meetings(circle=personas.circle, after=after)) == meetings[6:]
    circle_remove_member(circle=personas.circle, member=member)
    assert list(meetings_for_member_feed(member=member)) == []
    with pytest.raises(Http404):
        calendar_feed_get_by_token(token="made-up")
