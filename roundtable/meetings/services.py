"""Writes for schedules and meetings: the series, one-off moves and cancellations, agenda,
notes, attendance and feedback. Every change to a meeting goes through here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import markdown
import nh3
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.meetings.models import (
    AgendaItem,
    AgendaSection,
    Attendance,
    CalendarFeed,
    Feedback,
    Meeting,
    Rsvp,
    Schedule,
)
from roundtable.orgs.models import Member
from roundtable.timeslots.recurrence import Recurrence

HORIZON = dt.timedelta(weeks=12)


@transaction.atomic
def schedule_set(
    *,
    circle: Circle,
    frequency: str,
    weekday: int,
    start_time: dt.time,
    starts_on: dt.date,
    duration_minutes: int = 60,
    nth: int | None = None,
    ends_on: dt.date | None = None,
    reminder_lead_hours: int = 24,
    now: dt.datetime | None = None,
) -> Schedule:
    """Create or change a circle's schedule; only future meetings not edited one by one follow."""
    try:
        recurrence = Recurrence(
            frequency=frequency,
            weekday=weekday,
            start_time=start_time,
            time_zone=circle.time_zone,
            starts_on=starts_on,
            nth=nth if frequency == "monthly" else None,
            ends_on=ends_on,
        )
    except ValueError as exc:
        raise DomainError(str(exc)) from exc
    schedule = Schedule.objects.filter(circle=circle).first() or Schedule(circle=circle)
    schedule.frequency = frequency
    schedule.weekday = weekday
    schedule.nth = recurrence.nth
    schedule.start_time = start_time
    schedule.duration_minutes = duration_minutes
    schedule.starts_on = starts_on
    schedule.ends_on = ends_on
    schedule.reminder_lead_hours = reminder_lead_hours
    schedule.rrule = recurrence.rrule
    full_clean_or_raise(schedule)
    schedule.save()
    meetings_materialise(circle=circle, now=now)
    return schedule


def _is_pristine(meeting: Meeting) -> bool:
    return not (
        meeting.notes
        or meeting.agenda_items.exists()
        or meeting.attendance.exists()
        or meeting.feedback.exists()
    )


