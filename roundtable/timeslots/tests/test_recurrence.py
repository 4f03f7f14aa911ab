import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as du_rrule
from hypothesis import given
from hypothesis import strategies as st

from roundtable.timeslots.recurrence import Recurrence

NY = ZoneInfo("America/New_York")
UTC = dt.UTC


def _utc(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=UTC)


def test_weekly_new_york_meeting_keeps_its_wall_clock_across_both_changes():
    rule = Recurrence("weekly", 1, dt.time(9), "America/New_York", dt.date(2027, 3, 2))
    got = rule.occurrences(_utc(2027, 3, 1), _utc(2027, 11, 20))
    assert all(o.astimezone(NY).time() == dt.time(9) for o in got)
    utc_hours = {o.date(): o.astimezone(UTC).hour for o in got}
    assert utc_hours[dt.date(2027, 3, 9)] == 14  # EST, before 14 March
    assert utc_hours[dt.date(2027, 3, 16)] == 13  # EDT
    assert utc_hours[dt.date(2027, 11, 2)] == 13  # still EDT
    assert utc_hours[dt.date(2027, 11, 9)] == 14  # EST again after 7 November


def test_rules_are_rfc5545():
    weekly = Recurrence("weekly", 1, dt.time(9), "UTC", dt.date(2027, 1, 5))
    assert weekly.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    monthly = Recurrence("monthly", 1, dt.time(9), "UTC", dt.date(2027, 1, 5), nth=2)
    assert monthly.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    ending = Recurrence(
        "biweekly",
        0,
        dt.time(9),
        "Europe/London",
        dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 6, 30),
    )
    assert ending.rrule.endswith("UNTIL=20270630T225959Z")
    du_rrule.rrulestr(ending.rrule, dtstart=dt.datetime(2027, 1, 4, 9, tzinfo=UTC))


def test_second_tuesday_monthly_and_last_friday():
    second = Recurrence("monthly", 1, dt.time(9), "Europe/London", dt.date(2027, 1, 1), nth=2)
    days = [o.date() for o in second.occurrences(_utc(2027, 1, 1), _utc(2027, 4, 1))]
    assert days == [dt.date(2027, 1, 12), dt.date(2027, 2, 9), dt.date(2027, 3, 9)]
    last = Recurrence("monthly", 4, dt.time(9), "Europe/London", dt.date(2027, 1, 1), nth=-1)
    days = [o.date() for o in last.occurrences(_utc(2027, 1, 1), _utc(2027, 3, 1))]
    assert days == [dt.date(2027, 1, 29), dt.date(2027, 2, 26)]


def test_every_two_weeks_and_series_end():
    rule = Recurrence(
        "biweekly",
        2,
        dt.time(15),
        "Europe/Berlin",
        dt.date(2027, 1, 6),
        ends_on=dt.date(2027, 2, 3),
    )
    days = [o.date() for o in rule.occurrences(_utc(2026, 12, 1), _utc(2028, 1, 1))]
    assert days == [dt.date(2027, 1, 6), dt.date(2027, 1, 20), dt.date(2027, 2, 3)]


def test_a_time_in_the_spring_gap_moves_forward():
    rule = Recurrence("weekly", 6, dt.time(2, 30), "America/New_York", dt.date(2027, 3, 7))
    got = rule.occurrences(_utc(2027, 3, 7), _utc(2027, 3, 22))
    assert [o.astimezone(NY).time() for o in got] == [
        dt.time(2, 30),
        dt.time(3, 30),
        dt.time(2, 30),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"frequency": "daily"}, "Unknown frequency"),
        ({"time_zone": "Mars/Base"}, "not a known time zone"),
        ({"frequency": "monthly"}, "which weekday of the month"),
        ({"ends_on": dt.date(2020, 1, 1)}, "cannot end before"),
        ({"weekday": 9}, "Monday to Sunday"),
    ],
)
def test_invalid_rules_are_refused(kwargs, message):
    base = {
        "frequency": "weekly",
        "weekday": 1,
        "start_time": dt.time(9),
        "time_zone": "UTC",
        "starts_on": dt.date(2027, 1, 1),
    }
    with pytest.raises(ValueError, match=message):
        Recurrence(**{**base, **kwargs})


@given(
    st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]),
    st.integers(0, 6),
    st.integers(6, 21),
    st.sampled_from(["weekly", "biweekly"]),
)
def test_occurrences_always_fall_on_the_weekday_at_the_wall_clock(tz, weekday, hour, freq):
    rule = Recurrence(freq, weekday, dt.time(hour), tz, dt.date(2027, 1, 1))
    got = rule.occurrences(_utc(2027, 1, 1), _utc(2028, 1, 1))
    assert len(got) in ({52, 53} if freq == "weekly" else {26, 27})
    for o in got:
        local = o.astimezone(ZoneInfo(tz))
        assert local.weekday() == weekday
        assert local.time() == dt.time(hour)
