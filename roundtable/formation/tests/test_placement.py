"""Phase one (`placement`): a greedy start, then a repair, give a grouping that meets every hard
constraint, with current circles kept where they have room."""

import numpy as np

from roundtable.formation.placement import place, repair
from roundtable.formation.problem import Problem, violations
from roundtable.formation.state import SearchState
from roundtable.formation.units import build_units


def test_place_then_repair_meets_tight_constraints():
    rng = np.random.default_rng(3)
    n = 24
    availability = np.zeros((n, 3), dtype=bool)
    availability[np.arange(n), np.arange(n) % 3] = True  # three slots, eight people each
    apart = [(i, i + 3) for i in range(0, 21)]  # same slot, never one circle
    problem = Problem(
        x=rng.normal(size=(n, 2)),
        sizes=[4] * 6,
        apart=apart,
        together=[(0, 6)],
        availability=availability,
    )
    units = build_units(problem)
    state = SearchState(units, place(units, problem, rng), 6)
    assert repair(state, rng, deadline=float("inf"))
    labels = state.labels[units.of_person]
    assert violations(problem, labels) == {
        "sizes": 0,
        "apart": 0,
        "together": 0,
        "pinned": 0,
        "availability": 0,
    }


def test_current_circles_are_kept_where_they_have_room():
    problem = Problem(x=np.zeros((6, 1)), sizes=[3, 3], start=np.array([1, 1, 1, 0, -1, -1]))
    units = build_units(problem)
    labels = place(units, problem, np.random.default_rng(0))
    assert labels[:4].tolist() == [1, 1, 1, 0]
    assert sorted(labels[4:].tolist()) == [0, 0]
