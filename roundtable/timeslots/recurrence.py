"""Recurring meeting rules (RFC 5545 RRULE) and their occurrences at a wall-clock time in a zone.

The rule is expanded on naive local times and each occurrence is then placed in the zone, so a
09:00 meeting stays at 09:00 local time across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule

from roundtable.timeslots import WEEKDAY_NAMES

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("weekly", "biweekly", "monthly")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}


@dataclass(frozen=True)
class Recurrence:
    """A circle's rhythm: weekly or every two weeks on a weekday, or the nth weekday monthly."""

    frequency: str
    weekday: int  # 0 = Monday
    start_time: dt.time
    time_zone: str
    starts_on: dt.date
    nth: int | None = None  # monthly only: 1-4, or -1 for the last one
    ends_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"Unknown frequency “{self.frequency}” (weekly, biweekly or monthly).")
        if not 0 <= self.weekday <= 6:
            raise ValueError("The weekday must be Monday to Sunday.")
        if self.frequency == "monthly" and self.nth not in ORDINALS:
            raise ValueError("A monthly rule needs which weekday of the month: 1st-4th or last.")
        zone(self.time_zone)
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("The series cannot end before it starts.")

    @property
    def rrule(self) -> str:
        day = WEEKDAY_CODES[self.weekday]
        if self.frequency == "monthly":
            parts = ["FREQ=MONTHLY", f"BYDAY={self.nth}{day}"]
        else:
            interval = 2 if self.frequency == "biweekly" else 1
            parts = ["FREQ=WEEKLY", f"INTERVAL={interval}", f"BYDAY={day}"]
        if self.ends_on is not None:
            # UNTIL is inclusive; in UTC as RFC 5545 requires once DTSTART has a TZID.
            last = dt.datetime.combine(
                self.ends_on, dt.time(23, 59, 59), tzinfo=zone(self.time_zone)
            )
            parts.append("UNTIL=" + last.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
        return ";".join(parts)

    def describe(self) -> str:
        day = WEEKDAY_NAMES[self.weekday]
        at = f"{self.start_time:%H:%M} {self.time_zone.replace('_', ' ')} time"
        if self.frequency == "monthly":
            return f"The {ORDINALS[self.nth or 1]} {day} of every month at {at}"
        if self.frequency == "biweekly":
            return f"Every other {day} at {at}"
        return f"Every {day} at {at}"

    def occurrences(self, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """Occurrences (aware, in the rule's zone) starting in [start, end)."""
        tz = zone(self.time_zone)
        first = dt.datetime.combine(self.starts_on, self.start_time)
        rule = rrule.rrulestr(self._local_rule(), dtstart=first)
        lo = start.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
        hi = end.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=1)
        result = []
        for local in rule.between(lo, hi, inc=True):
            placed = to_aware(local, tz)
            if start <= placed < end:
                result.append(placed)
        return result

    def _local_rule(self) -> str:
        # dateutil expands on naive local times; UNTIL must then be naive local too.
        rule = self.rrule.split(";UNTIL=")[0]
        if self.ends_on is not None:
            rule += f";UNTIL={self.ends_on:%Y%m%d}T235959"
        return rule


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"“{name}” is not a known time zone (use e.g. Europe/London).") from exc


def to_aware(local: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """Place a wall-clock time in a zone. A time that does not exist (the spring gap) moves
    forward by the gap, as clocks do; an ambiguous one (autumn) takes the first occurrence."""
    # fold=0 reads a gap time with the offset from before the change, which lands it after the
    # gap once normalised; for an ambiguous time it is the first of the two.
    return local.replace(tzinfo=tz, fold=0).astimezone(dt.UTC).astimezone(tz)
