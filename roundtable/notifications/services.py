"""Planning and sending every email the app sends. Each is a Notification row: a worker claims
a due row with a conditional update, sends, then marks it sent only while its claim still holds;
a failed send is released for a later retry; a claim left by a worker that died is taken over
(at once when that worker ran on this host, else after CLAIM_TIMEOUT), and the resend carries
the same Message-ID, so mail clients fold the two copies into one. Requests only queue rows
(account_emails.py for accounts' emails), so a mail server that is down never fails a page."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.emails import invitation_email, password_reset_email
from roundtable.circles.models import CircleMembership
from roundtable.meetings.calendar import Invitee, meeting_invitation_ics
from roundtable.meetings.models import Meeting
from roundtable.meetings.rsvp import rsvp_token
from roundtable.meetings.selectors import circle_rotation, meeting_runner_line
from roundtable.notifications.digest import notice_digest_message
from roundtable.notifications.models import (
    CommitmentEmails,
    Notification,
    NotificationPreference,
)
from roundtable.notifications.notices import notice_preferences_set
from roundtable.notifications.registry import REGISTERED_KINDS, email_kind_registered
from roundtable.orgs.models import Member

log = logging.getLogger(__name__)

PLAN_AHEAD = dt.timedelta(days=8)  # longer than the longest reminder lead time (7 days)
WRAPUP_AFTER = dt.timedelta(minutes=15)
# A claim covers one send (the SMTP connection times out after EMAIL_TIMEOUT, 20 s), so a claim
# older than this was left by a worker that died: another worker takes the row over.
CLAIM_TIMEOUT = dt.timedelta(seconds=40)
MAX_ATTEMPTS = 5
ACCOUNT_KINDS = (Notification.Kind.INVITATION, Notification.Kind.PASSWORD_RESET)


def _reminder_due(meeting: Meeting, now: dt.datetime) -> dt.datetime:
    """The schedule's lead time before the meeting, in real hours (so across a daylight-saving
    change a 24-hour reminder comes 24 hours ahead), never in the past."""
    schedule = getattr(meeting.circle, "schedule", None)
    lead_hours = schedule.reminder_lead_hours if schedule else 24
    return max(now, meeting.starts_at - dt.timedelta(hours=lead_hours))


def notifications_plan(*, now: dt.datetime | None = None) -> int:
    """Create the reminder and wrap-up rows for meetings in the coming days (idempotent).
    Returns how many rows this call created: 0 when everything was planned already."""
    now = now or timezone.now()
    current = CircleMembership.objects.filter(
        left_on__isnull=True, member__is_active=True
    ).select_related("member")
    meetings = list(
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED, starts_at__gte=now, starts_at__lt=now + PLAN_AHEAD
        )
        .select_related("circle__schedule")
        .prefetch_related(Prefetch("circle__memberships", queryset=current, to_attr="current"))
    )
    planned = set(
        Notification.objects.filter(
            meeting__in=meetings,
            kind__in=[Notification.Kind.REMINDER, Notification.Kind.WRAPUP],
            meeting_sequence=0,
        ).values_list("kind", "meeting_id", "member_id")
    )
    rows = []
    for meeting in meetings:
        due = _reminder_due(meeting, now)
        for membership in meeting.circle.current:  # type: ignore[attr-defined]
            rows.append(
                Notification(
                    kind=Notification.Kind.REMINDER,
                    meeting=meeting,
                    member_id=membership.member_id,
                    due_at=due,
                )
            )
        if meeting.circle.lead_id:
            rows.append(
                Notification(
                    kind=Notification.Kind.WRAPUP,
                    meeting=meeting,
                    member_id=meeting.circle.lead_id,
                    due_at=meeting.ends_at + WRAPUP_AFTER,
                )
            )
    new = [row for row in rows if (row.kind, row.meeting_id, row.member_id) not in planned]
    # bulk_create(ignore_conflicts=True) returns every object passed, created or not, so the
    # rows planned already are left out first; the flag only covers a planner running at once.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


SKIPPED_CANCELLED = "Meeting cancelled before this was sent."


@transaction.atomic
def notifications_meeting_changed(*, meeting: Meeting, now: dt.datetime | None = None) -> None:
    """A meeting moved or was cancelled: unsent rows follow it; people already reminded get a
    change notice."""
    now = now or timezone.now()
    unsent = Notification.objects.filter(meeting=meeting, sent_at__isnull=True)
    follows_meeting = [Notification.Kind.REMINDER, Notification.Kind.WRAPUP]
    if meeting.is_cancelled:
        unsent.filter(kind__in=follows_meeting).update(
            sent_at=now, skipped_reason=SKIPPED_CANCELLED
        )
    else:
        # A restored meeting gets back the reminder and wrap-up its cancellation skipped.
        Notification.objects.filter(
            meeting=meeting, kind__in=follows_meeting, skipped_reason=SKIPPED_CANCELLED
        ).update(sent_at=None, skipped_reason="", claimed_at=None, claimed_by="")
        unsent.filter(kind=Notification.Kind.REMINDER).update(due_at=_reminder_due(meeting, now))
        unsent.filter(kind=Notification.Kind.WRAPUP).update(due_at=meeting.ends_at + WRAPUP_AFTER)
    reminded = (
        Notification.objects.filter(
            meeting=meeting,
            kind=Notification.Kind.REMINDER,
            sent_at__isnull=False,
            skipped_reason="",
        )
        .values_list("member_id", flat=True)
        .distinct()
    )
    Notification.objects.bulk_create(
        [
            Notification(
                kind=Notification.Kind.CHANGE,
                meeting=meeting,
                member_id=member_id,
                meeting_sequence=meeting.sequence,
                due_at=now,
            )
            for member_id in reminded
        ],
        ignore_conflicts=True,
    )


def _wants(member: Member, kind: str) -> bool:
    pref = NotificationPreference.objects.filter(member=member).first()
    if pref is None:
        return True
    return {"reminder": pref.reminders, "change": pref.changes, "wrapup": pref.wrapups}[kind]


def _claim(notification_id: int, *, worker: str, now: dt.datetime) -> bool:
    """Take one row for this worker. The conditional update is atomic in the database, so of
    two workers racing for the same row exactly one sees `1`."""
    stale = now - CLAIM_TIMEOUT
    return (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True, due_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now, claimed_by=worker)
        == 1
    )


def notifications_send_due(
    *,
    worker: str = "worker",
    now: dt.datetime | None = None,
    limit: int = 500,
    seconds: float | None = None,
) -> int:
    """Send what is due, in batches of `limit` rows: one batch, or with `seconds` batch after
    batch for about that long (a tick hands the rest to the next tick, which may run on another
    worker). Returns the number of emails sent."""
    clock: Callable[[], dt.datetime] = (lambda: now) if now else timezone.now
    deadline = None if seconds is None else time.monotonic() + seconds
    connection = get_connection()  # one SMTP connection for the batch, reopened after a failure
    sent = 0
    try:
        while True:
            _claims_of_dead_local_workers_release()
            candidates = _due(now=clock(), limit=limit)
            for pk in candidates:
                if deadline is not None and time.monotonic() > deadline:
                    return sent
                sent += _send_one(pk, worker=worker, now=clock(), connection=connection)
            if deadline is None or not candidates:
                return sent
    finally:
        connection.close()


def _due(*, now: dt.datetime, limit: int) -> list[int]:
    return list(
        Notification.objects.filter(sent_at__isnull=True, due_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


def worker_name() -> str:
    """This process's name in the claims it makes: its host, pid, and a random part (a restarted
    worker may get the pid of the one that died)."""
    return f"{_host()}:{os.getpid()}:{secrets.token_hex(4)}"


def _host() -> str:
    """This host, as far as process ids go: the host name and the pid namespace, since
    containers that share a host name (host networking) do not see each other's processes."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").strip("pid:[]")
    except OSError:  # no /proc (not Linux): the host name alone
        namespace = ""
    return f"{socket.gethostname()[:30]}~{namespace}"


