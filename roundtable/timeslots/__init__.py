"""Weekly time windows and their arithmetic. Pure Python: no Django import (import-linter checks).

A weekly slot is a window on one weekday, in minutes from midnight in a member's own time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, order=True)
class WeeklySlot:
    weekday: int  # 0 = Monday
    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0-6, got {self.weekday}")
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(
                f"a slot must start before it ends within one day "
                f"({self.start_minute}-{self.end_minute})"
            )

    @classmethod
    def from_times(cls, weekday: int, start: dt.time, end: dt.time) -> WeeklySlot:
        return cls(weekday, start.hour * 60 + start.minute, end.hour * 60 + end.minute)

    @property
    def start_time(self) -> dt.time:
        return _minute_to_time(self.start_minute)

    @property
    def end_time(self) -> dt.time:
        return _minute_to_time(min(self.end_minute, MINUTES_PER_DAY - 1))

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute

    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


def _minute_to_time(minute: int) -> dt.time:
    return dt.time(minute // 60, minute % 60)


def merge_weekly_slots(slots: Iterable[WeeklySlot]) -> list[WeeklySlot]:
    """Sort the windows and merge those on the same day that overlap or touch."""
    merged: list[WeeklySlot] = []
    for slot in sorted(slots):
        last = merged[-1] if merged else None
        if last and last.weekday == slot.weekday and slot.start_minute <= last.end_minute:
            merged[-1] = WeeklySlot(
                last.weekday, last.start_minute, max(last.end_minute, slot.end_minute)
            )
        else:
            merged.append(slot)
    return merged


def weekly_minutes(slots: Iterable[WeeklySlot]) -> int:
    """Total available minutes a week, overlaps counted once."""
    return sum(s.minutes for s in merge_weekly_slots(slots))
