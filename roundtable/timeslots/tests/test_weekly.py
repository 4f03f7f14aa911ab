import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundtable.timeslots import WeeklySlot, merge_weekly_slots, weekly_minutes


def test_overlapping_and_touching_windows_merge():
    slots = [
        WeeklySlot.from_times(1, dt.time(9), dt.time(11)),
        WeeklySlot.from_times(1, dt.time(10), dt.time(12)),
        WeeklySlot.from_times(1, dt.time(12), dt.time(13)),
        WeeklySlot.from_times(2, dt.time(9), dt.time(10)),
    ]
    assert merge_weekly_slots(slots) == [
        WeeklySlot(1, 540, 780),
        WeeklySlot(2, 540, 600),
    ]
    assert merge_weekly_slots(slots)[0].label() == "Tuesday 09:00–13:00"


def test_invalid_slot_is_refused():
    with pytest.raises(ValueError, match="start before it ends"):
        WeeklySlot(0, 600, 600)
    with pytest.raises(ValueError, match="weekday"):
        WeeklySlot(7, 0, 60)


slot_strategy = st.builds(
    lambda d, a, b: WeeklySlot(d, min(a, b), max(a, b) + 1),
    st.integers(0, 6),
    st.integers(0, 1438),
    st.integers(0, 1438),
)


@given(st.lists(slot_strategy, max_size=20))
def test_merge_keeps_the_same_minutes_and_leaves_no_overlap(slots):
    merged = merge_weekly_slots(slots)
    covered = {(s.weekday, m) for s in slots for m in range(s.start_minute, s.end_minute)}
    assert weekly_minutes(slots) == len(covered)
    for a, b in pairwise(merged):
        assert (a.weekday, a.end_minute) < (b.weekday, b.start_minute)
