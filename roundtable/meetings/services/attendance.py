"""Who comes: replies before a meeting (RSVP, from a signed link or the page) and attendance
recorded at it ("excused" any time, "present" and "absent" once the meeting has started)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.meetings.models import Attendance, Meeting, Rsvp
from roundtable.orgs.models import Member

# Known in advance: someone may be excused before the meeting; whether they came, only after.
BEFORE_START = frozenset({Attendance.Status.EXCUSED})


def attendance_choices(*, meeting: Meeting, now: dt.datetime | None = None) -> list[str]:
    """The statuses that may be recorded for the meeting at this moment."""
    if meeting.starts_at <= (now or timezone.now()):
        return list(Attendance.Status.values)
    return [s.value for s in BEFORE_START]


@transaction.atomic
def attendance_set(
    *,
    meeting: Meeting,
    member: Member,
    status: str,
    reported_by: Member,
    now: dt.datetime | None = None,
) -> Attendance:
    _status_check(meeting=meeting, status=status, now=now)
    if not meeting.circle.memberships.filter(member=member).exists():
        raise DomainError(f"{member} is not in {meeting.circle}.")
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting, member=member, defaults={"status": status, "reported_by": reported_by}
    )
    figures_changed(meeting.circle.program_id)
    return attendance


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    statuses: Mapping[Member, str],
    reported_by: Member,
    now: dt.datetime | None = None,
) -> None:
    """Record several people's attendance at a meeting at once (a whole meeting marked in one
    go, or a meeting's history loaded): each status under the rules of `attendance_set`, all
    checked before anything is written, so one refused status records nothing. Two queries
    however many people: who of them is in the circle, and one upsert."""
    for status in statuses.values():
        _status_check(meeting=meeting, status=status, now=now)
    if not statuses:
        return
    members = list(statuses)
    in_circle = set(
        meeting.circle.memberships.filter(member__in=members).values_list("member_id", flat=True)
    )
    for member in members:
        if member.pk not in in_circle:
            raise DomainError(f"{member} is not in {meeting.circle}.")
    # One INSERT ... ON CONFLICT: someone already recorded gets the new status, and two people
    # marking the same meeting at once cannot both insert a row (the unique constraint decides).
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, member=member, status=status, reported_by=reported_by)
            for member, status in statuses.items()
        ],
        update_conflicts=True,
        unique_fields=["meeting", "member"],
        update_fields=["status", "reported_by", "updated_at"],
    )
    figures_changed(meeting.circle.program_id)


def _status_check(*, meeting: Meeting, status: str, now: dt.datetime | None) -> None:
    if status not in Attendance.Status.values:
        raise DomainError("Choose present, absent or excused.", field="status")
    if meeting.is_cancelled:
        raise DomainError("Nobody attends a cancelled meeting.")
    if status not in attendance_choices(meeting=meeting, now=now):
        raise DomainError(
            "Present or absent can be recorded once the meeting has started; "
            "before that, only excused.",
            field="status",
        )


def rsvp_set(*, meeting: Meeting, member: Member, response: str) -> Rsvp:
    if response not in Rsvp.Response.values:
        raise DomainError("Reply yes or no.")
    if meeting.is_cancelled:
        raise DomainError("This meeting was cancelled; no reply is needed.")
    rsvp, _ = Rsvp.objects.update_or_create(
        meeting=meeting, member=member, defaults={"response": response}
    )
    return rsvp
