"""pulse_results: what leaves the selector (only the count below three answers or while a period
is open), the periods of a cadence and of an earlier one, the stage reading rule by rule at its
thresholds, and a query count that does not grow with the number of circles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_create
from roundtable.insights.models import PULSE_FIELDS
from roundtable.insights.selectors.pulses import (
    STAGE_NOTES,
    PulsePeriodResult,
    Stage,
    pulse_results,
    stage_read,
)
from roundtable.insights.services.pulses import pulse_schedule_set
from roundtable.insights.tests.pulse_helpers import (
    APR,
    FEB,
    JAN,
    MAR,
    TODAY,
    rows_add,
    schedule_on,
    scores,
)


def _hidden(result: PulsePeriodResult) -> bool:
    return (
        not result.shown
        and result.means is None
        and result.overall is None
        and result.spread is None
        and result.stage is None
        and result.stage_note == ""
        and result.comments == ()
    )


def test_a_period_below_three_answers_gives_its_count_and_nothing_else(personas):
    schedule_on(personas)
    rows_add(personas.circle, JAN, [scores(5), scores(1)], comment="Two of us")
    rows_add(personas.circle, FEB, [scores(5), scores(1), scores(3)], comment="Three of us")
    found = pulse_results([personas.circle.pk], today=TODAY, with_comments=True)
    jan, feb, mar = found[personas.circle.pk]
    assert (jan.period_start, jan.period_end, jan.answers) == (JAN, dt.date(2027, 1, 31), 2)
    assert _hidden(jan)
    assert feb.shown
    assert feb.means == dict.fromkeys(PULSE_FIELDS, 3.0)
    assert feb.comments == ("Three of us",) * 3
    assert (mar.period_start, mar.answers, mar.is_open) == (MAR, 0, True)
    assert _hidden(mar)


def test_an_open_period_gives_only_its_count_even_with_many_answers(personas):
    """Results that changed with each answer would let someone who saw a colleague answer read
    that colleague's scores as the difference."""
    schedule_on(personas)
    rows_add(personas.circle, MAR, [scores(4)] * 5, comment="Still open")
    on_last_day = pulse_results([personas.circle.pk], today=dt.date(2027, 3, 28))
    march = on_last_day[personas.circle.pk][-1]
    assert (march.period_start, march.answers, march.is_open) == (MAR, 5, True)
    assert _hidden(march)
    next_day = pulse_results([personas.circle.pk], today=dt.date(2027, 3, 29), with_comments=True)
    march = next_day[personas.circle.pk][-2]
    assert (march.period_start, march.shown, march.overall) == (MAR, True, 4.0)
    assert march.comments == ("Still open",) * 5
    assert next_day[personas.circle.pk][-1].period_start == APR


def test_means_spread_and_overall(personas):
    schedule_on(personas)
    rows_add(
        personas.circle,
        JAN,
        [scores(5, progress=1), scores(3, progress=3), scores(4, progress=5)],
    )
    (jan, _feb, _mar) = pulse_results([personas.circle.pk], today=TODAY)[personas.circle.pk]
    assert jan.means == {
        "trust": 4.0,
        "clarity": 4.0,
        "participation": 4.0,
        "usefulness": 4.0,
        "progress": 3.0,
    }
    assert jan.overall == 3.8
    # Four statements with answers 5, 3, 4 (sd 0.816), progress 1, 3, 5 (sd 1.633).
    assert jan.spread == pytest.approx((4 * 0.8165 + 1.633) / 5, abs=0.01)


def test_comments_only_when_asked_and_in_no_order_of_answering(personas):
    schedule_on(personas)
    rows_add(personas.circle, JAN, [scores(4)], comment="zebra")
    rows_add(personas.circle, JAN, [scores(4)], comment="apple")
    rows_add(personas.circle, JAN, [scores(4)], comment="")
    without = pulse_results([personas.circle.pk], today=TODAY)[personas.circle.pk][0]
    assert without.shown
    assert without.comments == ()
    found = pulse_results([personas.circle.pk], today=TODAY, with_comments=True)
    assert found[personas.circle.pk][0].comments == ("apple", "zebra")


def test_periods_follow_the_schedule_and_the_window(personas):
    schedule_on(personas)
    today = dt.date(2027, 12, 1)
    found = pulse_results([personas.circle.pk], today=today, periods=3)[personas.circle.pk]
    assert [r.period_start for r in found] == [
        dt.date(2027, 9, 13),
        dt.date(2027, 10, 11),
        dt.date(2027, 11, 8),
    ]
    assert found[-1].period_end == dt.date(2027, 12, 5)
    # Before the first period, nothing; on its first day, one period.
    assert pulse_results([personas.circle.pk], today=dt.date(2027, 1, 3)) == {
        personas.circle.pk: []
    }
    first = pulse_results([personas.circle.pk], today=JAN)[personas.circle.pk]
    assert [r.period_start for r in first] == [JAN]


def test_answers_of_an_earlier_cadence_keep_their_period(personas):
    schedule_on(personas)
    rows_add(personas.circle, FEB, [scores(4)] * 3)
    # On 10 March the coordinator moves to every two weeks: periods from Monday 8 March.
    pulse_schedule_set(
        personas.program,
        by=personas.members["coordinator"],
        active=True,
        every_weeks=2,
        today=TODAY,
    )
    found = pulse_results([personas.circle.pk], today=dt.date(2027, 3, 30), periods=4)
    starts = [(r.period_start, r.period_end) for r in found[personas.circle.pk]]
    # February's period (of the earlier cadence) is shown as lasting until the next began.
    assert starts == [
        (FEB, dt.date(2027, 3, 7)),
        (dt.date(2027, 3, 8), dt.date(2027, 3, 21)),
        (dt.date(2027, 3, 22), dt.date(2027, 4, 4)),
    ]
    assert found[personas.circle.pk][0].shown


def test_circles_without_a_pulse_get_an_empty_list(personas):
    assert pulse_results([personas.circle.pk, 987654], today=TODAY) == {
        personas.circle.pk: [],
        987654: [],
    }


def _circles(personas, count: int) -> list[Circle]:
    circles = []
    for i in range(count):
        circle = circle_create(program=personas.program, name=f"C{i:03}", members=[])
        rows_add(circle, JAN, [scores(4)] * 3, comment="Hi")
        rows_add(circle, FEB, [scores(2)] * 2)
        circles.append(circle)
    return circles


def _queries(circle_ids: list[int]) -> tuple[int, dict[int, list[PulsePeriodResult]]]:
    with CaptureQueriesContext(connection) as captured:
        found = pulse_results(circle_ids, today=TODAY, with_comments=True)
    return len(captured.captured_queries), found


def test_query_count_is_the_same_for_5_and_50_circles(personas):
    schedule_on(personas)
    circles = _circles(personas, 50)
    few, found_few = _queries([c.pk for c in circles[:5]])
    many, found_many = _queries([c.pk for c in circles])
    assert few == many == 4
    assert len(found_many) == 50
    assert all(results[0].shown and results[0].comments for results in found_many.values())
    assert found_few[circles[0].pk] == found_many[circles[0].pk]


# --- the stage reading -----------------------------------------------------------------------


def _means(value: float, **overrides: float) -> dict[str, float]:
    return {key: overrides.get(key, value) for key in PULSE_FIELDS}


def _read(means, spread=0.5, previous=None, before=3):
    return stage_read(means=means, spread=spread, previous=previous, periods_before=before)


def test_storming_when_trust_or_participation_is_low():
    assert _read(_means(4.0, trust=2.99)).stage == Stage.STORMING
    assert _read(_means(4.0, participation=2.9)).stage == Stage.STORMING
    reading = _read(_means(4.0, trust=2.9))
    assert reading.reason == "Trust is low (2.9 out of 5)."
    assert _read(_means(4.0, trust=3.0), before=3).stage == Stage.NORMING


def test_storming_when_trust_or_participation_falls_by_half_a_point():
    previous = _means(4.0)
    fell = _read(_means(4.0, participation=3.5), previous=previous)
    assert fell.stage == Stage.STORMING
    assert fell.reason == "Participation fell from 4.0 to 3.5."
    held = _read(_means(4.0, participation=3.51), previous=previous)
    assert held.stage != Stage.STORMING


def test_storming_when_answers_are_far_apart():
    assert _read(_means(4.5), spread=1.2).stage == Stage.STORMING
    assert _read(_means(4.5), spread=1.19, previous=_means(4.5)).stage == Stage.NORMING
    assert _read(_means(4.5), spread=0.99, previous=_means(4.5)).stage == Stage.PERFORMING


def test_performing_needs_all_five_high_steady_and_close():
    steady = _means(4.2)
    assert _read(_means(4.0), spread=0.9, previous=steady).stage == Stage.PERFORMING
    # Progress not yet high: norming.
    assert _read(_means(4.3, progress=3.9), previous=steady).stage == Stage.NORMING
    # High once, not yet steady (no previous period, or a previous one below 3.5): norming.
    assert _read(_means(4.5), previous=None).stage == Stage.NORMING
    assert _read(_means(4.5), previous=_means(3.4)).stage == Stage.NORMING
    # High, but answers not close enough.
    assert _read(_means(4.5), spread=1.0, previous=steady).stage == Stage.NORMING
    # Usefulness fell half a point since last time: not steady.
    assert _read(_means(4.5, usefulness=4.0), previous=_means(4.5)).stage == Stage.NORMING


def test_forming_in_the_first_two_periods_with_middling_trust_or_clarity():
    middling = _means(3.4)
    assert _read(middling, before=0).stage == Stage.FORMING
    assert _read(middling, before=1, previous=_means(3.4)).stage == Stage.FORMING
    assert _read(middling, before=2, previous=_means(3.4)).stage == Stage.NORMING
    # Early, but trust and clarity already high: norming.
    assert _read(_means(3.5, trust=4.0, clarity=4.0), before=0).stage == Stage.NORMING
    # Early and low: storming comes first.
    assert _read(_means(3.4, trust=2.5), before=0).stage == Stage.STORMING


def test_each_stage_has_its_note_and_storming_says_it_is_normal():
    assert set(STAGE_NOTES) == set(Stage)
    assert "Storming is a normal step" in STAGE_NOTES[Stage.STORMING]
    assert "let the group storm its way to success" in STAGE_NOTES[Stage.STORMING].lower()
    reading = _read(_means(2.0))
    assert reading.note == STAGE_NOTES[Stage.STORMING]


def test_a_circle_read_storming_then_norming_over_its_periods(personas):
    """Through pulse_results: early periods forming, a wide disagreement storming, then norming
    as trust and clarity climb back."""
    schedule_on(personas)
    rows_add(personas.circle, JAN, [scores(3), scores(3), scores(4)])
    rows_add(personas.circle, FEB, [scores(1), scores(5), scores(2), scores(4)])
    rows_add(personas.circle, MAR, [scores(4, progress=3)] * 3)
    found = pulse_results([personas.circle.pk], today=dt.date(2027, 4, 1))[personas.circle.pk]
    assert [r.stage for r in found] == [Stage.FORMING, Stage.STORMING, Stage.NORMING, None]
    assert found[1].stage_note == STAGE_NOTES[Stage.STORMING]
