"""In-app notices: what other apps call to tell a member something (`notice_send`), marking
notices read, and each member's choice per kind of notice. The morning digest email that lists
the unread ones is in digest.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from roundtable.core.errors import DomainError
from roundtable.notifications.models import (
    Notice,
    NoticeDelivery,
    NoticeKind,
    NoticePreference,
)
from roundtable.notifications.selectors import member_ids, notice_url_is_safe
from roundtable.orgs.models import Member


def notice_send(
    *,
    member: Member,
    kind: str,
    title: str,
    url: str,
    body: str = "",
    key: str = "",
    exact_time: bool = True,
    now: dt.datetime | None = None,
) -> Notice | None:
    """Tell `member` something in the app (and in their next digest email, unless they chose
    otherwise). `url` is a link within the site ("/ideas/12/"). With `key`, one event notifies
    once: sending the same (member, kind, key) again returns the first notice unchanged.
    `exact_time=False` for anything an anonymous contribution caused: the notice then keeps its
    day only. Returns None when the member turned this kind off or is no longer active.

    Runs inside the caller's transaction, so a notice rolls back with the change it is about.
    A title or body that is too long is shortened, never refused: a notice never fails the
    change it reports."""
    if kind not in NoticeKind.values:
        raise DomainError(f"Unknown kind of notice: {kind!r}.", field="kind")
    if not notice_url_is_safe(url):
        raise DomainError("A notice links within the site: its url starts with /.", field="url")
    if not member.is_active or not member.user.is_active:
        return None
    if notice_delivery(member=member, kind=kind) == NoticeDelivery.OFF:
        return None
    if key:
        existing = Notice.objects.filter(member=member, kind=kind, key=key).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    notice = Notice(
        member=member,
        kind=kind,
        title=Truncator(title.strip()).chars(200),
        body=Truncator(body.strip()).chars(500),
        url=url,
        key=key,
        created_on=timezone.localdate(now, ZoneInfo(member.time_zone)),  # the member's day
        created_at=now if exact_time else None,
    )
    notice.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: a racing twin must not break the caller
            notice.save(force_insert=True)
    except IntegrityError:
        if not key:
            raise
        return Notice.objects.get(member=member, kind=kind, key=key)
    return notice


def notices_mark_read(
    *,
    member: Member | Sequence[Member],
    ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Mark the member's unread notices read: all of them, or those among `ids` (ids of other
    people's notices are ignored). Returns how many were marked."""
    unread = Notice.objects.filter(member_id__in=member_ids(member), read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=now or timezone.now())


def notice_delivery(*, member: Member, kind: str) -> str:
    """How `member` gets notices of `kind`: the default (in the app and the digest) when they
    have not chosen."""
    chosen = (
        NoticePreference.objects.filter(member=member, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or NoticeDelivery.DIGEST


@transaction.atomic
def notice_preferences_set(*, member: Member, deliveries: dict[str, str]) -> None:
    """Record the member's choice for each kind in `deliveries` (kinds left out keep theirs).
    The default is stored as no row."""
    for kind, delivery in deliveries.items():
        if kind not in NoticeKind.values or delivery not in NoticeDelivery.values:
            raise DomainError(f"Unknown choice for notices: {kind!r} {delivery!r}.")
    NoticePreference.objects.filter(member=member, kind__in=list(deliveries)).delete()
    NoticePreference.objects.bulk_create(
        NoticePreference(member=member, kind=kind, delivery=delivery)
        for kind, delivery in deliveries.items()
        if delivery != NoticeDelivery.DIGEST
    )
