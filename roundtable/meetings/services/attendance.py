"""Who comes: replies before a meeting (RSVP, from a signed link or the page) and attendance
recorded at it."""

from __future__ import annotations

from django.db import transaction

from roundtable.core.errors import DomainError
from roundtable.meetings.models import Attendance, Meeting, Rsvp
from roundtable.orgs.models import Member


@transaction.atomic
def attendance_set(
    *, meeting: Meeting, member: Member, status: str, reported_by: Member
) -> Attendance:
    if status not in Attendance.Status.values:
        raise DomainError("Choose present, absent or excused.", field="status")
    if meeting.is_cancelled:
        raise DomainError("Nobody attends a cancelled meeting.")
    if not meeting.circle.memberships.filter(member=member).exists():
        raise DomainError(f"{member} is not in {meeting.circle}.")
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting, member=member, defaults={"status": status, "reported_by": reported_by}
    )
    return attendance


def rsvp_set(*, meeting: Meeting, member: Member, response: str) -> Rsvp:
    if response not in Rsvp.Response.values:
        raise DomainError("Reply yes or no.")
    rsvp, _ = Rsvp.objects.update_or_create(
        meeting=meeting, member=member, defaults={"response": response}
    )
    return rsvp
