"""Units (`units.build_units`): together pairs make one unit; contradictions named by person."""

import numpy as np
import pytest

from roundtable.formation.problem import Infeasible, Problem
from roundtable.formation.units import build_units


def test_together_pairs_make_one_unit_with_shared_slots():
    availability = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 0], [1, 1, 1]], dtype=bool)
    units = build_units(
        Problem(
            x=np.eye(4), sizes=[2, 2], together=[(0, 1)], apart=[(1, 2)], availability=availability
        )
    )
    assert units.count == 3
    assert units.of_person[0] == units.of_person[1]
    assert units.size[units.of_person[0]] == 2
    assert units.x[units.of_person[0]].tolist() == [1, 1, 0, 0]
    assert units.avail is not None
    assert units.avail[units.of_person[0]].tolist() == [False, True, False]
    # The apart pair (1, 2) links the unit of 0-1 with the unit of 2, both ways.
    mine = units.neighbours[units.indptr[units.of_person[0]] : units.indptr[units.of_person[0] + 1]]
    assert mine.tolist() == [units.of_person[2]]


def test_contradictory_pairs_are_explained():
    problem = Problem(x=np.zeros((6, 1)), sizes=[3, 3], together=[(0, 1), (1, 2)], apart=[(0, 2)])
    with pytest.raises(Infeasible, match="person 1 and person 3 must be kept apart"):
        build_units(problem)


def test_a_together_group_bigger_than_any_circle_is_explained():
    problem = Problem(x=np.zeros((8, 1)), sizes=[4, 4], together=[(i, i + 1) for i in range(4)])
    with pytest.raises(Infeasible, match="that is 5 people and circles hold at most 4"):
        build_units(problem)


def test_someone_without_any_slot_is_named():
    availability = np.ones((4, 3), dtype=bool)
    availability[2] = False
    problem = Problem(x=np.zeros((4, 1)), sizes=[4], availability=availability)
    with pytest.raises(Infeasible, match="person 3 has no available weekly slot"):
        build_units(problem)


def test_a_pin_without_a_current_circle_is_named():
    problem = Problem(
        x=np.zeros((4, 1)), sizes=[2, 2], start=np.array([0, -1, 1, 1]), pinned=[1], names="abcd"
    )
    with pytest.raises(Infeasible, match="b is pinned but has no circle to stay in"):
        build_units(problem)
