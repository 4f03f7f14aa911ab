import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.formation import mdgp

FILES = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "mdgplib"
needs_files = pytest.mark.skipif(not FILES.exists(), reason="../shared/benchmarks is absent")


def _write(tmp_path, text):
    path = tmp_path / "instance.txt"
    path.write_text(text)
    return path


def _instance(n, groups, lower, upper, seed):
    rng = np.random.default_rng(seed)
    d = np.triu(rng.uniform(0, 100, size=(n, n)), 1)
    return mdgp.Instance("random", d + d.T, np.array(lower), np.array(upper))


def _brute_force(instance):
    """Best objective over every labelling (tiny instances only)."""
    best = -np.inf
    for code in range(instance.groups**instance.n):
        labels = np.array(
            [(code // instance.groups**k) % instance.groups for k in range(instance.n)]
        )
        sizes = np.bincount(labels, minlength=instance.groups)
        if ((sizes >= instance.lower) & (sizes <= instance.upper)).all():
            best = max(best, mdgp.within_group_sum(instance, labels))
    return best


def test_reads_and_evaluates(tmp_path):
    path = _write(tmp_path, "4 2 ss 2 2 2 2\n0 1 1\n0 2 2\n0 3 3\n1 2 4\n1 3 5\n2 3 6\n")
    instance = mdgp.read(path)
    assert (instance.n, instance.groups, instance.name) == (4, 2, "instance")
    assert instance.distances[3, 1] == instance.distances[1, 3] == 5
    assert mdgp.within_group_sum(instance, np.array([0, 1, 1, 0])) == 3 + 4
    with pytest.raises(ValueError, match="outside 2-2"):
        mdgp.within_group_sum(instance, np.array([0, 0, 0, 1]))
    with pytest.raises(ValueError, match="group number"):
        mdgp.within_group_sum(instance, np.array([0, 1, 2, 0]))
    assert mdgp.solve(instance, time_limit=0.1).objective == 3 + 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1 should be"),
        ("4 two ss 2 2 2 2\n", "line 1 should be"),
        ("4 2 xx 2 2 2 2\n", "the kind must be 'ss' or 'ds'"),
        ("4 2 ss 2 2 2\n", "two bounds per group"),
        ("4 2 ds 3 2 2 2\n", "1 <= a_g <= b_g"),
        ("4 2 ss 3 3 3 3\n", "cannot fill groups of sizes 6-6"),
        ("6 2 ds 1 2 1 2\n", "cannot fill groups of sizes 2-4"),
        ("3 1 ss 3 3\n0 1 1\n0 2 x\n1 2 1\n", "line 3 should be 'i j distance'"),
        ("3 1 ss 3 3\n0 1 1\n0 2\n1 2 1\n", "line 3 should be 'i j distance'"),
        ("3 1 ss 3 3\n0 1 1\n0 7 1\n1 2 1\n", "line 3: ids must be two different"),
        ("3 1 ss 3 3\n0 1 1\n1 1 1\n1 2 1\n", "line 3: ids must be two different"),
        ("3 1 ss 3 3\n0 1 1\n0 2 nan\n1 2 1\n", "line 3: the distance is not a finite"),
        ("3 1 ss 3 3\n0 1 1\n1 2 1\n", "no distance is given for the pair 0 2"),
    ],
)
def test_bad_files_name_the_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        mdgp.read(_write(tmp_path, text))


def test_best_profile_has_the_most_pairs():
    rng = np.random.default_rng(0)
    # A greedy fill of the largest group with room gives (10, 6): 60 pairs; (11, 5) has 65.
    sizes = mdgp.best_profile(np.array([1, 5]), np.array([20, 6]), 16, rng)
    assert sizes.tolist() == [11, 5]
    sizes = mdgp.best_profile(np.array([3, 3, 3]), np.array([3, 3, 3]), 9, rng)
    assert sizes.tolist() == [3, 3, 3]


@pytest.mark.parametrize(
    ("n", "lower", "upper"),
    [(8, [4, 4], [4, 4]), (8, [2, 2, 1], [4, 3, 5]), (7, [1, 1], [6, 6])],
)
def test_solve_matches_brute_force(n, lower, upper):
    instance = _instance(n, len(lower), lower, upper, seed=n)
    solution = mdgp.solve(instance, seed=0, time_limit=5, max_iterations=5)
    assert solution.objective == pytest.approx(_brute_force(instance))