def _claims_of_dead_local_workers_release() -> int:
    """Free the claims of worker processes on this host that no longer run (killed mid-send):
    their rows go out again at once, not CLAIM_TIMEOUT later. Workers on other hosts are left
    to the timeout. Returns how many rows were freed."""
    host = _host()
    claimers = set(
        Notification.objects.filter(
            sent_at__isnull=True, claimed_at__isnull=False, claimed_by__startswith=f"{host}:"
        ).values_list("claimed_by", flat=True)
    )
    freed = 0
    for claimer in claimers:
        pid = claimer.split(":")[1]
        if pid.isdigit() and not _process_runs(int(pid)):
            freed += Notification.objects.filter(claimed_by=claimer, sent_at__isnull=True).update(
                claimed_at=None, claimed_by=""
            )
    return freed


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def _send_one(pk: int, *, worker: str, now: dt.datetime, connection: BaseEmailBackend) -> int:
    """Claim, send and mark one row; 1 if an email went out."""
    if not _claim(pk, worker=worker, now=now):
        return 0  # another worker has it
    mine = Notification.objects.filter(pk=pk, claimed_by=worker, claimed_at=now)
    notification = Notification.objects.select_related(
        "meeting__circle__program",
        "member__user",
        "invitation__organization",
        "invitation__invited_by",
        "user",
    ).get(pk=pk)
    try:
        delivered = notification_deliver(notification=notification, now=now, connection=connection)
    except Exception as exc:  # any failure of the mail system: release the row, retry later
        log.warning("Sending notification %s failed: %s", pk, exc)
        connection.close()
        attempts = notification.attempts + 1
        mine.update(
            claimed_at=None,
            claimed_by="",
            attempts=attempts,
            last_error=str(exc)[:2000],
            due_at=now + dt.timedelta(minutes=2**attempts),
            **(
                {"sent_at": now, "skipped_reason": "Gave up after repeated failures."}
                if attempts >= MAX_ATTEMPTS
                else {}
            ),
        )
        return 0
    # A registered kind's renderer may have said more precisely why its row no longer applies.
    skipped = "" if delivered else notification.skipped_reason or SKIPPED_REASONS[notification.kind]
    registered = email_kind_registered(notification.kind)
    with transaction.atomic():
        # Marked only while the claim is still this worker's: a worker whose claim was taken
        # over (it was too slow, and another worker resent the same Message-ID) leaves the row
        # alone.
        if mine.update(sent_at=now, skipped_reason=skipped) == 0:
            log.warning("Notification %s was taken over by another worker before it was marked", pk)
        elif delivered and registered is not None:
            registered.sent(notification, now)  # recorded with the mark, so once
    return int(delivered)


