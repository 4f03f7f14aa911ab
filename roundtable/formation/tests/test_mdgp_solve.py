"""MDGP rounds (`mdgp.solve`): the optimum on tiny instances, bounds kept, crossover children
valid, exact rounds deterministic, and the certified optima of MDGPLIB's small files."""

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.formation import mdgp
from roundtable.formation.tabu import PairSearch
from roundtable.formation.tests.mdgp_cases import bounded, instance_of, within_bounds

FILES = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "mdgplib"
needs_files = pytest.mark.skipif(not FILES.exists(), reason="../shared/benchmarks is absent")


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


def test_a_tiny_instance_is_solved_to_its_only_optimum():
    d = np.array([[0, 1, 2, 9], [1, 0, 8, 3], [2, 8, 0, 4], [9, 3, 4, 0]], dtype=float)
    instance = mdgp.Instance("tiny", d, np.array([2, 2]), np.array([2, 2]))
    # Pairings: {0,1}{2,3} = 5, {0,2}{1,3} = 5, {0,3}{1,2} = 17.
    solution = mdgp.solve(instance, rounds=2)
    assert solution.objective == 17
    assert solution.labels[0] == solution.labels[3] != solution.labels[1] == solution.labels[2]


@pytest.mark.parametrize(
    ("n", "lower", "upper"),
    [(8, [4, 4], [4, 4]), (8, [2, 2, 1], [4, 3, 5]), (7, [1, 1], [6, 6])],
)
def test_solve_matches_brute_force(n, lower, upper):
    instance = instance_of(n, len(lower), lower, upper, seed=n)
    solution = mdgp.solve(instance, seed=0, rounds=5)
    assert solution.objective == pytest.approx(_brute_force(instance))


@settings(max_examples=15, deadline=None)
@given(bounded(st.integers(4, 24), st.integers(2, 4)))
def test_every_solution_respects_the_bounds(case):
    instance, rng = case
    solution = mdgp.solve(instance, seed=int(rng.integers(1000)), rounds=4)
    assert within_bounds(instance, solution.labels)
    assert np.isclose(solution.objective, mdgp.within_group_sum(instance, solution.labels))


@settings(max_examples=15, deadline=None)
@given(bounded(st.integers(6, 30), st.integers(2, 5)))
def test_crossover_children_respect_the_bounds(case):
    instance, rng = case
    search = PairSearch(mdgp.as_pair_problem(instance), rng)
    first, second = search.random_labels(), search.random_labels()
    first = rng.permutation(np.repeat(np.arange(instance.groups), np.bincount(first)))
    assert within_bounds(instance, search.crossover(first, second))


def test_exact_rounds_are_deterministic_whatever_the_time_limit():
    instance = instance_of(40, 5, [6, 7, 8, 6, 7], [10, 9, 10, 9, 9], seed=3)
    # A time limit of zero would stop the search at once: with rounds it does not.
    a = mdgp.solve(instance, seed=4, time_limit=0.0, rounds=4)
    b = mdgp.solve(instance, seed=4, time_limit=0.0, rounds=4)
    assert np.array_equal(a.labels, b.labels)
    assert a.iterations == b.iterations == 4
    other = mdgp.solve(instance, seed=5, time_limit=0.0, rounds=4)
    assert not np.array_equal(a.labels, other.labels)


def test_progress_reports_the_share_of_rounds_run():
    instance = instance_of(24, 4, [6] * 4, [6] * 4, seed=5)
    shares: list[float] = []
    mdgp.solve(instance, seed=1, rounds=4, progress=shares.append)
    assert shares == [0.25, 0.5, 0.75, 1.0]


@needs_files
def test_reaches_the_certified_optimum_of_the_small_files():
    with (FILES / "peers.csv").open() as handle:
        known = {r["instance"]: float(r["best_known_here"]) for r in csv.DictReader(handle)}
    paths = sorted(FILES.glob("*_n01[02]_*.txt"))
    assert paths
    for path in paths:
        instance = mdgp.read(path)
        solution = mdgp.solve(instance, seed=1, rounds=5)
        assert solution.objective == pytest.approx(known[instance.name], abs=1e-3), instance.name
