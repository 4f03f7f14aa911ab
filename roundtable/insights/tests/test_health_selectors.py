"""The circle health selector (selectors/health.py): each series on hand-made data with a frozen
clock (months in the circle's time zone, a few minutes either side of a boundary; today counted
from tomorrow), pulse values only from three answers, the readings, a new circle, and a number
of queries that stays the same as meetings, ideas, commitments and circles are added."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.circles.services import circle_update
from roundtable.insights.selectors.health import (
    circle_health,
    circle_health_figures,
    circles_health,
    health_months,
)
from roundtable.insights.tests.health_data import NOW, TODAY, more_of_everything, north_world
from roundtable.testing.factories import CircleFactory
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _series(health, *names):
    return {name: [getattr(m, name) for m in health.months] for name in names}


def test_the_window_is_the_last_six_calendar_months():
    assert health_months(dt.date(2027, 6, 15)) == [dt.date(2027, m, 1) for m in range(1, 7)]
    assert health_months(dt.date(2027, 2, 1), 3) == [
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]


def test_meetings_attendance_and_usefulness_month_by_month(personas: Personas):
    health = circle_health(north_world(personas), today=TODAY)
    assert [m.month for m in health.months] == [dt.date(2027, m, 1) for m in range(1, 7)]
    assert _series(health, "scheduled", "held", "cancelled", "moved") == {
        "scheduled": [2, 1, 0, 0, 0, 1],
        "held": [1, 1, 0, 0, 0, 1],
        "cancelled": [1, 0, 0, 0, 0, 0],
        "moved": [0, 1, 0, 0, 0, 0],
    }
    assert _series(health, "present", "recorded", "attendance_percent") == {
        "present": [3, 2, 0, 0, 0, 1],
        "recorded": [4, 2, 0, 0, 0, 2],
        "attendance_percent": [75, 100, None, None, None, 50],
    }
    assert _series(health, "ratings", "usefulness") == {
        "ratings": [2, 1, 0, 0, 0, 1],
        "usefulness": [2.5, 4.0, None, None, None, 5.0],
    }
    total = health.total
    assert (total.scheduled, total.held, total.cancelled, total.moved) == (4, 3, 1, 1)
    assert (total.present, total.recorded, total.attendance_percent) == (6, 8, 75)
    assert (total.ratings, total.usefulness) == (4, 3.5)


def test_ideas_commitments_and_escalations_month_by_month(personas: Personas):
    health = circle_health(north_world(personas), today=TODAY)
    assert _series(
        health, "ideas_proposed", "ideas_to_trial", "ideas_adopted", "ideas_set_aside"
    ) == {
        "ideas_proposed": [2, 0, 1, 0, 0, 0],
        "ideas_to_trial": [0, 0, 0, 1, 0, 0],
        "ideas_adopted": [0, 0, 0, 0, 1, 0],
        "ideas_set_aside": [0, 1, 0, 0, 0, 0],
    }
    assert health.ideas_on_trial == 1
    assert _series(health, "on_time", "late", "overdue") == {
        "on_time": [0, 1, 0, 0, 0, 0],
        "late": [0, 1, 0, 0, 0, 0],
        "overdue": [0, 0, 1, 0, 1, 0],
    }
    assert _series(health, "escalations") == {"escalations": [0, 0, 1, 0, 1, 0]}
    assert health.escalations_open == 1


def test_months_follow_the_circle_s_time_zone(personas: Personas):
    """23:30 UTC on 31 May is June in London (BST) but May in UTC; 23:30 UTC on 31 December is
    December in both, so it stays out of the window."""
    north = north_world(personas)
    in_utc = circle_health(circle_update(circle=north, time_zone="UTC"), today=TODAY)
    assert _series(in_utc, "scheduled", "ratings") == {
        "scheduled": [2, 1, 0, 0, 1, 0],
        "ratings": [2, 1, 0, 0, 1, 0],
    }
    assert _series(in_utc, "ideas_to_trial", "overdue") == {
        "ideas_to_trial": [0, 0, 1, 0, 0, 0],
        "overdue": [0, 0, 1, 1, 0, 0],
    }
    in_tokyo = circle_health(circle_update(circle=north, time_zone="Asia/Tokyo"), today=TODAY)
    # 23:30 UTC on 31 December is 08:30 on 1 January in Tokyo: in the window now.
    assert in_tokyo.months[0].scheduled == 3


def test_today_counts_from_tomorrow(personas: Personas, clock):
    north = north_world(personas)
    clock.move_to(NOW + dt.timedelta(days=1))
    tomorrow = circle_health(north, today=TODAY + dt.timedelta(days=1))
    june = tomorrow.months[-1]
    assert (june.scheduled, june.held, june.ratings, june.rating_total) == (2, 2, 2, 6)
    assert june.overdue == 1
    assert (june.ideas_proposed, june.ideas_set_aside) == (1, 1)


def test_the_pulse_shows_a_value_only_from_three_answers(personas: Personas):
    health = circle_health(north_world(personas), today=TODAY)
    periods = health.pulse
    assert [p.period_start for p in periods] == [
        dt.date(2027, 1, 4) + dt.timedelta(weeks=4 * n) for n in range(6)
    ]
    assert [p.answers for p in periods] == [0, 0, 3, 0, 2, 5]
    assert [p.overall for p in periods] == [None, None, 4.0, None, None, None]
    pulse = next(f for f in circle_health_figures(health) if f.chart.key == "health-pulse")
    data = pulse.chart.as_dict()
    assert data["datasets"][0]["values"] == [None, None, 4.0, None, None, None]
    texts = data["datasets"][0]["texts"]
    assert texts[4] == "not shown: 2 answers, fewer than 3"
    assert texts[5] == "open: 5 answers so far"
    assert "2.0" not in str(data)  # the two answers' score of 2 leaves nowhere
    assert pulse.reading.startswith("Latest pulse result: 4.0 out of 5 from 3 answers")


def test_the_readings_say_the_figures_in_words(personas: Personas):
    figures = circle_health_figures(circle_health(north_world(personas), today=TODAY))
    assert {f.chart.key: f.reading for f in figures if f.chart.key != "health-pulse"} == {
        "health-meetings": "Held 3 of 4 scheduled meetings since January (1 cancelled, 1 moved).",
        "health-attendance": "People were present at 75% of recorded places since January "
        "(6 of 8).",
        "health-usefulness": "Meetings were rated 3.5 out of 5 on average since January, from "
        "4 ratings.",
        "health-ideas": "3 ideas proposed since January, 1 went to trial, 1 adopted, 1 set "
        "aside; 1 on trial now.",
        "health-commitments": "Of 4 commitments due since January, 1 was delivered on time, 1 "
        "late, and 2 are overdue.",
        "health-escalations": "2 escalations raised since January; 1 open now.",
    }
    usefulness = next(f for f in figures if f.chart.key == "health-usefulness")
    assert "A weak meeting now and then is normal" in usefulness.note


def test_a_new_circle_has_nothing_yet(personas: Personas):
    health = circle_health(CircleFactory.create(program=personas.program), today=TODAY)
    assert health.is_new
    assert [m.scheduled for m in health.months] == [0] * 6
    readings = {f.chart.key: f.reading for f in circle_health_figures(health)}
    assert readings["health-meetings"] == "No meetings were due since January."
    assert readings["health-pulse"] == "The program runs no pulse check."
    assert not circle_health(north_world(personas), today=TODAY).is_new


def test_each_circle_gets_its_own_figures(personas: Personas):
    north_world(personas)
    both = circles_health(
        [personas.circle.pk, personas.other_circle.pk], today=TODAY, time_zone="Europe/London"
    )
    south = both[personas.other_circle.pk]
    assert [m.scheduled for m in south.months] == [0, 0, 1, 0, 0, 0]
    assert [m.held for m in south.months] == [0] * 6
    assert south.ideas_on_trial == 1
    assert [p.overall for p in south.pulse] == [None, None, 1.0, None, None, None]
    assert both[personas.circle.pk].total.scheduled == 4


def _queries(circle_ids, tz="Europe/London") -> int:
    with CaptureQueriesContext(connection) as captured:
        circles_health(circle_ids, today=TODAY, time_zone=tz)
    return len(captured.captured_queries)


def test_queries_stay_the_same_as_rows_and_circles_are_added(personas: Personas):
    north = north_world(personas)
    lead = personas.members["lead"]
    before = _queries([north.pk])
    for month in (2, 3, 4):
        more_of_everything(north, lead, month)
    assert _queries([north.pk]) == before
    many = [north.pk] + [CircleFactory.create(program=personas.program).pk for _ in range(12)]
    for circle_id in many[1:4]:
        more_of_everything(CircleFactory._meta.model.objects.get(pk=circle_id), lead, 3)
    assert _queries(many) == before
    assert before <= 12
    # And the rows added were counted.
    assert circle_health(north, today=TODAY).total.scheduled == 4 + 6
