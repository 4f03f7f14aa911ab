"""Attendance and replies (services/attendance.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.circles.services import circle_add_member
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.testing.factories import MemberFactory


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


def _more_members(personas, count: int) -> list:
    """`count` more people in the personas' circle, there from before its first meeting."""
    people = MemberFactory.create_batch(count, organization=personas.organization)
    for person in people:
        circle_add_member(circle=personas.circle, member=person, on=dt.date(2027, 2, 1))
    return people


def test_a_whole_meeting_is_recorded_at_once_and_can_be_changed(personas, meeting):
    member, lead = personas.members["member"], personas.members["lead"]
    started = meeting.starts_at
    services.attendance_record(
        meeting=meeting,
        statuses={member: "absent", lead: "present"},
        reported_by=lead,
        now=started,
    )
    services.attendance_record(
        meeting=meeting, statuses={member: "present"}, reported_by=member, now=started
    )
    assert sorted(meeting.attendance.values_list("member_id", "status", "reported_by")) == sorted(
        [(member.pk, "present", member.pk), (lead.pk, "present", lead.pk)]
    )


def test_recording_a_whole_meeting_takes_the_same_queries_however_many_people(personas, meeting):
    lead, started = personas.members["lead"], meeting.starts_at
    counts = []
    for people in ([personas.members["member"]], _more_members(personas, 4)):
        with CaptureQueriesContext(connection) as captured:
            services.attendance_record(
                meeting=meeting,
                statuses=dict.fromkeys(people, "present"),
                reported_by=lead,
                now=started,
            )
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert meeting.attendance.count() == 5


@pytest.mark.parametrize(
    ("status", "when", "refusal"),
    [
        ("asleep", "after", "Choose present, absent or excused"),
        ("present", "before", "once the meeting has started"),
        ("absent", "before", "once the meeting has started"),
    ],
)
def test_one_refused_status_records_nobody(personas, meeting, status, when, refusal):
    member, lead = personas.members["member"], personas.members["lead"]
    now = meeting.starts_at if when == "after" else meeting.starts_at - dt.timedelta(hours=1)
    with pytest.raises(DomainError, match=refusal):
        services.attendance_record(
            meeting=meeting, statuses={lead: "excused", member: status}, reported_by=lead, now=now
        )
    assert not meeting.attendance.exists()


def test_someone_outside_the_circle_stops_the_whole_record(personas, meeting):
    lead = personas.members["lead"]
    with pytest.raises(DomainError, match="is not in"):
        services.attendance_record(
            meeting=meeting,
            statuses={lead: "present", personas.members["sponsor"]: "present"},
            reported_by=lead,
            now=meeting.starts_at,
        )
    assert not meeting.attendance.exists()


def test_nobody_is_recorded_at_a_cancelled_meeting(personas, meeting):
    services.meeting_cancel(meeting=meeting, reason="Holiday")
    with pytest.raises(DomainError, match="Nobody attends"):
        services.attendance_record(
            meeting=meeting,
            statuses={personas.members["member"]: "excused"},
            reported_by=personas.members["lead"],
        )
    assert not meeting.attendance.exists()
