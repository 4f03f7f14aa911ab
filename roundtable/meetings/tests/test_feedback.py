"""A member's rating of a meeting they were at (services/feedback.py)."""

from __future__ import annotations

import pytest

from roundtable.core.errors import DomainError
from roundtable.meetings import services


def test_feedback_opens_at_the_start_and_is_one_per_member(personas, meetings):
    meeting, cancelled = meetings[:2]
    member = personas.members["member"]
    with pytest.raises(DomainError, match="opens when the meeting starts"):
        services.feedback_give(meeting=meeting, member=member, rating=4)
    after = meeting.ends_at
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Slow", now=after)
    services.feedback_give(meeting=meeting, member=member, rating=3, now=after)
    assert list(meeting.feedback.values_list("rating", "comment")) == [(3, "")]
    with pytest.raises(DomainError, match="from 1 to 5"):
        services.feedback_give(meeting=meeting, member=member, rating=9, now=after)
    services.meeting_cancel(meeting=cancelled, reason="Holiday")
    with pytest.raises(DomainError, match="cancelled meeting takes no feedback"):
        services.feedback_give(meeting=cancelled, member=member, rating=4, now=cancelled.ends_at)


@pytest.mark.parametrize("status", ["absent", "excused"])
def test_feedback_comes_only_from_people_who_were_there(personas, meeting, status):
    member, lead = personas.members["member"], personas.members["lead"]
    after = meeting.ends_at
    services.attendance_set(
        meeting=meeting, member=member, status=status, reported_by=lead, now=after
    )
    with pytest.raises(DomainError, match=f"who were there; you are recorded as {status}"):
        services.feedback_give(meeting=meeting, member=member, rating=5, now=after)
    assert not meeting.feedback.exists()
    assert meeting.attendance.get(member=member).status == status


def test_feedback_without_recorded_attendance_records_the_giver_present(personas, meeting):
    member = personas.members["member"]
    services.feedback_give(meeting=meeting, member=member, rating=4, now=meeting.ends_at)
    mark = meeting.attendance.get(member=member)
    assert (mark.status, mark.reported_by) == ("present", member)


def test_feedback_from_outside_the_circle_is_refused(personas, meeting):
    with pytest.raises(DomainError, match="is not in"):
        services.feedback_give(
            meeting=meeting, member=personas.members["sponsor"], rating=4, now=meeting.ends_at
        )
    assert not meeting.attendance.exists()


def test_a_long_comment_is_refused_for_its_length(personas, meeting):
    with pytest.raises(DomainError, match=r"comment to 2,000 characters \(it has 2,001\)"):
        services.feedback_give(
            meeting=meeting,
            member=personas.members["member"],
            rating=4,
            comment="x" * 2001,
            now=meeting.ends_at,
        )
    assert not meeting.feedback.exists()
