"""Phase two (`descent`): local search raises the objective and keeps every hard constraint;
the kicks between rounds keep them too."""

import numpy as np

from roundtable.formation.descent import descend, perturb
from roundtable.formation.placement import place
from roundtable.formation.problem import Problem, objective, violations
from roundtable.formation.state import SearchState
from roundtable.formation.units import build_units

VALID = {"sizes": 0, "apart": 0, "together": 0, "pinned": 0, "availability": 0}


def _problem():
    rng = np.random.default_rng(5)
    n = 30
    availability = rng.random((n, 6)) < 0.6
    availability[:, 0] = True
    return Problem(
        x=rng.normal(size=(n, 3)),
        sizes=[5] * 6,
        apart=[(0, 1), (2, 3), (4, 5)],
        together=[(6, 7), (8, 9)],
        availability=availability,
    )


def test_descent_raises_the_objective_and_keeps_every_constraint():
    problem = _problem()
    rng = np.random.default_rng(1)
    units = build_units(problem)
    state = SearchState(units, place(units, problem, rng), 6)
    assert violations(problem, state.labels[units.of_person]) == VALID
    before = objective(problem.x, state.labels[units.of_person])
    movable = np.ones(units.count, dtype=bool)
    descend(state, movable, np.zeros(units.count), rng, deadline=float("inf"))
    after = state.labels[units.of_person]
    assert objective(problem.x, after) > before
    assert violations(problem, after) == VALID


def test_kicks_move_people_and_keep_every_constraint():
    problem = _problem()
    rng = np.random.default_rng(2)
    units = build_units(problem)
    state = SearchState(units, place(units, problem, rng), 6)
    start = state.labels.copy()
    perturb(state, np.ones(units.count, dtype=bool), rng, strength=5)
    assert (state.labels != start).sum() >= 2
    assert violations(problem, state.labels[units.of_person]) == VALID
