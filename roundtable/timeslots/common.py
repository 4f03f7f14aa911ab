"""The common-slot finder: rank weekly slots in a circle's time zone by how many members can
attend every occurrence over a period, each member's availability read in their own time zone,
so daylight-saving changes on either side are accounted for week by week.

Each member's week becomes a prefix sum over minutes (numpy), so checking that an occurrence
lies inside their availability is two look-ups, whatever the number of windows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from roundtable.timeslots import MINUTES_PER_DAY, WEEKDAY_NAMES, WeeklySlot
from roundtable.timeslots.recurrence import to_aware, zone

MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


@dataclass(frozen=True)
class MemberAvailability:
    member_id: str | int
    time_zone: str
    slots: tuple[WeeklySlot, ...]


@dataclass(frozen=True)
class SlotCandidate:
    weekday: int
    start: dt.time
    duration_minutes: int
    time_zone: str
    occurrences: int
    attendees: tuple[str | int, ...]  # can make every occurrence
    unavailable: tuple[str | int, ...]  # miss at least one occurrence
    missed: tuple[tuple[str | int, int], ...]  # (member, occurrences missed), for the unavailable

    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.start:%H:%M}"


def _prefix(slots: Iterable[WeeklySlot]) -> np.ndarray:
    """Cumulative available minutes over two weeks (the second a copy of the first), so an
    occurrence running past Sunday midnight reads on without wrapping."""
    week = np.zeros(MINUTES_PER_WEEK, dtype=np.int32)
    for slot in slots:
        base = slot.weekday * MINUTES_PER_DAY
        week[base + slot.start_minute : base + slot.end_minute] = 1
    twice = np.concatenate([week, week])
    return np.concatenate([[0], np.cumsum(twice, dtype=np.int32)])


def _validate(time_zone: str, duration: int, start: dt.date, end: dt.date) -> ZoneInfo:
    tz = zone(time_zone)  # raises ValueError with a clear message
    if not 0 < duration <= MINUTES_PER_DAY:
        raise ValueError("A meeting lasts between 1 minute and 24 hours.")
    if end < start:
        raise ValueError("The period ends before it starts.")
    return tz


@dataclass(frozen=True)
class SlotGrid:
    """Which members can make every occurrence of which candidate slots: `fits[m, s]`."""

    slots: tuple[tuple[int, dt.time], ...]  # (weekday, start) in the reference time zone
    occurrences: np.ndarray  # per slot
    missed: np.ndarray  # members x slots: occurrences each member misses
    time_zone: str
    duration_minutes: int

    @property
    def fits(self) -> np.ndarray:
        return self.missed == 0


def slot_grid(
    members: Sequence[MemberAvailability],
    *,
    time_zone: str,
    duration_minutes: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    step_minutes: int = 30,
    earliest: dt.time = dt.time(7),
    latest: dt.time = dt.time(20),
    weekdays: Iterable[int] = range(5),
) -> SlotGrid:
    """Every candidate weekly slot (in `time_zone`, between `earliest` and `latest`, which is
    when the meeting must be over) against every member, over the period's occurrences.

    Members are grouped by time zone, so 100,000 members in a handful of zones cost a handful
    of time-zone conversions per slot, and the rest is numpy indexing."""
    end_date = end_date or start_date + dt.timedelta(weeks=12)
    tz = _validate(time_zone, duration_minutes, start_date, end_date)
    zone_names = sorted({m.time_zone for m in members})
    zones = {name: zone(name) for name in zone_names}
    zone_of = np.array([zone_names.index(m.time_zone) for m in members], dtype=np.int64)
    prefixes = (
        np.stack([_prefix(m.slots) for m in members])
        if members
        else np.zeros((0, 2 * MINUTES_PER_WEEK + 1), dtype=np.int32)
    )
    first = earliest.hour * 60 + earliest.minute
    last = latest.hour * 60 + latest.minute - duration_minutes
    starts = list(range(first, last + 1, max(1, step_minutes)))
    slots: list[tuple[int, dt.time]] = []
    occurrences: list[int] = []
    columns: list[np.ndarray] = []
    rows = np.arange(len(members))[:, None]
    for weekday in sorted(set(weekdays)):
        days = [
            d
            for d in (
                start_date + dt.timedelta(days=i) for i in range((end_date - start_date).days + 1)
            )
            if d.weekday() == weekday
        ]
        if not days:
            continue
        for minute in starts:
            at = dt.time(minute // 60, minute % 60)
            instants = [to_aware(dt.datetime.combine(d, at), tz) for d in days]
            # Minute of the week at which each occurrence starts, per time zone, then per member.
            by_zone = np.array(
                [
                    [_week_minute(i.astimezone(zones[name])) for i in instants]
                    for name in zone_names
                ],
                dtype=np.int64,
            ).reshape(len(zone_names), len(instants))
            offsets = by_zone[zone_of]
            covered = prefixes[rows, offsets + duration_minutes] - prefixes[rows, offsets]
            columns.append((covered < duration_minutes).sum(axis=1))
            slots.append((weekday, at))
            occurrences.append(len(instants))
    missed = np.stack(columns, axis=1) if columns else np.zeros((len(members), 0), dtype=np.int64)
    return SlotGrid(tuple(slots), np.array(occurrences), missed, time_zone, duration_minutes)


def find_common_slots(
    members: Sequence[MemberAvailability],
    *,
    time_zone: str,
    duration_minutes: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    step_minutes: int = 30,
    earliest: dt.time = dt.time(7),
    latest: dt.time = dt.time(20),
    weekdays: Iterable[int] = range(5),
    limit: int = 10,
) -> list[SlotCandidate]:
    """Weekly slots ranked by attendees (most first), then fewest missed occurrences, then the
    earliest in the week. `latest` is when the meeting must be over."""
    grid = slot_grid(
        members,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
        start_date=start_date,
        end_date=end_date,
        step_minutes=step_minutes,
        earliest=earliest,
        latest=latest,
        weekdays=weekdays,
    )
    results = []
    for column, (weekday, at) in enumerate(grid.slots):
        missed = grid.missed[:, column]
        attendees = tuple(m.member_id for m, k in zip(members, missed, strict=True) if k == 0)
        absent = [(m.member_id, int(k)) for m, k in zip(members, missed, strict=True) if k]
        results.append(
            SlotCandidate(
                weekday=weekday,
                start=at,
                duration_minutes=duration_minutes,
                time_zone=time_zone,
                occurrences=int(grid.occurrences[column]),
                attendees=attendees,
                unavailable=tuple(member for member, _ in absent),
                missed=tuple(absent),
            )
        )
    results.sort(key=lambda c: (-len(c.attendees), sum(k for _, k in c.missed), c.weekday, c.start))
    return results[:limit]


def best_common_slot(
    members: Sequence[MemberAvailability], **kwargs: object
) -> SlotCandidate | None:
    """A slot every member can make on every occurrence, or None (circle formation's check)."""
    ranked = find_common_slots(members, limit=1, **kwargs)  # type: ignore[arg-type]
    if ranked and len(ranked[0].attendees) == len(members):
        return ranked[0]
    return None


def _week_minute(moment: dt.datetime) -> int:
    return moment.weekday() * MINUTES_PER_DAY + moment.hour * 60 + moment.minute