SKIPPED_REASONS: dict[str, str] = {
    Notification.Kind.REMINDER: "Turned off by the member.",
    Notification.Kind.CHANGE: "Turned off by the member, or overtaken by a later change.",
    Notification.Kind.WRAPUP: "Turned off by the member.",
    Notification.Kind.INVITATION: "The invitation was used, withdrawn or expired before sending.",
    Notification.Kind.PASSWORD_RESET: "The account was deactivated before sending.",
    Notification.Kind.DIGEST: "Nothing left to tell: read in the app or kept to the app, or "
    "the member is no longer active.",
    **dict.fromkeys(REGISTERED_KINDS, "No longer applies."),
}
NOT_REGISTERED = "No app renders this kind of email."


def notification_message_id(*, notification: Notification) -> str:
    """The Message-ID of a row's email, the same at every attempt: a resend after a worker died
    mid-send is folded by mail clients into the copy that may already have arrived."""
    domain = urlsplit(settings.SITE_URL).hostname or "roundtable.invalid"
    return f"<notification.{notification.pk}.{notification.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _send(
    message: EmailMessage, *, notification: Notification, connection: BaseEmailBackend | None
) -> None:
    message.extra_headers["Message-ID"] = notification_message_id(notification=notification)
    if connection is not None:
        connection.open()  # kept open across the batch; raises when the server is down
        message.connection = connection
    message.send()


def _local(value: dt.datetime, member: Member) -> dt.datetime:
    return value.astimezone(ZoneInfo(member.time_zone))


