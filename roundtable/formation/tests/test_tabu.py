"""The engine's tabu search on pair sums (`tabu`): its incrementally kept state stays exact,
for the distance-matrix representation (weight 1) and for features (weight 1/size)."""

import numpy as np
import pytest

from roundtable.formation import mdgp
from roundtable.formation.problem import objective
from roundtable.formation.tabu import PairProblem, PairSearch, solve
from roundtable.formation.tests.mdgp_cases import instance_of


def _assert_state_exact(search: PairSearch) -> None:
    """The incrementally kept sums equal those recomputed from the labels."""
    fresh = PairSearch(search.p, np.random.default_rng(0))
    fresh.load(search.labels)
    np.testing.assert_allclose(search.mt, fresh.mt, atol=1e-7)
    assert np.array_equal(search.sizes, fresh.sizes)


def test_incremental_state_matches_a_recomputation():
    instance = instance_of(30, 4, [5, 6, 7, 5], [9, 9, 9, 9], seed=2)
    search = PairSearch(mdgp.as_pair_problem(instance), np.random.default_rng(2))
    search.load(search.random_labels())
    search.kick(40)
    labels, value = search.tabu(200, deadline=float("inf"))
    _assert_state_exact(search)
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))


@pytest.mark.parametrize(("n", "groups"), [(24, 4), (330, 11)])
def test_swap_only_tabu_search_keeps_its_state_exact(n, groups):
    size = n // groups
    instance = instance_of(n, groups, [size] * groups, [size] * groups, seed=6)
    search = PairSearch(mdgp.as_pair_problem(instance), np.random.default_rng(6))
    start = search.random_labels()
    search.load(start)
    labels, value = search.tabu(3 * n, deadline=float("inf"))
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))
    assert value >= mdgp.within_group_sum(instance, start)
    assert np.array_equal(np.bincount(search.labels, minlength=groups), [size] * groups)
    _assert_state_exact(search)


def test_swap_only_rounds_keep_the_size_profile_of_a_ds_instance():
    instance = instance_of(40, 5, [5, 6, 7, 5, 6], [10, 10, 9, 9, 8], seed=8)
    search = PairSearch(mdgp.as_pair_problem(instance), np.random.default_rng(8))
    start = search.random_labels()
    sizes = np.bincount(start, minlength=5)
    search.load(start)
    search.kick(30, moves=False)
    assert np.array_equal(np.bincount(search.labels, minlength=5), sizes)
    labels, value = search.tabu(200, deadline=float("inf"), swaps_only=True)
    assert np.array_equal(np.bincount(labels, minlength=5), sizes)
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))
    _assert_state_exact(search)
    # The next round may move elements again: the state is ready for the general search.
    labels, value = search.tabu(200, deadline=float("inf"))
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))
    _assert_state_exact(search)


@pytest.mark.parametrize("sizes", [[5, 5, 5, 5], [6, 5, 5, 5]])
def test_features_run_the_same_search_with_weight_one_over_size(sizes):
    rng = np.random.default_rng(9)
    x = rng.normal(size=(sum(sizes), 3))
    problem = PairProblem.from_features(x, sizes)
    search = PairSearch(problem, rng)
    search.load(search.random_labels())
    # The weighted pair sums are the within-circle sum of squares W.
    assert search.value() == pytest.approx(objective(x, search.labels))
    labels, value = search.tabu(300, deadline=float("inf"))
    assert value == pytest.approx(objective(x, labels))
    assert sorted(np.bincount(labels).tolist()) == sorted(sizes)
    _assert_state_exact(search)
    found = solve(problem, seed=3, rounds=3)
    assert found.value == pytest.approx(objective(x, found.labels))
    assert found.value >= value - 1e-9 or found.value == pytest.approx(value)


def test_equal_sizes_make_the_feature_and_pair_objectives_proportional():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(12, 2))
    labels = np.repeat(np.arange(3), 4)
    weighted = PairProblem.from_features(x, [4, 4, 4])
    plain = PairProblem(weighted.distances, weighted.lower, weighted.upper, weighted=False)
    assert weighted.value(labels) == pytest.approx(plain.value(labels) / 4)
    assert weighted.value(labels) == pytest.approx(objective(x, labels))
