"""Nudges: the owner of an open commitment gets a reminder the day before it is due and, if it is
still open the day after, a friendly nudge, each with one-click "done" and "new date" links; or,
by their choice, one email on Monday listing what is due that week and what is overdue. Each is a
Notification row that the notifications worker claims and sends once (nudge_emails.py renders
it); this module plans the rows, moves them with the date, and signs and checks the links.

Times are the owner's wall clock, in the zone they chose the date in: 09:00 the day before the
due day, 09:00 the day after it, and 08:00 on Monday for the weekly email, whatever the
daylight-saving offset of that day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from roundtable.commitments.models import Commitment
from roundtable.core.errors import DomainError
from roundtable.notifications.models import (
    SUBJECT_KINDS,
    CommitmentEmails,
    Notification,
    NotificationPreference,
)
from roundtable.orgs.models import Member

REMIND_AT = dt.time(9)  # on the owner's clock, the day before the due day
NUDGE_AT = dt.time(9)  # the day after the due day
WEEKLY_AT = dt.time(8)  # on Mondays
# Rows are planned for commitments due within this window (and every overdue one never nudged);
# the periodic task runs far more often than that.
PLAN_AHEAD = dt.timedelta(days=8)
SKIPPED_LATE = "The date was set after the reminder's time: the owner just chose it."

Kind = Notification.Kind


def nudge_zone(commitment: Commitment) -> ZoneInfo:
    """The zone the owner chose the date in (their profile's if none was kept)."""
    return ZoneInfo(commitment.due_time_zone or commitment.owner.time_zone or "UTC")


def _on_day(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def reminder_at(*, due_at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """09:00 on the owner's clock the day before the due day."""
    return _on_day(due_at.astimezone(zone).date() - dt.timedelta(days=1), REMIND_AT, zone)


def nudge_at(*, due_at: dt.datetime, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """09:00 on the owner's clock the day after the due day; for a commitment found overdue
    later than that (the date was set before nudges existed), the next 09:00 to come."""
    day = due_at.astimezone(zone).date() + dt.timedelta(days=1)
    at = _on_day(day, NUDGE_AT, zone)
    while at < now:
        day += dt.timedelta(days=1)
        at = _on_day(day, NUDGE_AT, zone)
    return at


def weekly_due(*, now: dt.datetime, time_zone: str) -> tuple[dt.date, dt.datetime]:
    """The next Monday 08:00 in `time_zone` at or after `now`: (that Monday, that moment)."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    monday = local.date() - dt.timedelta(days=local.weekday())
    if _on_day(monday, WEEKLY_AT, zone) < now:
        monday += dt.timedelta(days=7)
    return monday, _on_day(monday, WEEKLY_AT, zone)


def _subject_type() -> ContentType:
    return ContentType.objects.get_for_model(Commitment)  # cached after the first call


def _rows(commitment: Commitment, *, now: dt.datetime) -> list[Notification]:
    """The reminder and the nudge of an open commitment's current date and owner. A reminder
    whose time passed before the date was chosen is kept as skipped: the owner just chose it."""
    if commitment.due_at is None:  # an open commitment has one (check constraint)
        return []
    zone = nudge_zone(commitment)
    subject = {
        "member_id": commitment.owner_id,
        "subject_type": _subject_type(),
        "subject_id": commitment.pk,
        "subject_due_at": commitment.due_at,
    }
    remind = reminder_at(due_at=commitment.due_at, zone=zone)
    late = {"sent_at": now, "skipped_reason": SKIPPED_LATE} if remind <= now else {}
    return [
        Notification(kind=Kind.COMMITMENT_REMINDER, due_at=remind, **subject, **late),
        Notification(
            kind=Kind.COMMITMENT_NUDGE,
            due_at=nudge_at(due_at=commitment.due_at, zone=zone, now=now),
            **subject,
        ),
    ]


def _planned() -> Exists:
    return Exists(
        Notification.objects.filter(
            kind=Kind.COMMITMENT_REMINDER,
            subject_type=_subject_type(),
            subject_id=OuterRef("pk"),
            subject_due_at=OuterRef("due_at"),
            member_id=OuterRef("owner_id"),
        )
    )


def nudges_plan(*, now: dt.datetime | None = None) -> int:
    """Plan the reminder and nudge of every open commitment due within PLAN_AHEAD (or overdue)
    that has none for its current date and owner (idempotent). Returns how many commitments got
    rows."""
    now = now or timezone.now()
    commitments = list(
        Commitment.objects.filter(status=Commitment.Status.OPEN, due_at__lt=now + PLAN_AHEAD)
        .exclude(_planned())
        .select_related("owner")
    )
    rows = [row for commitment in commitments for row in _rows(commitment, now=now)]
    # A planner running at the same time (or nudges_replan) may have inserted them already.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(commitments)


@transaction.atomic
def nudges_replan(*, commitment: Commitment, now: dt.datetime | None = None) -> None:
    """Call after a commitment's date, status or owner changed (moved, done, dropped,
    reassigned, dated by its first answer). The unsent reminder and nudge of another date or
    owner are dropped (one a worker is sending right now is left to it: its renderer sees the
    change and skips it); a still-open commitment gets them for its current date at once."""
    now = now or timezone.now()
    commitment = Commitment.objects.select_related("owner").get(pk=commitment.pk)
    unsent = Notification.objects.filter(
        kind__in=SUBJECT_KINDS,
        subject_type=_subject_type(),
        subject_id=commitment.pk,
        sent_at__isnull=True,
        claimed_at__isnull=True,
    )
    is_open = commitment.status == Commitment.Status.OPEN and commitment.due_at is not None
    if is_open:
        unsent = unsent.exclude(member_id=commitment.owner_id, subject_due_at=commitment.due_at)
    unsent.delete()
    if is_open:
        Notification.objects.bulk_create(_rows(commitment, now=now), ignore_conflicts=True)


def nudges_weekly_plan(*, now: dt.datetime | None = None) -> int:
    """Plan next Monday's email for every active member who chose the weekly email and has an
    open commitment due by the end of that week (overdue ones included). Returns how many rows
    were new."""
    now = now or timezone.now()
    weekly = NotificationPreference.objects.filter(commitments=CommitmentEmails.WEEKLY).values(
        "member_id"
    )
    open_due = (
        Commitment.objects.filter(status=Commitment.Status.OPEN, owner_id__in=weekly)
        .values("owner_id")
        .annotate(earliest=Min("due_at"))
    )
    earliest = {row["owner_id"]: row["earliest"] for row in open_due}
    people = Member.objects.filter(
        pk__in=list(earliest), is_active=True, user__is_active=True
    ).values_list("pk", "time_zone")
    rows = []
    for member_id, time_zone in people:
        monday, due = weekly_due(now=now, time_zone=time_zone)
        week_end = _on_day(monday + dt.timedelta(days=7), dt.time(0), ZoneInfo(time_zone))
        if earliest[member_id] < week_end:
            rows.append(
                Notification(
                    kind=Kind.COMMITMENT_WEEKLY, member_id=member_id, digest_on=monday, due_at=due
                )
            )
    planned = set(
        Notification.objects.filter(
            kind=Kind.COMMITMENT_WEEKLY, member_id__in=[row.member_id for row in rows]
        ).values_list("member_id", "digest_on")
    )
    new = [row for row in rows if (row.member_id, row.digest_on) not in planned]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- one-click links --------------------------------------------------------------------------

LINK_SALTS = {
    "done": "roundtable.commitments.nudge.done",
    "move": "roundtable.commitments.nudge.move",
}
LINK_MAX_AGE = dt.timedelta(days=14)


class NudgeLinkInvalid(DomainError):
    pass


def nudge_token(*, commitment: Commitment, member: Member, purpose: str) -> str:
    """A link's token: which commitment, for whom, signed for one purpose (a "done" token does
    not open the "new date" page)."""
    return signing.dumps([commitment.pk, member.pk], salt=LINK_SALTS[purpose], compress=True)


def nudge_from_token(*, token: str, purpose: str) -> tuple[Commitment, Member]:
    """What a link says, checked when it is opened and again when its form is sent: signed for
    this purpose, at most LINK_MAX_AGE old, for the commitment's owner still, with an active
    account, about a commitment still open."""
    invalid = NudgeLinkInvalid("This link is not valid or has expired.")
    try:
        commitment_id, member_id = signing.loads(
            token, salt=LINK_SALTS[purpose], max_age=LINK_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError, KeyError) as exc:
        raise invalid from exc
    commitment = (
        Commitment.objects.select_related("circle", "owner__user").filter(pk=commitment_id).first()
    )
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if commitment is None or member is None:
        raise invalid
    if commitment.owner_id != member.pk:
        raise NudgeLinkInvalid("This commitment is no longer yours, so this link no longer works.")
    if not (member.is_active and member.user.is_active):
        raise NudgeLinkInvalid("Your account is no longer active, so this link no longer works.")
    if commitment.status != Commitment.Status.OPEN:
        raise NudgeLinkInvalid(
            f"This commitment is already {commitment.get_status_display().lower()}: "
            "there is nothing left to do with this link."
        )
    return commitment, member
