"""Attendance and replies (services/attendance.py)."""

from __future__ import annotations

import pytest

from roundtable.core.errors import DomainError
from roundtable.meetings import services


def test_attendance_is_recorded_once_per_member_for_circle_members_only(personas, meeting):
    member, lead = personas.members["member"], personas.members["lead"]
    started = meeting.starts_at
    services.attendance_set(
        meeting=meeting, member=member, status="absent", reported_by=lead, now=started
    )
    services.attendance_set(
        meeting=meeting, member=member, status="present", reported_by=lead, now=started
    )
    assert list(meeting.attendance.values_list("member_id", "status")) == [(member.pk, "present")]
    with pytest.raises(DomainError, match="is not in"):
        services.attendance_set(
            meeting=meeting,
            member=personas.members["sponsor"],
            status="present",
            reported_by=lead,
            now=started,
        )
    with pytest.raises(DomainError, match="Choose present, absent or excused"):
        services.attendance_set(meeting=meeting, member=member, status="asleep", reported_by=lead)


def test_before_the_start_only_excused_can_be_recorded(personas, meeting, frozen_clock):
    member, lead = personas.members["member"], personas.members["lead"]
    assert services.attendance_choices(meeting=meeting) == ["excused"]
    for status in ("present", "absent"):
        with pytest.raises(DomainError, match="once the meeting has started"):
            services.attendance_set(meeting=meeting, member=member, status=status, reported_by=lead)
    assert not meeting.attendance.exists()
    services.attendance_set(meeting=meeting, member=member, status="excused", reported_by=lead)
    frozen_clock.move_to(meeting.starts_at)
    assert services.attendance_choices(meeting=meeting) == ["present", "absent", "excused"]
    services.attendance_set(meeting=meeting, member=member, status="present", reported_by=lead)
    assert list(meeting.attendance.values_list("status", flat=True)) == ["present"]


def test_nobody_attends_a_cancelled_meeting(personas, meeting):
    services.meeting_cancel(meeting=meeting, reason="Holiday")
    with pytest.raises(DomainError, match="Nobody attends"):
        services.attendance_set(
            meeting=meeting,
            member=personas.members["member"],
            status="excused",
            reported_by=personas.members["lead"],
        )


def test_a_reply_is_yes_or_no_and_can_change(personas, meeting):
    member = personas.members["member"]
    services.rsvp_set(meeting=meeting, member=member, response="yes")
    services.rsvp_set(meeting=meeting, member=member, response="no")
    assert list(meeting.rsvps.values_list("response", flat=True)) == ["no"]
    with pytest.raises(DomainError, match="Reply yes or no"):
        services.rsvp_set(meeting=meeting, member=member, response="maybe")


def test_a_cancelled_meeting_takes_no_reply(personas, meeting):
    services.meeting_cancel(meeting=meeting, reason="Holiday")
    with pytest.raises(DomainError, match="was cancelled"):
        services.rsvp_set(meeting=meeting, member=personas.members["member"], response="yes")
    assert not meeting.rsvps.exists()
