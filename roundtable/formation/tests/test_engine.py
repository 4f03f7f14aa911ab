import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.formation.features import Feature, embed
from roundtable.formation.problem import objective, plan_sizes
from roundtable.formation.search import form


def test_plan_sizes():
    assert plan_sizes(20, size_range=(4, 6)) == [5, 5, 5, 5]
    assert plan_sizes(23, size_range=(4, 6)) == [6, 6, 6, 5]
    assert plan_sizes(10, groups=3) == [4, 3, 3]
    with pytest.raises(ValueError, match="7 people cannot be split into circles of 4-5"):
        plan_sizes(7, size_range=(4, 5))


def test_features_are_standardised_so_no_unit_dominates():
    x = embed(
        [
            Feature("tenure_days", "numeric", (100, 2000, 5000, 300)),
            Feature("years", "numeric", (1, 3, 9, 2)),
            Feature("department", "categorical", ("a", "b", "a", "c")),
            Feature("skills", "tags", (("x",), ("x", "y"), (), ("y",))),
        ],
        4,
    )
    assert np.allclose(x[:, 0].std(), 1.0)
    assert np.allclose(x[:, 1].std(), 1.0)
    # Different departments are exactly `weight` (1) apart in squared distance.
    assert np.isclose(((x[0, 2:5] - x[1, 2:5]) ** 2).sum(), 1.0)


def test_bad_feature_values_are_refused():
    with pytest.raises(ValueError, match="finite"):
        embed([Feature("years", "numeric", (1.0, float("nan")))], 2)
    with pytest.raises(ValueError, match="must be a number"):
        embed([Feature("years", "numeric", (1, "lots"))], 2)


def _brute_force(x, sizes):
    n = len(x)
    best = -1.0
    template = np.repeat(np.arange(len(sizes)), sizes)
    for perm in set(itertools.permutations(template)):
        best = max(best, objective(x, np.array(perm)))
    return best, n


@pytest.mark.parametrize("seed", range(5))
def test_finds_the_optimum_on_tiny_pools(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(8, 3))
    sizes = [4, 4]
    best, _ = _brute_force(x, sizes)
    result = form(x, sizes, seed=seed, max_restarts=20, time_limit=5)
    assert np.isclose(result.objective, best)


def test_deterministic_for_a_seed():
    x = np.random.default_rng(1).normal(size=(40, 4))
    a = form(x, plan_sizes(40, size_range=(4, 6)), seed=7, max_restarts=5, time_limit=10)
    b = form(x, plan_sizes(40, size_range=(4, 6)), seed=7, max_restarts=5, time_limit=10)
    assert np.array_equal(a.labels, b.labels)


@settings(max_examples=25, deadline=None)
@given(st.integers(5, 40), st.integers(0, 1000))
def test_everyone_placed_in_planned_sizes(n, seed):
    x = np.random.default_rng(seed).normal(size=(n, 2))
    sizes = plan_sizes(n, size_range=(2, 5))
    result = form(x, sizes, seed=seed, max_restarts=2, time_limit=2)
    assert sorted(np.bincount(result.labels).tolist()) == sorted(sizes)
