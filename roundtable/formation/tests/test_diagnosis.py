"""Why no grouping meets the hard constraints (`diagnosis`): the people named and the rules that
clash for them, in plain sentences."""

import numpy as np
import pytest

from roundtable.formation.diagnosis import APART, PINNED, SIZE, SLOT, diagnose, find_conflicts
from roundtable.formation.problem import Infeasible, Problem
from roundtable.formation.search import form
from roundtable.formation.units import build_units

NAMES = [f"P{i}" for i in range(12)]


def conflicts(problem):
    return find_conflicts(problem, build_units(problem))


def test_someone_with_too_few_slot_mates_is_named_with_the_rules_that_clash():
    # P1 and P2 each have a slot of their own; everyone else can make slot 3.
    availability = np.eye(8, 4, dtype=bool)
    availability[4:, 3] = True
    availability[0, 3] = True
    problem = Problem(x=np.zeros((8, 1)), sizes=[4, 4], availability=availability, names=NAMES[:8])
    found = conflicts(problem)
    assert [(c.people, c.rules) for c in found] == [
        ((1,), (SLOT, SIZE)),
        ((2,), (SLOT, SIZE)),
    ]
    assert found[0].message == (
        "P1 shares a weekly slot with only 0 other people at most, and circles need at least 4 "
        "(8 people in 2 circles)."
    )
    with pytest.raises(Infeasible) as caught:
        form(problem, rounds=2)
    assert caught.value.problems == [c.message for c in found] == diagnose(problem)


def test_people_who_can_meet_only_each_other_are_named_together():
    # P0 and P1 can make only slot 1, with P2; everyone else meets at slot 0; circles of 5.
    availability = np.zeros((10, 2), dtype=bool)
    availability[2:, 0] = True
    availability[:3, 1] = True
    problem = Problem(
        x=np.zeros((10, 1)), sizes=[5, 5], availability=availability, names=NAMES[:10]
    )
    [found] = conflicts(problem)
    assert found.people == (0, 1)
    assert found.message == (
        "P0 and P1 share no weekly slot with any 4 others: no slot any of them can make suits "
        "more than 3 people, and circles need at least 5 (10 people in 2 circles)."
    )


def test_someone_short_of_slot_mates_once_kept_apart_names_those_pairs():
    # Everyone shares the one slot, but P0 is kept apart from five of the seven others.
    availability = np.ones((8, 1), dtype=bool)
    apart = [(0, i) for i in range(1, 6)]
    problem = Problem(
        x=np.zeros((8, 1)), sizes=[4, 4], apart=apart, availability=availability, names=NAMES[:8]
    )
    [found] = conflicts(problem)
    assert found.people == (0,)
    assert found.rules == (SLOT, SIZE, APART)
    assert found.pairs == tuple(apart)
    assert found.message == (
        "P0 can meet only 2 other people at a weekly slot they can make once kept apart from P1, "
        "P2, P3, P4 and P5, and circles need at least 4 (8 people in 2 circles)."
    )


def test_kept_apart_from_too_many_without_slots():
    apart = [(0, i) for i in range(1, 6)]
    problem = Problem(x=np.zeros((8, 1)), sizes=[4, 4], apart=apart, names=NAMES[:8])
    [found] = conflicts(problem)
    assert (found.people, found.rules) == ((0,), (SIZE, APART))


def test_a_pinned_circle_too_few_could_join_is_named():
    # P0 and P1 stay in circle 0 and can make only slot 1, which nobody else can.
    availability = np.zeros((8, 2), dtype=bool)
    availability[:, 0] = True
    availability[:2, 1] = True
    availability[:2, 0] = False
    start = np.array([0, 0, -1, -1, -1, -1, -1, -1])
    problem = Problem(
        x=np.zeros((8, 1)),
        sizes=[4, 4],
        availability=availability,
        start=start,
        pinned=[0, 1],
        names=NAMES[:8],
    )
    found = conflicts(problem)
    assert [(c.people, c.rules) for c in found][-1] == ((0, 1), (PINNED, SLOT, SIZE))
    assert found[-1].message == (
        "P0 and P1 are pinned to a circle that only 0 other people could join at a weekly slot "
        "they share, and circles need at least 4 (8 people in 2 circles)."
    )


def test_too_many_pinned_to_one_circle():
    start = np.array([0, 0, 0, 0, 0, -1, -1, -1])
    problem = Problem(
        x=np.zeros((8, 1)), sizes=[4, 4], start=start, pinned=[0, 1, 2, 3, 4], names=NAMES[:8]
    )
    [found] = conflicts(problem)
    assert found.rules == (PINNED, SIZE)
    assert (
        found.message
        == "P0, P1, P2, P3 and P4 are pinned to one circle, 5 people, and circles hold at most 4."
    )


def test_a_feasible_problem_has_no_conflict():
    availability = np.ones((8, 2), dtype=bool)
    problem = Problem(x=np.zeros((8, 1)), sizes=[4, 4], availability=availability, apart=[(0, 1)])
    assert conflicts(problem) == []


def test_without_a_culprit_the_constraints_that_clash_are_listed():
    # Three people each kept apart from the two others cannot fit in circles of two.
    problem = Problem(x=np.zeros((4, 1)), sizes=[2, 2], apart=[(0, 1), (1, 2), (0, 2)])
    assert diagnose(problem) == [
        "No grouping was found that meets all the kept-apart pairs at once within the time "
        "budget; loosen one of them or allow other circle sizes."
    ]


def test_people_who_must_stay_in_one_circle_but_are_kept_apart():
    start = np.array([0, 0, 1, 1, -1, -1, -1, -1])
    problem = Problem(
        x=np.zeros((8, 1)),
        sizes=[4, 4],
        apart=[(0, 1)],
        start=start,
        pinned=[0, 1, 2, 3],
        names=NAMES[:8],
    )
    [found] = conflicts(problem)
    assert (found.people, found.rules, found.pairs) == ((0, 1), (PINNED, APART), ((0, 1),))
    assert found.message == (
        "P0 and P1 stay in one circle (pinned, or in it now), but they are kept apart."
    )