@transaction.atomic
def meetings_materialise(*, circle: Circle, now: dt.datetime | None = None) -> list[Meeting]:
    """Make the series' meetings exist for the rolling horizon, and bring future meetings that
    follow the series in line with it. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    schedule = Schedule.objects.filter(circle=circle).first()
    future = Meeting.objects.select_for_update().filter(
        circle=circle, starts_at__gte=now, detached=False, series_start__isnull=False
    )
    if schedule is None:
        wanted: list[dt.datetime] = []
    else:
        wanted = schedule.recurrence().occurrences(now, now + HORIZON)
    wanted_set = {w.astimezone(dt.UTC) for w in wanted}
    for meeting in future:
        if meeting.series_start not in wanted_set:
            if _is_pristine(meeting):
                meeting.delete()
            else:
                meeting.status = Meeting.Status.CANCELLED
                meeting.detached = True
                meeting.change_reason = "The circle's schedule changed."
                meeting.sequence += 1
                meeting.save()
        elif schedule is not None and meeting.duration_minutes != schedule.duration_minutes:
            meeting.duration_minutes = schedule.duration_minutes
            meeting.sequence += 1
            meeting.save()
    if schedule is None:
        return []
    existing = set(
        Meeting.objects.filter(circle=circle, series_start__in=wanted_set).values_list(
            "series_start", flat=True
        )
    )
    created = [
        Meeting(
            circle=circle,
            schedule=schedule,
            series_start=start,
            starts_at=start,
            duration_minutes=schedule.duration_minutes,
        )
        for start in sorted(wanted_set - set(existing))
    ]
    return Meeting.objects.bulk_create(created)


def _check_no_clash(meeting: Meeting, starts_at: dt.datetime, duration: int) -> None:
    ends_at = starts_at + dt.timedelta(minutes=duration)
    clash = (
        Meeting.objects.filter(circle=meeting.circle, status=Meeting.Status.SCHEDULED)
        .exclude(pk=meeting.pk)
        .filter(starts_at__lt=ends_at)
        .order_by("starts_at")
    )
    for other in clash:
        if other.ends_at > starts_at:
            raise DomainError(
                f"{meeting.circle} already meets then "
                f"({timezone.localtime(other.starts_at, timezone=_tz(meeting)):%a %d %b %H:%M}).",
                field="starts_at",
            )


def _tz(meeting: Meeting) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(meeting.circle.time_zone)


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
    _after_change(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, now: dt.datetime | None = None) -> Meeting:
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
    _after_change(meeting)
    return meeting


def _after_change(meeting: Meeting) -> None:
    # Reminders follow the meeting; people already reminded get a change notice.
    from roundtable.notifications.services import notifications_meeting_changed

    notifications_meeting_changed(meeting=meeting)


def agenda_item_add(
    *, meeting: Meeting, member: Member, title: str, details: str = ""
) -> AgendaItem:
    title = title.strip()
    if not title:
        raise DomainError("Give the agenda item a title.", field="title")
    if meeting.is_cancelled:
        raise DomainError("This meeting is cancelled; add the item to the next one.")
    item = AgendaItem(meeting=meeting, title=title, details=details.strip(), added_by=member)
    full_clean_or_raise(item)
    item.save()
    return item


def agenda_item_set_done(*, item: AgendaItem, done: bool) -> AgendaItem:
    item.done = done
    item.save(update_fields=["done", "updated_at"])
    return item


@transaction.atomic
def agenda_carry_over(*, meeting: Meeting) -> list[AgendaItem]:
    """Copy the unfinished items of a past meeting to the circle's next scheduled meeting."""
    if meeting.carried_over_at is not None:
        return []
    following = (
        Meeting.objects.filter(
            circle=meeting.circle, status=Meeting.Status.SCHEDULED, starts_at__gt=meeting.starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if following is None:
        return []
    carried = [
        AgendaItem(
            meeting=following,
            title=item.title,
            details=item.details,
            added_by=item.added_by,
            carried_from=item,
        )
        for item in meeting.agenda_items.filter(done=False)
    ]
    AgendaItem.objects.bulk_create(carried)
    meeting.carried_over_at = timezone.now()
    meeting.save(update_fields=["carried_over_at", "updated_at"])
    return carried


def meetings_roll_forward(*, now: dt.datetime | None = None) -> int:
    """The worker's periodic duty: extend every schedule's horizon and carry unfinished agenda
    items of meetings that ended. Returns how many meetings were created."""
    now = now or timezone.now()
    created = 0
    for circle in Circle.objects.filter(schedule__isnull=False):
        created += len(meetings_materialise(circle=circle, now=now))
    ended = Meeting.objects.filter(
        carried_over_at__isnull=True, status=Meeting.Status.SCHEDULED, starts_at__lt=now
    ).filter(Q(agenda_items__done=False))
    for meeting in ended.distinct():
        if meeting.ends_at <= now:
            agenda_carry_over(meeting=meeting)
    return created


ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4",
    "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_notes(text: str) -> str:
    """Markdown to HTML, sanitised: what a member types can never run in another's browser."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")


def meeting_notes_save(*, meeting: Meeting, notes: str) -> Meeting:
    if len(notes) > 50_000:
        raise DomainError("Notes are limited to 50,000 characters.", field="notes")
    meeting.notes = notes
    meeting.save(update_fields=["notes", "updated_at"])
    return meeting


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


@transaction.atomic
def feedback_give(
    *, meeting: Meeting, member: Member, rating: int, comment: str = "",
    now: dt.datetime | None = None,
) -> Feedback:  # fmt: skip
    now = now or timezone.now()
    if meeting.is_cancelled:
        raise DomainError("A cancelled meeting takes no feedback.")
    if meeting.starts_at > now:
        raise DomainError("Feedback opens when the meeting starts.")
    if not 1 <= rating <= 5:
        raise DomainError("Rate the meeting from 1 to 5.", field="rating")
    feedback, _ = Feedback.objects.update_or_create(
        meeting=meeting, member=member, defaults={"rating": rating, "comment": comment.strip()}
    )
    return feedback


def calendar_feed_reset(*, member: Member) -> CalendarFeed:
    """Create the member's feed, or give it a new secret so the old URL stops working."""
    import secrets

    feed, _ = CalendarFeed.objects.update_or_create(
        member=member, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


RSVP_SALT = "roundtable.rsvp"


class RsvpLinkInvalid(DomainError):
    pass


def rsvp_token(*, meeting: Meeting, member: Member, response: str) -> str:
    from django.core import signing

    return signing.dumps([meeting.pk, member.pk, response], salt=RSVP_SALT, compress=True)


def rsvp_from_token(*, token: str, now: dt.datetime | None = None) -> tuple[Meeting, Member, str]:
    """What a one-click RSVP link says. Links stop working once the meeting has ended."""
    from django.core import signing

    now = now or timezone.now()
    try:
        meeting_id, member_id, response = signing.loads(
            token, salt=RSVP_SALT, max_age=dt.timedelta(days=60)
        )
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise RsvpLinkInvalid("This reply link is not valid or has expired.") from exc
    meeting = Meeting.objects.select_related("circle").filter(pk=meeting_id).first()
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if meeting is None or member is None or response not in Rsvp.Response.values:
        raise RsvpLinkInvalid("This reply link is not valid or has expired.")
    if meeting.ends_at < now:
        raise RsvpLinkInvalid("This meeting is over, so replies are closed.")
    if meeting.is_cancelled:
        raise RsvpLinkInvalid("This meeting was cancelled; no reply is needed.")
    return meeting, member, response


def rsvp_set(*, meeting: Meeting, member: Member, response: str) -> Rsvp:
    if response not in Rsvp.Response.values:
        raise DomainError("Reply yes or no.")
    rsvp, _ = Rsvp.objects.update_or_create(
        meeting=meeting, member=member, defaults={"response": response}
    )
    return rsvp


DEFAULT_AGENDA = (
    ("Check-in", "How is everyone doing; wins since last time."),
    ("Problem of the week", "The common problem the circle attacks today."),
    ("Critique round", "Ideas proposed; reasoned arguments for and against."),
    ("Commitments", "What each person will try, by a date they choose."),
)


def agenda_template_for(*, program: Any) -> list[tuple[str, str]]:
    sections = [(s.title, s.description) for s in program.agenda_sections.all()]
    return sections or list(DEFAULT_AGENDA)


@transaction.atomic
def agenda_template_set(*, program: Any, text: str) -> list[AgendaSection]:
    """Replace a program's meeting structure from lines of "Title: what happens"."""
    sections = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        title, _, description = line.partition(":")
        title, description = title.strip(), description.strip()
        if not title:
            raise DomainError(f"Line {number} has no title before the colon.", field="text")
        if len(title) > 80 or len(description) > 200:
            raise DomainError(
                f"Line {number} is too long (title 80, description 200 characters).", field="text"
            )
        sections.append((title, description))
    if not sections:
        raise DomainError("Give the meeting at least one step.", field="text")
    if len(sections) > 12:
        raise DomainError("Keep the structure to 12 steps at most.", field="text")
    program.agenda_sections.all().delete()
    return AgendaSection.objects.bulk_create(
        AgendaSection(program=program, position=i, title=t, description=d)
        for i, (t, d) in enumerate(sections)
    )
