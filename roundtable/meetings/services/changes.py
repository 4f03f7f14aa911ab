"""One-off changes to one meeting: moving, cancelling and restoring it. The series stays as it
is; the open agenda of a cancelled meeting goes to the next meeting that takes place; the
notification rows follow the change (reminders move, people already told get a notice)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.core.validation import full_clean_or_raise
from roundtable.meetings.models import AgendaItem, Meeting
from roundtable.meetings.services.agenda import agenda_carry_over
from roundtable.notifications.services import notifications_meeting_changed
from roundtable.programs.services import planning_window_check


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
    zone = ZoneInfo(meeting.circle.time_zone)
    planning_window_check(
        organization=meeting.circle.program.organization,
        value=timezone.localtime(starts_at, zone).date(),
        field="starts_at",
        what="The new date",
        today=timezone.localdate(now, zone),
    )
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
    figures_changed(meeting.circle.program_id)
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
    figures_changed(meeting.circle.program_id)
    agenda_carry_over(meeting=meeting, now=now)
    notifications_meeting_changed(meeting=meeting, now=now)
    return meeting


@transaction.atomic
def meeting_restore(
    *, meeting: Meeting, reason: str = "", now: dt.datetime | None = None
) -> Meeting:
    """A cancelled meeting takes place after all, at its time; those told of the cancellation
    are told again. It is then kept out of series changes, like any meeting changed by hand."""
    now = now or timezone.now()
    if not meeting.is_cancelled:
        raise DomainError("This meeting is not cancelled.")
    if meeting.starts_at < now:
        raise DomainError(
            "This meeting's time has passed; plan a new one by moving a coming meeting."
        )
    _check_no_clash(meeting, meeting.starts_at, meeting.duration_minutes)
    meeting.status = Meeting.Status.SCHEDULED
    meeting.detached = True
    meeting.change_reason = (reason.strip() or "It takes place after all.")[:300]
    meeting.sequence += 1
    meeting.save()
    figures_changed(meeting.circle.program_id)
    agenda_carry_over_undo(meeting=meeting, now=now)
    notifications_meeting_changed(meeting=meeting, now=now)
    return meeting


def agenda_carry_over_undo(*, meeting: Meeting, now: dt.datetime) -> None:
    """A cancelled meeting takes place after all: the copies of its open items carried to a
    meeting not yet started go (the items are back on this one), and what is still open after
    it is carried on as usual."""
    AgendaItem.objects.filter(
        carried_from__meeting=meeting, done=False, meeting__starts_at__gt=now
    ).delete()
    meeting.carried_over_at = None
    meeting.save(update_fields=["carried_over_at", "updated_at"])
