"""Group trades (`bundles.bundle_step`): a kept-together group swaps with as many single people
from another circle, so the planned sizes hold."""

import numpy as np

from roundtable.formation.bundles import bundle_step
from roundtable.formation.problem import Problem
from roundtable.formation.state import SearchState
from roundtable.formation.units import build_units


def test_a_group_trades_places_with_as_many_single_people():
    # People 0, 1 and 2 are kept together; two circles of four.
    problem = Problem(x=np.arange(8.0)[:, None], sizes=[4, 4], together=[(0, 1), (1, 2)])
    units = build_units(problem)
    group = int(units.of_person[0])
    labels = np.zeros(units.count, dtype=np.int64)
    labels[units.of_person[[4, 5, 6, 7]]] = 1
    state = SearchState(units, labels, 2)
    movable = np.ones(units.count, dtype=bool)
    touched = bundle_step(state, group, movable, np.random.default_rng(0), None, repair=True)
    assert touched == (0, 1)
    people = state.labels[units.of_person]
    assert people[0] == people[1] == people[2] == 1
    assert np.bincount(people).tolist() == [4, 4]
