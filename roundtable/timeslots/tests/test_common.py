import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.common import (
    MemberAvailability,
    best_common_slot,
    find_common_slots,
)


def _slot(day: int, start: str, end: str) -> WeeklySlot:
    return WeeklySlot.from_times(day, dt.time.fromisoformat(start), dt.time.fromisoformat(end))


def _member(name: str, tz: str, *slots: WeeklySlot) -> MemberAvailability:
    return MemberAvailability(name, tz, tuple(slots))


def test_two_people_in_one_zone_share_one_slot():
    members = [
        _member("ana", "Europe/London", _slot(1, "09:00", "11:00")),
        _member("ben", "Europe/London", _slot(1, "10:00", "12:00")),
    ]
    best = find_common_slots(
        members, time_zone="Europe/London", duration_minutes=60, start_date=dt.date(2027, 1, 4)
    )[0]
    assert (best.weekday, best.start) == (1, dt.time(10))
    assert best.attendees == ("ana", "ben")
    assert best.unavailable == ()


def test_ranking_lists_who_cannot_come():
    members = [
        _member("ana", "Europe/London", _slot(0, "09:00", "10:00"), _slot(2, "09:00", "10:00")),
        _member("ben", "Europe/London", _slot(0, "09:00", "10:00")),
        _member("cem", "Europe/London", _slot(2, "09:00", "10:00")),
    ]
    ranked = find_common_slots(
        members, time_zone="Europe/London", duration_minutes=60, start_date=dt.date(2027, 1, 4)
    )
    assert {(c.weekday, c.attendees, c.unavailable) for c in ranked[:2]} == {
        (0, ("ana", "ben"), ("cem",)),
        (2, ("ana", "cem"), ("ben",)),
    }
    assert best_common_slot(members, time_zone="Europe/London", duration_minutes=60,
                            start_date=dt.date(2027, 1, 4)) is None  # fmt: skip


def test_daylight_saving_gap_between_new_york_and_london():
    # 09:00 New York is 14:00 London, except between the US change (14 March 2027) and the UK
    # change (28 March 2027), when it is 13:00 London.
    london = _member("lou", "Europe/London", _slot(1, "14:00", "15:00"))
    ranked = find_common_slots(
        [london],
        time_zone="America/New_York",
        duration_minutes=60,
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 4, 6),
        weekdays=[1],
        earliest=dt.time(9),
        latest=dt.time(10),
    )
    nine = ranked[0]
    assert nine.start == dt.time(9)
    assert nine.occurrences == 6  # 2, 9, 16, 23, 30 March and 6 April
    assert nine.missed == (("lou", 2),)  # 16 and 23 March


def test_window_across_midnight_between_zones():
    # Tuesday 21:00-22:00 in New York is Wednesday 03:00-04:00 in Berlin.
    berlin = _member("bea", "Europe/Berlin", _slot(2, "03:00", "04:00"))
    best = best_common_slot(
        [berlin],
        time_zone="America/New_York",
        duration_minutes=60,
        start_date=dt.date(2027, 5, 3),
        earliest=dt.time(20),
        latest=dt.time(23),
        weekdays=[1],
    )
    assert best is not None
    assert (best.weekday, best.start) == (1, dt.time(21))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_zone": "Mars/Base"}, "not a known time zone"),
        ({"duration_minutes": 0}, "between 1 minute"),
        ({"end_date": dt.date(2020, 1, 1)}, "ends before it starts"),
    ],
)
def test_invalid_input(kwargs, message):
    args = {"time_zone": "UTC", "duration_minutes": 60, "start_date": dt.date(2027, 1, 1)}
    with pytest.raises(ValueError, match=message):
        find_common_slots([], **{**args, **kwargs})


ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(ZONES), st.sampled_from(ZONES), st.integers(15, 120))
def test_always_free_attends_and_never_free_misses(circle_tz, member_tz, duration):
    always = _member("yes", member_tz, *[WeeklySlot(d, 0, 1440) for d in range(7)])
    never = _member("no", member_tz)
    ranked = find_common_slots(
        [always, never], time_zone=circle_tz, duration_minutes=duration,
        start_date=dt.date(2027, 3, 1), limit=200,
    )  # fmt: skip
    assert ranked
    for candidate in ranked:
        assert candidate.attendees == ("yes",)
        assert candidate.unavailable == ("no",)
    again = find_common_slots(
        [always, never], time_zone=circle_tz, duration_minutes=duration,
        start_date=dt.date(2027, 3, 1), limit=200,
    )  # fmt: skip
    assert again == ranked
