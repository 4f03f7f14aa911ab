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
    d = rng.uniform(0, 100, size=(n, n))
    d = np.triu(d, 1)
    d = d + d.T
    return mdgp.Instance("random", d, np.array(lower), np.array(upper))


def test_reads_and_evaluates(tmp_path):
    path = _write(tmp_path, "4 2 ss 2 2 2 2\n0 1 1\n0 2 2\n0 3 3\n1 2 4\n1 3 5\n2 3 6\n")
    instance = mdgp.read(path)
    assert (instance.n, instance.groups) == (4, 2)
    assert mdgp.evaluate(instance, np.array([0, 1, 1, 0])) == 3 + 4
    with pytest.raises(ValueError, match="outside 2-2"):
        mdgp.evaluate(instance, np.array([0, 0, 0, 1]))
    assert mdgp.solve(instance, time_limit=0.1).objective == 3 + 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1 should be"),
        ("4 2 xx 2 2 2 2\n", "the kind must be 'ss' or 'ds'"),
        ("4 2 ss 3 3 3 3\n", "cannot fill groups of sizes 6-6"),
        ("3 1 ss 3 3\n0 1 1\n0 2 x\n1 2 1\n", "line 3 should be 'i j distance'"),
        ("3 1 ss 3 3\n0 1 1\n0 7 1\n1 2 1\n", "line 3: ids must be two different"),
        ("3 1 ss 3 3\n0 1 1\n0 2 nan\n1 2 1\n", "line 3: the distance is not a finite"),
        ("3 1 ss 3 3\n0 1 1\n1 2 1\n", "no distance is given for the pair 0 2"),
    ],
)
def test_bad_files_name_the_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        mdgp.read(_write(tmp_path, text))


@settings(max_examples=20, deadline=None)
@given(st.integers(6, 24), st.integers(2, 4), st.integers(0, 10_000))
def test_every_solution_respects_the_bounds(n, groups, seed):
    rng = np.random.default_rng(seed)
    lower = rng.integers(1, max(2, n // groups), groups)
    upper = lower + rng.integers(0, 4, groups)
    if lower.sum() > n or upper.sum() < n:
        upper = upper + (n - upper.sum() if upper.sum() < n else 0)
        lower = np.minimum(lower, upper)
    if lower.sum() > n:
        return
    instance = _instance(n, groups, lower, upper, seed)
    solution = mdgp.solve(instance, seed=seed, time_limit=0.2, max_iterations=5)
    sizes = np.bincount(solution.labels, minlength=groups)
    assert ((sizes >= lower) & (sizes <= upper)).all()
    assert np.isclose(solution.objective, mdgp.evaluate(instance, solution.labels))


def test_deterministic_for_a_seed_and_a_budget_of_rounds():
    instance = _instance(30, 5, [6] * 5, [6] * 5, seed=3)
    a = mdgp.solve(instance, seed=4, time_limit=30, max_iterations=5)
    b = mdgp.solve(instance, seed=4, time_limit=30, max_iterations=5)
    assert np.array_equal(a.labels, b.labels)


@needs_files
def test_reaches_the_certified_optimum_of_the_small_files():
    with (FILES / "peers.csv").open() as handle:
        known = {r["instance"]: float(r["best_known_here"]) for r in csv.DictReader(handle)}
    for path in sorted(FILES.glob("*_n01[02]_*.txt")):
        instance = mdgp.read(path)
        solution = mdgp.solve(instance, seed=1, time_limit=0.3)
        assert solution.objective == pytest.approx(known[instance.name]), instance.name
