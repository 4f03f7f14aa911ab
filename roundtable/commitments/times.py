"""Due dates as their owner chose them: a local date and time in the owner's time zone, stored
as an instant with the zone's name, and shown back to anyone in the owner's wall-clock time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from roundtable.core.errors import DomainError

DEFAULT_DUE_TIME = dt.time(17, 0)


def due_instant(*, day: dt.date, time: dt.time | None, zone: str) -> dt.datetime:
    """The instant of `day` at `time` (17:00 when none) on the wall clock of `zone`. A time the
    clocks skip (the spring change) is refused rather than silently shifted by an hour."""
    wall = dt.datetime.combine(day, time or DEFAULT_DUE_TIME)
    local = wall.replace(tzinfo=ZoneInfo(zone))
    instant = local.astimezone(dt.UTC)
    if instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) != wall:
        raise DomainError(
            f"{wall:%H:%M} does not exist on {day:%d %b %Y} in {zone}: the clocks go forward "
            "then. Choose another time.",
            field="due_time",
        )
    return instant


def due_local(due_at: dt.datetime, zone: str) -> dt.datetime:
    """The instant on the owner's wall clock."""
    return timezone.localtime(due_at, ZoneInfo(zone or "UTC"))


def week_bounds(*, now: dt.datetime, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """From the start of today to the end of Sunday, on `zone`'s calendar, as instants."""
    today = timezone.localdate(now, ZoneInfo(zone))
    start = dt.datetime.combine(today, dt.time(0), tzinfo=ZoneInfo(zone))
    sunday = today + dt.timedelta(days=6 - today.weekday())
    end = dt.datetime.combine(sunday + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(zone))
    return start, end


def days_bounds(*, first: dt.date, last: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `first` to the end of `last` on `zone`'s calendar, as instants."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=ZoneInfo(zone))
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(zone))
    return start, end
