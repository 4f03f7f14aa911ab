"""The one availability syntax: what it accepts, what it refuses and why; it round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.windows import format_windows, parse_windows, weekday_from_name


def test_short_and_full_names_hyphen_and_en_dash_read_alike() -> None:
    assert parse_windows("Mon 09:00-11:00; wednesday 14:00–16:30;") == [
        WeeklySlot(0, 9 * 60, 11 * 60),
        WeeklySlot(2, 14 * 60, 16 * 60 + 30),
    ]


def test_a_window_may_end_at_midnight() -> None:
    assert parse_windows("Fri 22:00-24:00") == [WeeklySlot(4, 22 * 60, 24 * 60)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Mon 9-11", "is not a window like"),
        ("Funday 09:00-10:00", "is not a weekday"),
        ("Mon 09:70-10:00", "does not exist"),
        ("Mon 24:00-24:30", "does not exist"),
        ("Mon 11:00-09:00", "ends before it starts"),
        ("Mon 10:00-10:00", "ends before it starts"),
    ],
)
def test_bad_windows_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_windows(text)


def test_weekday_names() -> None:
    assert [weekday_from_name(n) for n in ("Tues", "THU", "thurs", "Sun.")] == [1, 3, 3, 6]


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 1439), st.integers(1, 1440)).filter(
            lambda t: t[1] < t[2]
        ),
        max_size=8,
    )
)
def test_format_then_parse_gives_the_same_windows(raw: list[tuple[int, int, int]]) -> None:
    slots = [WeeklySlot(*t) for t in raw]
    assert parse_windows(format_windows(slots)) == sorted(slots)