@st.composite
def bounded(draw, sizes, group_counts):
    """(instance, rng): random distances and per-group bounds that n elements can always fill
    (every lower bound is below n / G, and the upper bounds are raised to cover n)."""
    n, groups, seed = draw(sizes), draw(group_counts), draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    lower = rng.integers(1, max(2, n // groups), groups)
    upper = lower + rng.integers(0, 4, groups)
    short = n - int(upper.sum())
    if short > 0:
        upper = upper + (short + groups - 1) // groups
    return _instance(n, groups, lower, upper, seed), rng


def _within_bounds(instance, labels):
    sizes = np.bincount(labels, minlength=instance.groups)
    return bool(((sizes >= instance.lower) & (sizes <= instance.upper)).all())


@settings(max_examples=15, deadline=None)
@given(bounded(st.integers(4, 24), st.integers(2, 4)))
def test_every_solution_respects_the_bounds(case):
    instance, rng = case
    solution = mdgp.solve(instance, seed=int(rng.integers(1000)), time_limit=0.5, max_iterations=4)
    assert _within_bounds(instance, solution.labels)
    assert np.isclose(solution.objective, mdgp.within_group_sum(instance, solution.labels))


@settings(max_examples=15, deadline=None)
@given(bounded(st.integers(6, 30), st.integers(2, 5)))
def test_crossover_children_respect_the_bounds(case):
    instance, rng = case
    search = mdgp.TabuSearch(instance, rng)
    first, second = search.random_labels(), search.random_labels()
    first = rng.permutation(np.repeat(np.arange(instance.groups), np.bincount(first)))
    assert _within_bounds(instance, mdgp.crossover(search, first, second))


def _assert_state_exact(search, instance):
    """The incrementally kept sums equal those recomputed from the labels."""
    fresh = mdgp.TabuSearch(instance, np.random.default_rng(0))
    fresh.load(search.labels)
    assert np.allclose(search.m, fresh.m)
    assert np.allclose(search.mt, fresh.m.T)
    assert np.array_equal(search.base, fresh.base)


def test_incremental_state_matches_a_recomputation():
    instance = _instance(30, 4, [5, 6, 7, 5], [9, 9, 9, 9], seed=2)
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
    instance = _instance(n, groups, [size] * groups, [size] * groups, seed=6)
    search = mdgp.TabuSearch(instance, np.random.default_rng(6))
    start = search.random_labels()
    search.load(start)
    labels, value = search.tabu(3 * n, deadline=float("inf"))
    assert value == pytest.approx(mdgp.within_group_sum(instance, labels))
    assert value >= mdgp.within_group_sum(instance, start)
    assert np.array_equal(np.bincount(search.labels, minlength=groups), [size] * groups)
    _assert_state_exact(search, instance)


def test_swap_only_rounds_keep_the_size_profile_of_a_ds_instance():
    instance = _instance(40, 5, [5, 6, 7, 5, 6], [10, 10, 9, 9, 8], seed=8)
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


def test_deterministic_for_a_seed_and_a_budget_of_rounds():
    instance = _instance(40, 5, [6, 7, 8, 6, 7], [10, 9, 10, 9, 9], seed=3)
    a = mdgp.solve(instance, seed=4, time_limit=30, max_iterations=4)
    b = mdgp.solve(instance, seed=4, time_limit=30, max_iterations=4)
    assert np.array_equal(a.labels, b.labels)
    assert a.iterations == b.iterations == 4


def test_time_limit_and_progress():
    instance = _instance(120, 10, [12] * 10, [12] * 10, seed=5)
    shares: list[float] = []
    solution = mdgp.solve(instance, seed=1, time_limit=0.3, progress=shares.append)
    assert solution.seconds < 0.3 + 0.15
    assert shares
    assert all(0 <= s <= 1 for s in shares)


@needs_files
def test_reaches_the_certified_optimum_of_the_small_files():
    with (FILES / "peers.csv").open() as handle:
        known = {r["instance"]: float(r["best_known_here"]) for r in csv.DictReader(handle)}
    paths = sorted(FILES.glob("*_n01[02]_*.txt"))
    assert paths
    for path in paths:
        instance = mdgp.read(path)
        solution = mdgp.solve(instance, seed=1, time_limit=2, max_iterations=5)
        assert solution.objective == pytest.approx(known[instance.name], abs=1e-3), instance.name
