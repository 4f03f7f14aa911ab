"""One-off changes to one meeting: moving and cancelling it. The series stays as it is, and the
notification rows follow the change (reminders move, people already reminded get a notice)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.meetings.models import Meeting
from roundtable.notifications.services import notifications_meeting_changed


def _check_no_clash(meeting: Meeting, starts_at: dt.datetime, duration: int) -> None:
    ends_at = starts_at + dt.timedelta(minutes=duration)
    clash = (
        Meeting.objects.filter(circle=meeting.circle, status=Meeting.Status.SCHEDULED)
        .exclude(pk=meeting.pk)
        .filter(starts_at__lt=ends_at)
        .order_by("starts_at")
    )
    zone = ZoneInfo(meeting.circle.time_zone)
    for other in clash:
        if other.ends_at > starts_at:
            raise DomainError(
                f"{meeting.circle} already meets then "
                f"({timezone.localtime(other.starts_at, timezone=zone):%a %d %b %H:%M}).",
                field="starts_at",
            )


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    starts_at: dt.datetime,
    reason: str,
    duration_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Move one meeting; the series stays as it is."""
    now = now or timezone.now()
    reason = reason.strip()
    duration = duration_minutes or meeting.duration_minutes
    if meeting.is_cancelled:
        raise DomainError("This meeting is cancelled; it cannot be moved.")
    if meeting.starts_at < now:
        raise DomainError("This meeting has already started; it cannot be moved.")
    if starts_at < now:
        raise DomainError("A meeting cannot be moved into the past.", field="starts_at")
    if not reason:
        raise DomainError("Say why the meeting moves; members see the reason.", field="reason")
    _check_no_clash(meeting, starts_at, duration)
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration
    meeting.detached = True
    meeting.change_reason = reason[:300]
    meeting.sequence += 1
    full_clean_or_raise(meeting)
    meeting.save()
    notifications_meeting_changed(meeting=meeting, now=now)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, now: dt.datetime | None = None) -> Meeting:
    """Cancel one meeting; it stays on the circle's record with the reason members see."""
    now = now or timezone.now()
    reason = reason.strip()
    if meeting.is_cancelled:
        raise DomainError("This meeting is already cancelled.")
    if meeting.ends_at < now:
        raise DomainError("A meeting that has taken place cannot be cancelled.")
    if not reason:
        raise DomainError("Say why the meeting is cancelled; members see it.", field="reason")
    meeting.status = Meeting.Status.CANCELLED
    meeting.detached = True
    meeting.change_reason = reason[:300]
    meeting.sequence += 1
    meeting.save()
    notifications_meeting_changed(meeting=meeting, now=now)
    return meeting
