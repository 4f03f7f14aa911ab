"""What the lists say: my commitments in order (requests to answer on top, then overdue, then by
date), flagged busy periods, the board's overdue count and on-time rate, what a delay holds up,
the meeting page's two lists and the home page's week."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from roundtable.commitments.selectors import commitments as selectors
from roundtable.commitments.services import busy
from roundtable.commitments.services import commitments as services
from roundtable.commitments.tests.conftest import NOW
from roundtable.commitments.tests.helpers import agreed, asked, taken_on
from roundtable.ideas.models import Stage
from roundtable.ideas.services.trials import trial_start
from roundtable.ideas.tests.decision_factories import idea_create, newcomer
from roundtable.meetings.models import Meeting

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _titles(commitments):
    return [c.title for c in commitments]


def test_my_commitments_requests_first_then_overdue_then_by_date(personas, lead, member):
    taken_on(personas.circle, member, "Later", on=dt.date(2027, 3, 12))
    taken_on(personas.circle, member, "Soon", on=dt.date(2027, 3, 2))
    taken_on(personas.circle, member, "Overdue", on=dt.date(2027, 3, 1), due_time=dt.time(11))
    asked(personas.circle, lead, member, "Answer me")
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        mine = selectors.my_commitments(members=[member])
    assert _titles(mine.to_answer) == ["Answer me"]
    assert _titles(mine.open) == ["Overdue", "Soon", "Later"]
    assert [getattr(c, "is_overdue", None) for c in mine.open] == [True, False, False]
    assert mine.overdue_count == 1


def test_what_i_asked_shows_answers_that_need_me_first(personas, lead, member):
    second = newcomer(personas.circle)
    agreed(personas.circle, lead, member, "Dated")
    countered = asked(personas.circle, lead, second, "Countered")
    services.commitment_counter(commitment=countered, member=second, proposal="Half of it.")
    mine = selectors.my_commitments(members=[lead])
    assert _titles(mine.asked_of_others) == ["Countered", "Dated"]


def test_a_commitment_in_a_busy_period_is_flagged(personas, member):
    taken_on(personas.circle, member, "Inside", on=dt.date(2027, 3, 9))
    taken_on(personas.circle, member, "Outside", on=dt.date(2027, 3, 19))
    period = busy.busy_period_add(
        member=member, label="Launch", starts_on=dt.date(2027, 3, 8), ends_on=dt.date(2027, 3, 12)
    )
    mine = selectors.my_commitments(members=[member])
    flagged = [(c.title, getattr(c, "busy_period", "unset")) for c in mine.open]
    assert flagged == [("Inside", period), ("Outside", None)]


def test_the_board_counts_overdue_and_the_on_time_rate(personas, lead, member):
    on_time = taken_on(personas.circle, member, "On time", on=dt.date(2027, 3, 2))
    late = taken_on(personas.circle, member, "Late", on=dt.date(2027, 3, 2))
    taken_on(personas.circle, lead, "Overdue", on=dt.date(2027, 3, 2))
    taken_on(personas.circle, lead, "Later", on=dt.date(2027, 3, 20))
    services.commitment_done(commitment=on_time, member=member)
    with time_machine.travel(dt.datetime(2027, 3, 3, 9, tzinfo=dt.UTC), tick=False):
        services.commitment_done(commitment=late, member=member)
        board = selectors.circle_board(circle=personas.circle)
    assert (board.overdue_count, board.done_count, board.on_time_count) == (1, 2, 1)
    assert board.on_time_rate == 50
    rows = {row.owner.name: row for row in board.rows}
    assert _titles(rows["Lead Persona"].columns["open"]) == ["Overdue", "Later"]
    assert rows["Lead Persona"].overdue == 1
    assert _titles(rows["Member Persona"].columns["done"]) == ["On time", "Late"]


def test_no_rate_before_anything_is_done(personas, member):
    taken_on(personas.circle, member)
    assert selectors.circle_board(circle=personas.circle).on_time_rate is None


def test_what_a_delay_holds_up_people_and_the_trial_review(personas, lead, member):
    idea = idea_create(circle=personas.circle, stage=Stage.DISCUSSING, summary="Call back")
    trial = trial_start(
        idea=idea, by=lead, rationale="Cheap to try.", owner=lead,
        starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 31),
        measure="Five buy again.", review_on=dt.date(2028, 1, 14),
    )  # fmt: skip
    base = agreed(personas.circle, lead, member, "The list")
    for owner in (newcomer(personas.circle), newcomer(personas.circle)):
        waiter = taken_on(personas.circle, owner, "Pilot calls", trial=trial)
        services.commitment_wait_on(commitment=waiter, on=base, member=owner)
    page = selectors.commitment_page(commitment=base)
    assert page.hold_up.text == ("3 people wait on this; the trial review on 14 Jan depends on it")


def test_the_timeline_lists_what_happened_with_the_dates(personas, lead, member):
    commitment = asked(personas.circle, lead, member)
    services.commitment_answer(commitment=commitment, member=member, due_on=dt.date(2027, 3, 5))
    services.commitment_move(
        commitment=commitment, member=member, due_on=dt.date(2027, 3, 8), reason="Data late."
    )
    timeline = selectors.commitment_timeline(commitment=commitment)
    assert [(e.kind, e.actor) for e in timeline] == [
        ("asked", lead),
        ("dated", member),
        ("moved", member),
    ]
    moved = timeline[-1]
    assert (moved.due_from, moved.due_to, moved.text) == (
        dt.datetime(2027, 3, 5, 17, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 8, 17, tzinfo=dt.UTC),
        "Data late.",
    )
    assert len(selectors.commitment_moves(commitment=commitment)) == 1


def _meeting(circle, days):
    return Meeting.objects.create(
        circle=circle, starts_at=timezone.now() + dt.timedelta(days=days), duration_minutes=60
    )


def test_the_meeting_lists_what_was_made_in_it_and_what_fell_due_since_the_last(
    personas, lead, member
):
    _meeting(personas.circle, -7)
    meeting = _meeting(personas.circle, 7)
    made = asked(personas.circle, lead, member, "From the meeting", meeting=meeting)
    taken_on(personas.circle, member, "Due between", on=dt.date(2027, 3, 4))
    taken_on(personas.circle, member, "Due after", on=dt.date(2027, 3, 10))
    lists = selectors.meeting_commitments(meeting=meeting)
    assert _titles(lists["commitments_made"]) == [made.title]
    assert _titles(lists["commitments_due"]) == ["Due between"]


def test_due_this_week_ends_on_sunday_in_the_members_zone(personas, member):
    taken_on(personas.circle, member, "Friday", on=dt.date(2027, 3, 5))
    taken_on(personas.circle, member, "Sunday night", on=dt.date(2027, 3, 7), due_time=dt.time(23))
    taken_on(
        personas.circle, member, "Next Monday", on=dt.date(2027, 3, 8), due_time=dt.time(0, 30)
    )
    assert _titles(selectors.due_this_week(members=[member])) == ["Friday", "Sunday night"]
