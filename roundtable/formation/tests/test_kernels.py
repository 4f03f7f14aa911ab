"""The compiled kernels against the numpy reference (`SearchState`): the same gains to 1e-9 on
random inputs, the same state after the same steps, the same grouping for the same seed, and
trivial inputs (nobody, one person, one circle) answered or refused clearly."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.formation import kernels
from roundtable.formation.descent import Kernel, descend
from roundtable.formation.problem import FormationError, Problem, objective, violations
from roundtable.formation.search import form
from roundtable.formation.state import SearchState
from roundtable.formation.units import build_units


def _state(seed: int, n: int, k: int, d: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.1, 10)
    sizes = [n // k + (1 if g < n % k else 0) for g in range(k)]
    problem = Problem(x=x, sizes=sizes)
    units = build_units(problem)
    labels = rng.permutation(np.repeat(np.arange(k), sizes)).astype(np.int64)
    return problem, units, SearchState(units, labels, k), rng


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(4, 60),
    k=st.integers(2, 8),
    d=st.integers(1, 6),
)
def test_swap_gains_equal_the_numpy_reference(seed, n, k, d):
    if n < 2 * k:
        n = 2 * k
    _, units, state, rng = _state(seed, n, k, d)
    unit = int(rng.integers(n))
    partners = np.flatnonzero(state.labels != state.labels[unit]).astype(np.int64)
    compiled = kernels.swap_gains(units.x, state.sums, state.people, state.labels, unit, partners)
    np.testing.assert_allclose(compiled, state.gains(unit, partners), rtol=0, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(9, 50), d=st.integers(1, 5))
def test_move_gains_equal_the_numpy_reference(seed, n, d):
    _, units, state, rng = _state(seed, n, 4, d)
    unit = int(rng.integers(n))
    targets = state.move_targets(unit)
    reference = state.move_gains(unit, targets)
    a = int(state.labels[unit])
    for target, expected in zip(targets.tolist(), reference.tolist(), strict=True):
        gain = kernels.move_gain(
            units.x, state.sums, state.sq, state.people, units.size, unit, a, target
        )
        assert abs(gain - expected) <= 1e-9


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(8, 40))
def test_a_compiled_step_updates_the_state_as_numpy_does(seed, n):
    problem, units, state, rng = _state(seed, n, 4, 3)
    twin = SearchState(units, state.labels.copy(), state.k)
    u, p = (int(v) for v in rng.choice(n, 2, replace=False))
    if state.labels[u] == state.labels[p]:
        return
    before = objective(problem.x, state.labels)
    gain = kernels.swap_gain(
        units.x, state.sums, state.people, state.labels[u], state.labels[p], u, p
    )
    no_slots = np.zeros((state.k, 0), np.int64)
    kernels.apply_swap(
        units.x, state.labels, state.sums, state.sq, no_slots, np.zeros((n, 0), np.int64), u, p
    )
    twin.swap(u, p)
    np.testing.assert_array_equal(state.labels, twin.labels)
    np.testing.assert_allclose(state.sums, twin.sums, atol=1e-9)
    np.testing.assert_allclose(state.sq, twin.sq, atol=1e-7)
    assert objective(problem.x, state.labels) - before == pytest.approx(gain, abs=1e-9)


def test_the_compiled_descent_reaches_a_local_optimum_no_numpy_swap_improves():
    problem, units, state, rng = _state(3, 40, 8, 3)
    movable = np.ones(units.count, dtype=bool)
    descend(state, movable, np.zeros(units.count), rng, deadline=float("inf"))
    for unit in range(units.count):
        partners = np.flatnonzero(state.labels != state.labels[unit])
        assert state.gains(unit, partners).max() <= 1e-9
    assert violations(problem, state.labels)["sizes"] == 0


def test_neighbour_lists_hold_the_nearest_people_in_feature_space():
    rng = np.random.default_rng(4)
    x = np.sort(rng.normal(size=200))[:, None]  # on a line: neighbours are the adjacent values
    ids = np.arange(200, dtype=np.int64)
    ptr, cands = kernels.projection_neighbours(x.copy(), ids, 200, 2)
    mine = set(cands[ptr[100] : ptr[101]].tolist())
    assert mine == {98, 99, 101, 102}
    assert set(cands[ptr[0] : ptr[1]].tolist()) == {1, 2}


def test_the_partner_sample_on_large_pools_uses_neighbour_lists(monkeypatch):
    monkeypatch.setattr("roundtable.formation.descent.FULL_PARTNER_LIMIT", 50)
    _, units, state, rng = _state(5, 120, 24, 3)
    kernel = Kernel(state, np.ones(units.count, dtype=bool), np.zeros(units.count), rng)
    assert len(kernel.cand_ptr) == units.count + 1
    assert kernel.samples > 0
    before = state.value(float((units.x**2).sum()))
    descend(state, np.ones(units.count, dtype=bool), np.zeros(units.count), rng, float("inf"))
    assert state.value(float((units.x**2).sum())) > before


def test_a_seed_gives_the_same_grouping_with_the_compiled_kernels():
    rng = np.random.default_rng(8)
    problem = Problem(
        x=rng.normal(size=(60, 4)),
        sizes=[5] * 12,
        apart=[(0, 1), (2, 3)],
        availability=rng.random((60, 5)) < 0.8,
    )
    first = form(problem, seed=11, rounds=6)
    second = form(problem, seed=11, rounds=6)
    np.testing.assert_array_equal(first.labels, second.labels)
    assert first.objective == second.objective


def test_trivial_inputs_get_the_trivial_answer_or_a_clear_error():
    one = form(np.zeros((1, 2)), [1], rounds=1)
    assert one.labels.tolist() == [0]
    single_circle = form(np.arange(10.0)[:, None], [10], rounds=2)
    assert single_circle.labels.tolist() == [0] * 10
    assert single_circle.objective == pytest.approx(82.5)
    with pytest.raises(FormationError):
        form(np.zeros((0, 2)), [], rounds=1)
    with pytest.raises(FormationError):
        form(np.zeros((3, 2)), [2], rounds=1)
    empty = np.zeros(0, dtype=np.int64)
    assert (
        len(kernels.swap_gains(np.zeros((0, 1)), np.zeros((1, 1)), np.ones(1), empty, 0, empty))
        == 0
    )
