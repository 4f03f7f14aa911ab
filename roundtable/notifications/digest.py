"""The morning digest: at 08:00 in each member's time zone, one email lists their unread notices
of the kinds they get by email. It is a Notification row like every other email (claimed, sent
once, retried); the notices it lists are fixed at its first attempt, so a resend after a worker
died lists the same ones under the same Message-ID."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roundtable.notifications.models import (
    Notice,
    NoticeDelivery,
    NoticePreference,
    Notification,
)

DIGEST_AT = dt.time(8)  # local time of each member


def digest_due(*, now: dt.datetime, time_zone: str) -> tuple[dt.date, dt.datetime]:
    """The next 08:00 in `time_zone` at or after `now`: (that local day, that moment)."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    day = local.date()
    if local.time() > DIGEST_AT:
        day += dt.timedelta(days=1)
    return day, dt.datetime.combine(day, DIGEST_AT, tzinfo=zone).astimezone(dt.UTC)


def _for_email(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """Leave out the kinds each member keeps to the app (or turned off since)."""
    kept_out = NoticePreference.objects.filter(
        member=OuterRef("member_id"), kind=OuterRef("kind")
    ).exclude(delivery=NoticeDelivery.DIGEST)
    return notices.exclude(Exists(kept_out))


def notice_digests_plan(*, now: dt.datetime | None = None) -> int:
    """Plan a digest row for every active member with unread notices waiting for the email and
    no digest planned yet: one query to find them, one to insert. Returns how many rows."""
    now = now or timezone.now()
    planned = Notification.objects.filter(
        kind=Notification.Kind.DIGEST, member=OuterRef("member_id"), sent_at__isnull=True
    )
    waiting = (
        _for_email(
            Notice.objects.filter(
                read_at__isnull=True,
                digested_on__isnull=True,
                member__is_active=True,
                member__user__is_active=True,
            )
        )
        .exclude(Exists(planned))
        .order_by()
        .values_list("member_id", "member__time_zone")
        .distinct()
    )
    rows = []
    for member_id, time_zone in waiting:
        day, due = digest_due(now=now, time_zone=time_zone)
        rows.append(
            Notification(
                kind=Notification.Kind.DIGEST, member_id=member_id, digest_on=day, due_at=due
            )
        )
    # A digest already sent for the same day (planned again at 08:00 sharp) is left alone.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def notice_digest_message(*, notification: Notification) -> EmailMultiAlternatives | None:
    """The digest email of a row, or None when there is nothing left to tell (every notice was
    read in the app or moved to app-only) or the member is no longer active. Marks the notices
    it lists with the digest's day, at the first attempt only."""
    member, day = notification.member, notification.digest_on
    if member is None or day is None:  # the check constraint rules it out
        return None
    if not member.is_active or not member.user.is_active:
        return None
    mine = Notice.objects.filter(member=member)
    listed = mine.filter(digested_on=day)
    if not listed.exists():
        _for_email(mine.filter(read_at__isnull=True, digested_on__isnull=True)).update(
            digested_on=day
        )
    notices = list(listed)
    if not notices:
        return None
    context = {
        "member": member,
        "day": day,
        "notices": [
            (notice, settings.SITE_URL + reverse("notifications:notice_open", args=[notice.pk]))
            for notice in notices
        ],
        "inbox_url": settings.SITE_URL + reverse("notifications:notices"),
        "preferences_url": settings.SITE_URL + reverse("orgs:profile") + "#notices",
    }
    count = len(notices)
    subject = f"Roundtable: {count} new notice{'' if count == 1 else 's'}"
    with timezone.override(ZoneInfo(member.time_zone)):
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[member.user.email])
    message.attach_alternative(html, "text/html")
    return message
