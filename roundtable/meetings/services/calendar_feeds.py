"""A member's secret calendar subscription link: created, or reset so the old one stops working."""

from __future__ import annotations

import secrets

from roundtable.meetings.models import CalendarFeed
from roundtable.orgs.models import Member


def calendar_feed_reset(*, member: Member) -> CalendarFeed:
    """Create the member's feed, or give it a new secret so the old URL stops working."""
    feed, _ = CalendarFeed.objects.update_or_create(
        member=member, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed
