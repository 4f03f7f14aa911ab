"""At-risk flags (insights/selectors/flags.py): each rule with a frozen clock just below and at
its threshold, the day a flag says it began, what is never judged (today's meetings, draft and
ended programs), and a query count that does not grow with the number of circles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_set_lead
from roundtable.commitments.models import Commitment
from roundtable.insights.models import PulseSchedule
from roundtable.insights.selectors.flags import (
    ATTENDANCE_DROP_POINTS,
    MISSED_IN_A_ROW,
    OVERDUE_PILE,
    Flag,
    FlagCode,
    Severity,
    circle_flags,
)
from roundtable.insights.tests.dashboard_data import (
    circles_bulk,
    meeting_on,
    overdue_commitment,
    people,
    pulse_answers,
    schedule_for,
)
from roundtable.programs.models import Program
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db

# Monday 1 March 2027, 10:00 UTC: the day judged ends at 00:00 UTC on 1 March.
NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
TODAY = NOW.date()
MONDAYS = [TODAY - dt.timedelta(weeks=n) for n in range(12, 0, -1)]  # 7 Dec 2026 .. 22 Feb 2027


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def north(personas: Personas) -> Circle:
    """North with a schedule since December, so that only the rule under test can fire."""
    schedule_for(personas.circle, starts_on=MONDAYS[0])
    Circle.objects.filter(pk=personas.circle.pk).update(
        created_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
        updated_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
    )
    personas.circle.refresh_from_db()
    return personas.circle


def flags_of(circle: Circle, today: dt.date = TODAY) -> dict[FlagCode, Flag]:
    return {flag.code: flag for flag in circle_flags([circle.pk], today=today).get(circle.pk, [])}


# --- no lead, no schedule -----------------------------------------------------------------


def test_a_circle_with_a_lead_and_a_schedule_has_no_flag(personas, north):
    assert circle_flags([north.pk], today=TODAY) == {}


def test_no_schedule_is_flagged_since_the_circle_opened(personas, north):
    south = personas.other_circle
    flag = flags_of(south)[FlagCode.NO_SCHEDULE]
    assert flag.since == south.created_at.date()
    assert flag.severity == Severity.HIGH
    assert flag.title == "No schedule"
    assert "no meetings are planned" in flag.reason


def test_no_lead_is_flagged_from_the_day_the_lead_was_cleared(personas, north):
    with time_machine.travel(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        circle_set_lead(circle=north, lead=None)
    flags = flags_of(north)
    assert list(flags) == [FlagCode.NO_LEAD]
    assert flags[FlagCode.NO_LEAD].since == dt.date(2027, 2, 10)
    assert "Nobody leads this circle" in flags[FlagCode.NO_LEAD].reason


def test_a_schedule_that_ended_is_flagged_the_day_after_its_end(personas, north):
    north.schedule.ends_on = TODAY  # its last day is today: still running
    north.schedule.save()
    assert flags_of(north) == {}
    north.schedule.ends_on = TODAY - dt.timedelta(days=1)
    north.schedule.save()
    flag = flags_of(north)[FlagCode.NO_SCHEDULE]
    assert flag.since == TODAY
    assert flag.reason == "Its schedule ended on 28 Feb 2027: no meetings are planned."


# --- meetings missed in a row ---------------------------------------------------------------


def test_two_missed_meetings_in_a_row_raise_nothing_three_do(personas, north):
    pool = people(north, 3)
    meeting_on(north, MONDAYS[-5], present=2, absent=1, pool=pool)  # 25 Jan: held
    meeting_on(north, MONDAYS[-4], present=3, pool=pool)  # 1 Feb: held
    meeting_on(north, MONDAYS[-2], cancelled=True)  # 15 Feb
    meeting_on(north, MONDAYS[-1], absent=3, pool=pool)  # 22 Feb: nobody there
    meeting_on(north, TODAY, hour=8)  # this morning, no attendance yet: not judged today
    assert MISSED_IN_A_ROW == 3
    assert FlagCode.MISSED_MEETINGS not in flags_of(north)

    meeting_on(north, MONDAYS[-3])  # 8 Feb: nothing recorded, nobody marked present
    flag = flags_of(north)[FlagCode.MISSED_MEETINGS]
    assert flag.since == MONDAYS[-3]
    assert flag.severity == Severity.HIGH
    assert flag.reason == (
        "Its last 3 meetings did not take place with anyone there: 1 cancelled and 2 with "
        "nobody marked present."
    )
    # Tomorrow, this morning's meeting (still without anyone marked present) lengthens the run.
    later = flags_of(north, TODAY + dt.timedelta(days=1))[FlagCode.MISSED_MEETINGS]
    assert (later.since, later.reason.split(":")[0]) == (
        MONDAYS[-3],
        "Its last 4 meetings did not take place with anyone there",
    )


def test_a_meeting_with_someone_present_ends_the_run(personas, north):
    pool = people(north, 1)
    for monday in MONDAYS[-6:-2]:
        meeting_on(north, monday, cancelled=True)
    meeting_on(north, MONDAYS[-2], present=1, pool=pool)
    meeting_on(north, MONDAYS[-1], cancelled=True)
    assert FlagCode.MISSED_MEETINGS not in flags_of(north)


def test_a_circle_that_never_met_with_anyone_is_flagged_from_its_first_meeting(personas, north):
    for monday in MONDAYS[-3:]:
        meeting_on(north, monday, cancelled=True)
    flag = flags_of(north)[FlagCode.MISSED_MEETINGS]
    assert flag.since == MONDAYS[-3]
    assert flag.reason.endswith(": 3 cancelled.")


def test_the_day_of_a_missed_run_is_the_circles_own(personas, north):
    north.time_zone = "America/Los_Angeles"
    north.save()
    for monday in MONDAYS[-3:]:
        meeting_on(north, monday, hour=3, cancelled=True)  # 03:00 UTC: Sunday evening there
    assert flags_of(north)[FlagCode.MISSED_MEETINGS].since == MONDAYS[-3] - dt.timedelta(days=1)


# --- attendance falling ---------------------------------------------------------------------


def _attendance(circle: Circle, earlier: list[tuple[int, int]], recent: list[tuple[int, int]]):
    """Meetings on the Mondays of the window before the last four weeks (from 4 Jan) and of the
    last four weeks (from 1 Feb), each (present, absent)."""
    pool = people(circle, 10)
    for monday, (present, absent) in zip(MONDAYS[-8:-4], earlier, strict=False):
        meeting_on(circle, monday, present=present, absent=absent, pool=pool)
    for monday, (present, absent) in zip(MONDAYS[-4:], recent, strict=False):
        meeting_on(circle, monday, present=present, absent=absent, pool=pool)


def test_attendance_down_14_points_raises_nothing(personas, north):
    # 100% before; 6 of 7 (86%) since: 14 points.
    _attendance(north, earlier=[(5, 0), (5, 0)], recent=[(4, 0), (2, 1)])
    assert ATTENDANCE_DROP_POINTS == 15
    assert FlagCode.ATTENDANCE_FALLING not in flags_of(north)


def test_attendance_down_15_points_is_flagged_from_the_first_meeting_below(personas, north):
    # 100% before; 17 of 20 (85%) since, the first meeting below being 15 Feb.
    _attendance(north, earlier=[(5, 0), (5, 0)], recent=[(5, 0), (4, 1), (4, 1), (4, 1)])
    flag = flags_of(north)[FlagCode.ATTENDANCE_FALLING]
    assert flag.since == MONDAYS[-3]
    assert flag.severity == Severity.MEDIUM
    assert flag.reason == (
        "Attendance fell from 100% to 85% of the people recorded: the last 4 weeks against the "
        "4 before (15 points)."
    )


def test_one_meeting_in_a_window_is_not_a_trend(personas, north):
    _attendance(north, earlier=[(5, 0)], recent=[(1, 4), (1, 4)])
    assert FlagCode.ATTENDANCE_FALLING not in flags_of(north)


def test_cancelled_meetings_do_not_count_towards_attendance(personas, north):
    _attendance(north, earlier=[(5, 0), (5, 0)], recent=[(5, 0), (5, 0)])
    meeting_on(north, MONDAYS[-1] + dt.timedelta(days=2), cancelled=True)
    assert flags_of(north) == {}


# --- no pulse answers -----------------------------------------------------------------------


@pytest.fixture
def pulse(personas: Personas) -> PulseSchedule:
    """Four-week periods from Monday 4 January: 4-31 Jan, 1-28 Feb, then from 1 March."""
    return PulseSchedule.objects.create(
        program=personas.program, every_weeks=4, starts_on=dt.date(2027, 1, 4)
    )


def test_no_answer_in_the_last_completed_period_is_flagged(personas, north, pulse):
    flag = flags_of(north)[FlagCode.NO_PULSE_ANSWERS]
    assert flag.since == dt.date(2027, 2, 1)
    assert flag.severity == Severity.LOW
    assert flag.reason == (
        "Nobody answered the pulse check for 1 Feb 2027 to 28 Feb 2027, though the program's "
        "pulse is on."
    )


def test_one_answer_is_enough_and_only_the_last_completed_period_counts(personas, north, pulse):
    pulse_answers(north, dt.date(2027, 2, 1), 1)
    assert FlagCode.NO_PULSE_ANSWERS not in flags_of(north)
    # On 28 February the February period is still open: January's is judged (and it is empty).
    assert flags_of(north, dt.date(2027, 2, 28))[FlagCode.NO_PULSE_ANSWERS].since == dt.date(
        2027, 1, 4
    )


def test_no_pulse_flag_while_the_pulse_is_off_or_its_first_period_is_open(personas, north, pulse):
    assert FlagCode.NO_PULSE_ANSWERS not in flags_of(north, dt.date(2027, 1, 31))
    pulse.active = False
    pulse.save()
    assert FlagCode.NO_PULSE_ANSWERS not in flags_of(north)


def test_a_circle_opened_during_the_period_is_not_judged_on_it(personas, north, pulse):
    # Recorded on 2 February, its people in it since January (a history entered afterwards):
    # judged on February.
    Circle.objects.filter(pk=north.pk).update(
        created_at=dt.datetime(2027, 2, 2, tzinfo=dt.UTC),
        updated_at=dt.datetime(2027, 2, 2, tzinfo=dt.UTC),
    )
    north.memberships.update(joined_on=dt.date(2027, 1, 20))
    assert FlagCode.NO_PULSE_ANSWERS in flags_of(north)
    # Its first people joined on 2 February: not judged on a period that began before.
    north.memberships.update(joined_on=dt.date(2027, 2, 2))
    assert FlagCode.NO_PULSE_ANSWERS not in flags_of(north)


# --- overdue commitments --------------------------------------------------------------------


def test_two_overdue_commitments_raise_nothing_three_do(personas, north):
    member = personas.members["member"]
    overdue_commitment(north, member, dt.date(2027, 2, 10))
    overdue_commitment(north, member, dt.date(2027, 2, 20))
    overdue_commitment(north, member, TODAY)  # due later today: not overdue yet
    done = overdue_commitment(north, member, dt.date(2027, 2, 1))
    Commitment.objects.filter(pk=done.pk).update(status=Commitment.Status.DONE, done_at=NOW)
    assert OVERDUE_PILE == 3
    assert FlagCode.OVERDUE_COMMITMENTS not in flags_of(north)

    overdue_commitment(north, member, dt.date(2027, 2, 28))  # due yesterday
    flag = flags_of(north)[FlagCode.OVERDUE_COMMITMENTS]
    assert flag.since == dt.date(2027, 2, 10)
    assert flag.reason == "3 open commitments are past their date, the oldest since 10 Feb 2027."


# --- what is never judged, and in what order flags come ------------------------------------


@pytest.mark.parametrize("status", [Program.Status.DRAFT, Program.Status.ENDED])
def test_circles_of_a_draft_or_ended_program_carry_no_flag(personas, status):
    assert personas.other_circle.pk in circle_flags([personas.other_circle.pk], today=TODAY)
    Program.objects.filter(pk=personas.program.pk).update(status=status)
    assert circle_flags([personas.other_circle.pk], today=TODAY) == {}


def test_flags_come_most_serious_first(personas, north, pulse):
    member = personas.members["member"]
    for day in (dt.date(2027, 2, 10), dt.date(2027, 2, 11), dt.date(2027, 2, 12)):
        overdue_commitment(north, member, day)
    with time_machine.travel(dt.datetime(2027, 2, 20, tzinfo=dt.UTC), tick=False):
        circle_set_lead(circle=north, lead=None)
    codes = [flag.code for flag in circle_flags([north.pk], today=TODAY)[north.pk]]
    assert codes == [FlagCode.NO_LEAD, FlagCode.OVERDUE_COMMITMENTS, FlagCode.NO_PULSE_ANSWERS]


def test_the_query_count_does_not_grow_with_the_circles(personas, clock):
    pool = people(personas.circle, 2)
    PulseSchedule.objects.create(
        program=personas.program, every_weeks=4, starts_on=dt.date(2027, 1, 4)
    )

    def measure(circles: list[Circle]) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            flags = circle_flags([c.pk for c in circles], today=TODAY)
        return len(captured.captured_queries), len(flags)

    few = circles_bulk(personas.program, 5, prefix="Few", pool=pool, last_monday=MONDAYS[-1])
    many = circles_bulk(personas.program, 50, prefix="Many", pool=pool, last_monday=MONDAYS[-1])
    few_queries, few_flagged = measure(few)
    many_queries, many_flagged = measure(many)
    assert (few_flagged, many_flagged) == (5, 50)  # no lead, overdue, no pulse answers
    assert few_queries == many_queries
    assert many_queries <= 8