def notification_deliver(
    *,
    notification: Notification,
    now: dt.datetime,
    connection: BaseEmailBackend | None = None,
) -> bool:
    """Render and send one email, a meeting's in the recipient's time zone; a registered kind's
    by the app that registered it. False when they opted out or the email no longer applies."""
    if notification.kind in ACCOUNT_KINDS:
        account_message = (
            invitation_email(invitation=notification.invitation)
            if notification.invitation
            else password_reset_email(user=notification.user)
            if notification.user
            else None
        )
        if account_message is None:
            return False
        _send(account_message, notification=notification, connection=connection)
        return True
    if notification.kind in REGISTERED_KINDS:
        registered = email_kind_registered(notification.kind)
        outcome = registered.render(notification, now) if registered else NOT_REGISTERED
        if isinstance(outcome, str):
            notification.skipped_reason = outcome  # _send_one keeps it on the row
            return False
        _send(outcome, notification=notification, connection=connection)
        return True
    if notification.kind == Notification.Kind.DIGEST:
        digest = notice_digest_message(notification=notification)
        if digest is None:
            return False
        _send(digest, notification=notification, connection=connection)
        return True
    member, meeting = notification.member, notification.meeting
    if member is None or meeting is None:  # the check constraint rules it out
        return False
    if not member.is_active or not member.user.is_active:
        return False
    if not _wants(member, notification.kind):
        return False
    if notification.kind == Notification.Kind.REMINDER and (
        meeting.is_cancelled or meeting.starts_at < now
    ):
        return False
    if (
        notification.kind == Notification.Kind.CHANGE
        and notification.meeting_sequence < meeting.sequence
    ):
        return False  # a later change overtook it before it went out: that notice says it all
    page = settings.SITE_URL + reverse("meetings:detail", args=[meeting.pk])
    context = {
        "member": member,
        "meeting": meeting,
        "circle": meeting.circle,
        "starts": _local(meeting.starts_at, member),
        "ends": _local(meeting.ends_at, member),
        "time_zone": member.time_zone,
        "agenda": list(meeting.agenda_items.filter(done=False)),
        "runner_line": _runner_line(meeting) if notification.kind == "reminder" else None,
        "url": page,
        "profile_url": settings.SITE_URL + reverse("orgs:profile"),
        "yes_url": _rsvp_url(meeting, member, "yes"),
        "no_url": _rsvp_url(meeting, member, "no"),
    }
    kind = notification.kind
    subject = {
        "reminder": f"{meeting.circle.name} meets {context['starts']:%a %d %b at %H:%M}",
        "change": f"{meeting.circle.name}: meeting "
        + ("cancelled" if meeting.is_cancelled else "moved" if meeting.was_moved else "changed"),
        "wrapup": f"{meeting.circle.name}: attendance and notes for today's meeting",
    }[kind]
    with timezone.override(ZoneInfo(member.time_zone)):
        body = render_to_string(f"notifications/email/{kind}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[member.user.email])
    if kind in {"reminder", "change"}:
        invitee = Invitee(email=member.email, name=member.name)
        method, ics = meeting_invitation_ics(meeting=meeting, invitee=invitee)
        # Django adds the charset to a text attachment: naming it here too wrote it twice.
        message.attach(f"meeting-{meeting.pk}.ics", ics, f"text/calendar; method={method}")
    _send(message, notification=notification, connection=connection)
    return True


def _runner_line(meeting: Meeting) -> str:
    """Who runs the meeting, for its reminder: whoever's turn it is, or the lead."""
    rotation = circle_rotation(circle=meeting.circle)
    return meeting_runner_line(
        meeting=meeting, rotation=rotation if rotation and rotation.is_on else None
    ).describe()


def _rsvp_url(meeting: Meeting, member: Member, response: str) -> str:
    token = rsvp_token(meeting=meeting, member=member, response=response)
    return settings.SITE_URL + reverse("meetings:rsvp", args=[token])


@transaction.atomic
def notification_preferences_set(
    *,
    member: Member,
    reminders: bool,
    changes: bool,
    wrapups: bool,
    notices: dict[str, str] | None = None,
    commitments: str | None = None,
    health_digest: bool | None = None,
) -> NotificationPreference:
    """The member's email choices, and with `notices` their choice per kind of notice (kind →
    digest, app or off; kinds left out keep theirs); with `commitments`, each reminder and nudge
    about their commitments or one weekly email (CommitmentEmails; None keeps theirs); with
    `health_digest`, whether they get the Monday email of circles at risk (None keeps theirs)."""
    chosen: dict[str, bool | str] = {"reminders": reminders, "changes": changes, "wrapups": wrapups}
    if commitments is not None:
        if commitments not in CommitmentEmails.values:
            raise ValueError(f"Not a choice for commitment emails: {commitments}")
        chosen["commitments"] = commitments
    if health_digest is not None:
        chosen["health_digest"] = health_digest
    pref, _ = NotificationPreference.objects.update_or_create(member=member, defaults=chosen)
    if notices:
        notice_preferences_set(member=member, deliveries=notices)
    return pref
