"""The one written form of weekly availability, read and written: the CSV import, the formation
command line and the pages all use it.

Syntax: windows separated by `;`, each a weekday and a time range in the person's own time zone,
`Mon 09:00-11:00; Wednesday 14:00-16:30`. Weekdays are English names or their usual short forms
(Mon, Tue/Tues, Wed, Thu/Thur/Thurs, Fri, Sat, Sun), in any case; the range is `HH:MM-HH:MM` with a
hyphen or an en dash, on one day, ending after it starts; `24:00` may end a window (midnight).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from roundtable.timeslots import MINUTES_PER_DAY, WEEKDAY_NAMES, WeeklySlot

WEEKDAY_SHORT_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EXTRA_NAMES = {"tues": 1, "thur": 3, "thurs": 3}
WEEKDAY_LOOKUP: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower(): i for i, name in enumerate(WEEKDAY_SHORT_NAMES)},
    **_EXTRA_NAMES,
}
EXAMPLE = "Mon 09:00-11:00"
_WINDOW = re.compile(r"^\s*([A-Za-z]+)\.?\s+(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def weekday_from_name(name: str) -> int:
    """0 for Monday; ValueError with a readable message for anything else."""
    try:
        return WEEKDAY_LOOKUP[name.strip().rstrip(".").lower()]
    except KeyError:
        raise ValueError(f"“{name.strip()}” is not a weekday (use Mon, Tue, … Sun)") from None


def parse_window(text: str) -> WeeklySlot:
    """One window, `Mon 09:00-11:00`."""
    part = text.strip()
    match = _WINDOW.match(part)
    if not match:
        raise ValueError(f"“{part}” is not a window like “{EXAMPLE}”")
    day, h1, m1, h2, m2 = match.groups()
    weekday = weekday_from_name(day)
    start, end = _minute(h1, m1), _minute(h2, m2)
    if start is None or end is None or start >= MINUTES_PER_DAY:
        raise ValueError(f"“{part}” has a time that does not exist")
    if end <= start:
        raise ValueError(f"“{part}” ends before it starts")
    return WeeklySlot(weekday, start, end)


def parse_windows(text: str) -> list[WeeklySlot]:
    """Every window in `text` (`;`-separated; empty parts are ignored), in the order written."""
    return [parse_window(part) for part in text.split(";") if part.strip()]


def format_windows(slots: Iterable[WeeklySlot]) -> str:
    """The inverse of `parse_windows`: `Mon 09:00-11:00; Wed 14:00-16:30`."""
    return "; ".join(
        f"{WEEKDAY_SHORT_NAMES[s.weekday]} {_hhmm(s.start_minute)}-{_hhmm(s.end_minute)}"
        for s in sorted(slots)
    )


def _minute(hours: str, minutes: str) -> int | None:
    h, m = int(hours), int(minutes)
    if m >= 60 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
