"""Reads for notifications: what a member chose to receive, and their notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.http import url_has_allowed_host_and_scheme

from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.notifications.models import (
    CommitmentEmails,
    Notice,
    NoticeDelivery,
    NoticeKind,
    NoticePreference,
    NotificationPreference,
)
from roundtable.orgs.models import Member


def notification_preferences_initial(*, member: Member) -> dict[str, Any]:
    """The member's choices, or everything on for someone who has not chosen yet."""
    pref = NotificationPreference.objects.filter(member=member).first()
    chosen = dict(NoticePreference.objects.filter(member=member).values_list("kind", "delivery"))
    return {
        "reminders": pref.reminders if pref else True,
        "changes": pref.changes if pref else True,
        "wrapups": pref.wrapups if pref else True,
        "commitments": pref.commitments if pref else CommitmentEmails.EACH,
        "health_digest": pref.health_digest if pref else True,
    } | {f"notice_{kind}": chosen.get(kind, NoticeDelivery.DIGEST) for kind in NoticeKind.values}


def member_ids(member: Member | Sequence[Member]) -> list[int]:
    """One member or several (a person in more than one organisation): their ids."""
    members = [member] if isinstance(member, Member) else member
    return [m.pk for m in members]


def notices_for(*, member: Member | Sequence[Member], limit: int = 50) -> QuerySet[Notice]:
    """The member's latest notices, newest first: by day, then by time where one is kept."""
    return Notice.objects.filter(member_id__in=member_ids(member)).select_related("member")[:limit]


def notice_get_for_user(*, user: Any, pk: int) -> Notice:
    """One of the person's own notices (in any of their organisations), else Http404: a notice
    is its recipient's alone."""
    members = list(permissions.memberships(user).values())
    return object_get_or_404(
        Notice.objects.filter(member_id__in=member_ids(members)).select_related("member"), pk=pk
    )


def notice_when(notice: Notice, *, now: dt.datetime) -> str:
    """When a notice came, in its recipient's time zone: "Today, 14:05", "Yesterday", "Mon 1
    Mar". A notice an anonymous contribution caused has a day only, and shows only that."""
    zone = ZoneInfo(notice.member.time_zone)
    today = now.astimezone(zone).date()
    local = notice.created_at.astimezone(zone) if notice.created_at else None
    day = local.date() if local else notice.created_on
    if day == today:
        label = "Today"
    elif day == today - dt.timedelta(days=1):
        label = "Yesterday"
    else:
        label = f"{day:%a} {day.day} {day:%b}" + ("" if day.year == today.year else f" {day.year}")
    return f"{label}, {local:%H:%M}" if local else label


def unread_count(*, member: Member | Sequence[Member]) -> int:
    return Notice.objects.filter(member_id__in=member_ids(member), read_at__isnull=True).count()


def notice_url_is_safe(url: str) -> bool:
    """A link within this site: a path starting with one slash, no scheme and no host."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )
