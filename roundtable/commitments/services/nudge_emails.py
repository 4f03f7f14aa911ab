"""The emails of nudges: a commitment's reminder and nudge, and the weekly email, rendered when
the notifications worker sends their row (registered with notifications from this app's
ready(), since notifications may not import commitments). Each checks at send time that it still
applies, and once sent appends REMINDED or NUDGED to the commitment's activity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roundtable.commitments.models import Activity, Commitment
from roundtable.commitments.services.activity import activity_add
from roundtable.commitments.services.nudges import nudge_token, nudge_zone
from roundtable.notifications.models import CommitmentEmails, Notification, NotificationPreference
from roundtable.notifications.registry import email_kind_register
from roundtable.orgs.models import Member

Kind = Notification.Kind
KEPT_FOR_WEEKLY = "Kept for the member's weekly email."
NOT_WEEKLY_NOW = "The member went back to each email."
NOTHING_THIS_WEEK = "Nothing due this week and nothing overdue."
MEMBER_GONE = "The member is no longer active."


@dataclass(frozen=True)
class Item:
    """One commitment in an email, with its owner's local due time and its one-click links."""

    commitment: Commitment
    due: dt.datetime
    time_zone: str
    done_url: str
    move_url: str


def _item(commitment: Commitment, member: Member) -> Item:
    def link(purpose: str) -> str:
        token = nudge_token(commitment=commitment, member=member, purpose=purpose)
        return settings.SITE_URL + reverse(f"commitments:nudge_{purpose}", args=[token])

    zone = nudge_zone(commitment)
    if commitment.due_at is None:  # the check constraint rules it out for open commitments
        raise ValueError("An open commitment has a date.")
    return Item(
        commitment=commitment,
        due=commitment.due_at.astimezone(zone),
        time_zone=str(zone),
        done_url=link("done"),
        move_url=link("move"),
    )


def _wants_weekly(member: Member) -> bool:
    return NotificationPreference.objects.filter(
        member=member, commitments=CommitmentEmails.WEEKLY
    ).exists()


def _message(
    *, member: Member, subject: str, template: str, context: dict[str, object]
) -> EmailMessage:
    context = {
        **context,
        "member": member,
        "preferences_url": settings.SITE_URL + reverse("orgs:profile") + "#commitment-emails",
    }
    with timezone.override(ZoneInfo(member.time_zone)):
        text = render_to_string(f"commitments/email/{template}.txt", context)
        html = render_to_string(f"commitments/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[member.user.email])
    message.attach_alternative(html, "text/html")
    return message


# --- one commitment: the reminder and the nudge -------------------------------------------------


def _commitment_of(notification: Notification) -> Commitment | None:
    if notification.subject_id is None:  # the check constraint rules it out
        return None
    return (
        Commitment.objects.select_related("circle", "owner__user")
        .filter(pk=notification.subject_id)
        .first()
    )


def _render_one(notification: Notification, now: dt.datetime) -> EmailMessage | str:
    commitment, member = _commitment_of(notification), notification.member
    if commitment is None or member is None:
        return "The commitment no longer exists."
    if commitment.status != Commitment.Status.OPEN:
        return f"The commitment was {commitment.get_status_display().lower()} before this was sent."
    if commitment.owner_id != member.pk:
        return "The commitment has another owner now."
    if commitment.due_at is None or commitment.due_at != notification.subject_due_at:
        return "The date moved before this was sent."
    if not (member.is_active and member.user.is_active):
        return MEMBER_GONE
    is_reminder = notification.kind == Kind.COMMITMENT_REMINDER
    if is_reminder and commitment.due_at <= now:
        return "The commitment was due before this could be sent."
    if _wants_weekly(member):
        return KEPT_FOR_WEEKLY
    item = _item(commitment, member)
    subject = (
        f"Reminder: “{commitment.title}” is due {item.due:%a %d %b at %H:%M}"
        if is_reminder
        else f"How is “{commitment.title}” going?"
    )
    return _message(
        member=member,
        subject=subject,
        template="nudge",
        context={"item": item, "is_reminder": is_reminder, "circle": commitment.circle},
    )


def _sent_one(notification: Notification, now: dt.datetime) -> None:
    commitment = _commitment_of(notification)
    if commitment is None:  # rendered a moment ago, so it exists
        return
    reminded = notification.kind == Kind.COMMITMENT_REMINDER
    activity_add(
        commitment=commitment,
        kind=Activity.Kind.REMINDED if reminded else Activity.Kind.NUDGED,
        data={"notification": notification.pk, "due_at": str(notification.subject_due_at)},
        at=now,
    )


# --- the weekly email ----------------------------------------------------------------------------


def _week(notification: Notification, now: dt.datetime) -> tuple[list[Item], list[Item]]:
    """The member's open commitments overdue at `now`, and those due from now to the end of the
    row's week (Monday to Sunday on their clock)."""
    member, monday = notification.member, notification.digest_on
    if member is None or monday is None:  # the check constraint rules it out
        return [], []
    zone = ZoneInfo(member.time_zone)
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    commitments = Commitment.objects.filter(
        owner=member, status=Commitment.Status.OPEN, due_at__lt=week_end
    ).select_related("circle", "owner")
    items = [_item(commitment, member) for commitment in commitments]
    overdue = [item for item in items if item.commitment.due_at and item.commitment.due_at < now]
    return overdue, [item for item in items if item not in overdue]


def _render_weekly(notification: Notification, now: dt.datetime) -> EmailMessage | str:
    member = notification.member
    if member is None or not (member.is_active and member.user.is_active):
        return MEMBER_GONE
    if not _wants_weekly(member):
        return NOT_WEEKLY_NOW
    overdue, this_week = _week(notification, now)
    if not (overdue or this_week):
        return NOTHING_THIS_WEEK
    parts = [f"{len(this_week)} due this week"] if this_week else []
    parts += [f"{len(overdue)} overdue"] if overdue else []
    return _message(
        member=member,
        subject=f"Your commitments: {' and '.join(parts)}",
        template="nudge_weekly",
        context={"overdue": overdue, "this_week": this_week, "monday": notification.digest_on},
    )


def _sent_weekly(notification: Notification, now: dt.datetime) -> None:
    overdue, this_week = _week(notification, now)
    for items, kind in ((this_week, Activity.Kind.REMINDED), (overdue, Activity.Kind.NUDGED)):
        for item in items:
            activity_add(
                commitment=item.commitment,
                kind=kind,
                data={"notification": notification.pk, "weekly": True},
                at=now,
            )


def nudge_emails_register() -> None:
    """Hand notifications the renderers of the three kinds (from CommitmentsConfig.ready())."""
    email_kind_register(Kind.COMMITMENT_REMINDER, render=_render_one, sent=_sent_one)
    email_kind_register(Kind.COMMITMENT_NUDGE, render=_render_one, sent=_sent_one)
    email_kind_register(Kind.COMMITMENT_WEEKLY, render=_render_weekly, sent=_sent_weekly)
