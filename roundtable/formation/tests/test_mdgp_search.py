"""The MDGP tabu search (`mdgp.search`): its incrementally kept state stays exact."""

import numpy as np
import pytest

from roundtable.formation import mdgp
from roundtable.formation.tests.mdgp_cases import instance_of


def _assert_state_exact(search, instance):
    """The incrementally kept sums equal those recomputed from the labels."""
    fresh = mdgp.TabuSearch(instance, np.random.default_rng(0))
    fresh.load(search.labels)
    assert np.allclose(search.m, fresh.m)
    assert np.allclose(search.mt, fresh.m.T)
    assert np.array_equal(search.base, fresh.base)


def test_incremental_state_matches_a_recomputation():
    instance = instance_of(30, 4, [5, 6, 7, 5], [9, 9, 9, 9], seed=2)
    search = mdgp.TabuSearch(instance, np.random.default_rng(2))
    search.load(search.random_labels())
    search.kick(40)
    labels, value = search.tabu(200, deadline=float("inf"))
    _assert_state_exact(search, instance)
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))


@pytest.mark.parametrize(("n", "groups"), [(24, 4), (330, 11)])
def test_swap_only_tabu_search_keeps_its_state_exact(n, groups):
    # Equal bounds take the swap-only search; n > 300 takes its row-maxima bookkeeping.
    size = n // groups
    instance = instance_of(n, groups, [size] * groups, [size] * groups, seed=6)
    search = mdgp.TabuSearch(instance, np.random.default_rng(6))
    start = search.random_labels()
    search.load(start)
    labels, value = search.tabu(3 * n, deadline=float("inf"))
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))
    assert value >= mdgp.within_group_sum(instance, start)
    assert np.array_equal(np.bincount(search.labels, minlength=groups), [size] * groups)
    _assert_state_exact(search, instance)


def test_swap_only_rounds_keep_the_size_profile_of_a_ds_instance():
    instance = instance_of(40, 5, [5, 6, 7, 5, 6], [10, 10, 9, 9, 8], seed=8)
    search = mdgp.TabuSearch(instance, np.random.default_rng(8))
    start = search.random_labels()
    sizes = np.bincount(start, minlength=5)
    search.load(start)
    search.kick(30, moves=False)
    assert np.array_equal(np.bincount(search.labels, minlength=5), sizes)
    labels, value = search.tabu(200, deadline=float("inf"), swaps_only=True)
    assert np.array_equal(np.bincount(labels, minlength=5), sizes)
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))
    _assert_state_exact(search, instance)
    # The next round may move elements again: the state is ready for the general search.
    labels, value = search.tabu(200, deadline=float("inf"))
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))
