"""The search's incremental state (`state.SearchState`): predicted gains equal the real change
of the objective, and the sums kept by swaps and moves equal a recomputation."""

import numpy as np

from roundtable.formation.problem import Problem
from roundtable.formation.state import SearchState
from roundtable.formation.units import build_units

rng = np.random.default_rng(4)
AVAILABILITY = rng.random((12, 5)) < 0.6
PROBLEM = Problem(
    x=rng.normal(size=(12, 3)), sizes=[4, 4, 4], apart=[(0, 5)], availability=AVAILABILITY
)
TOTAL_SQ = float((PROBLEM.x**2).sum())


def _state(labels):
    return SearchState(build_units(PROBLEM), np.array(labels), 3)


def _assert_matches_a_recomputation(state):
    fresh = _state(state.labels.copy())
    assert np.allclose(state.sums, fresh.sums)
    assert np.allclose(state.sq, fresh.sq)
    assert np.array_equal(state.people, fresh.people)
    assert np.array_equal(state.tally, fresh.tally)


def test_swap_gains_are_the_change_in_the_objective():
    state = _state([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    partners = np.array([4, 5, 8, 11])
    predicted = state.gains(0, partners)
    for partner, gain in zip(partners, predicted, strict=True):
        trial = _state(state.labels.copy())
        before = trial.value(TOTAL_SQ)
        trial.swap(0, int(partner))
        assert np.isclose(trial.value(TOTAL_SQ) - before, gain)
        _assert_matches_a_recomputation(trial)


def test_moves_keep_the_state_exact_and_the_gain_true():
    state = _state([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2])  # sizes 5, 3, 4
    targets = state.move_targets(0)
    assert targets.tolist() == [2]  # only to the circle one smaller: sizes become 4, 3, 5
    before = state.value(TOTAL_SQ)
    gain = state.move_gains(0, targets)[0]
    state.move(0, 2)
    assert np.isclose(state.value(TOTAL_SQ) - before, gain)
    _assert_matches_a_recomputation(state)


def test_apart_checks_see_who_would_meet():
    state = _state([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    # 0 and 5 are kept apart: 0 may not go to circle 1 unless 5 is who it swaps with.
    ok = state.apart_ok(0, np.array([4, 5, 8]))
    assert ok.tolist() == [False, True, True]
    assert state.broken_per_circle()[1] == 0
    state.swap(0, 4)
    assert state.broken(1) == state.broken_per_circle()[1] >= 1
