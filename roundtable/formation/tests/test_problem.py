"""The problem by index (`problem`): planned sizes, the objective and `violations`."""

import numpy as np
import pytest

from roundtable.formation.problem import FormationError, Problem, objective, plan_sizes, violations


def test_plan_sizes():
    assert plan_sizes(20, size_range=(4, 6)) == [5, 5, 5, 5]
    assert plan_sizes(23, size_range=(4, 6)) == [6, 6, 6, 5]
    assert plan_sizes(10, groups=3) == [4, 3, 3]
    with pytest.raises(ValueError, match="7 people cannot be split into circles of 4-5"):
        plan_sizes(7, size_range=(4, 5))
    with pytest.raises(FormationError, match="gives sizes 4-4, outside 5-6"):
        plan_sizes(8, groups=2, size_range=(5, 6))


def test_objective_is_the_within_circle_sum_of_squares():
    x = np.array([[0.0], [2.0], [10.0], [14.0]])
    # Circle 0: {0, 10} around 5 -> 25 + 25; circle 1: {2, 14} around 8 -> 36 + 36.
    assert objective(x, np.array([0, 1, 0, 1])) == 122.0
    assert objective(x, np.array([0, 0, 1, 1])) == 2.0 + 8.0


def test_violations_count_every_broken_constraint_of_a_given_grouping():
    availability = np.array([[1, 0], [0, 1], [1, 1], [1, 1]], dtype=bool)
    problem = Problem(
        x=np.zeros((4, 1)),
        sizes=[2, 2],
        apart=[(0, 1)],
        together=[(2, 3)],
        availability=availability,
        start=np.array([1, 0, -1, -1]),
        pinned=[0],
    )
    # 0 and 1 share a circle (apart broken) with no common slot, 2 and 3 are split (together
    # broken) and 0 left circle 1 (pinned broken).
    assert violations(problem, np.array([0, 0, 1, 1])) == {
        "sizes": 0,
        "apart": 1,
        "together": 0,
        "pinned": 1,
        "availability": 1,
    }
    assert violations(problem, np.array([1, 0, 0, 1])) == {
        "sizes": 0,
        "apart": 0,
        "together": 1,
        "pinned": 0,
        "availability": 0,
    }
    assert violations(problem, np.array([1, 1, 1, 0]))["sizes"] == 2
