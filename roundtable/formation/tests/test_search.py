"""The search (`search.form`): every answer keeps the planned sizes and every hard constraint,
tiny pools reach the optimum, and exact rounds make it deterministic whatever the time limit."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.formation.problem import Problem, objective, plan_sizes, violations
from roundtable.formation.search import form


@st.composite
def constrained_problems(draw):
    """(problem, seed): random people with together and apart pairs, weekly availability (slot 0
    suits everyone, which keeps it feasible) and two pinned people in circles 0 and 1."""
    n = draw(st.integers(8, 36))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    sizes = plan_sizes(n, size_range=(3, 5))
    people = rng.permutation(n)
    together = [(int(people[i]), int(people[i + 1])) for i in range(0, 4, 2)]
    pinned = [int(people[4]), int(people[5])]
    taken = {p for pair in together for p in pair} | set(pinned)
    apart = [
        (int(a), int(b))
        for a, b in rng.integers(0, n, size=(n // 3, 2))
        if a != b and not ({int(a), int(b)} & taken)
    ]
    availability = rng.random((n, 12)) < 0.7
    availability[:, 0] = True
    start = np.full(n, -1)
    start[pinned] = [0, 1]
    problem = Problem(
        x=rng.normal(size=(n, 3)),
        sizes=sizes,
        apart=apart,
        together=together,
        availability=availability,
        start=start,
        pinned=pinned,
    )
    return problem, seed


@settings(max_examples=30, deadline=None)
@given(constrained_problems())
def test_every_output_respects_sizes_and_hard_constraints(case):
    problem, seed = case
    result = form(problem, seed=seed, rounds=3)
    assert sorted(np.bincount(result.labels).tolist()) == sorted(problem.sizes)
    assert violations(problem, result.labels) == {
        "sizes": 0,
        "apart": 0,
        "together": 0,
        "pinned": 0,
        "availability": 0,
    }
    assert result.labels[problem.pinned].tolist() == [0, 1]
    for g, slot in enumerate(result.slots):
        assert problem.availability[result.labels == g, slot].all()


def _brute_force(x, sizes):
    template = np.repeat(np.arange(len(sizes)), sizes)
    return max(objective(x, np.array(p)) for p in set(itertools.permutations(template)))


@pytest.mark.parametrize("seed", range(5))
def test_finds_the_optimum_on_tiny_pools(seed):
    x = np.random.default_rng(seed).normal(size=(8, 3))
    result = form(x, [4, 4], seed=seed, rounds=20)
    assert np.isclose(result.objective, _brute_force(x, [4, 4]))


def test_exact_rounds_are_deterministic_whatever_the_time_limit():
    x = np.random.default_rng(1).normal(size=(40, 4))
    sizes = plan_sizes(40, size_range=(4, 6))
    # A time limit of zero would stop the search after its first round: with rounds it does not.
    a = form(x, sizes, seed=7, rounds=5, time_limit=0.0)
    b = form(x, sizes, seed=7, rounds=5, time_limit=0.0)
    assert np.array_equal(a.labels, b.labels)
    assert a.restarts == b.restarts == 5


def test_progress_reports_the_share_of_rounds_run():
    x = np.random.default_rng(2).normal(size=(12, 2))
    shares: list[float] = []
    form(x, [4, 4, 4], rounds=4, progress=shares.append)
    assert shares == [0.25, 0.5, 0.75, 1.0]


@settings(max_examples=25, deadline=None)
@given(st.integers(5, 40), st.integers(0, 1000))
def test_everyone_placed_in_planned_sizes(n, seed):
    x = np.random.default_rng(seed).normal(size=(n, 2))
    sizes = plan_sizes(n, size_range=(2, 5))
    result = form(x, sizes, seed=seed, rounds=2)
    assert sorted(np.bincount(result.labels).tolist()) == sorted(sizes)


def test_a_current_circle_without_a_shared_slot_is_kept_not_called_impossible():
    # Circle 0 holds two pinned people who share no slot (0: Monday only, 1: Tuesday only);
    # circle 1 holds two pinned people free on Monday; two newcomers free both days join.
    availability = np.array([[1, 0], [0, 1], [1, 1], [1, 1], [1, 0], [1, 0]], dtype=bool)
    start = np.array([0, 0, -1, -1, 1, 1])
    problem = Problem(
        x=np.arange(6.0)[:, None],
        sizes=[3, 3],
        availability=availability,
        start=start,
        pinned=[0, 1, 4, 5],
    )
    result = form(problem, rounds=3)
    assert result.labels[0] == result.labels[1] == 0
    assert result.labels[4] == result.labels[5] == 1
    assert result.slots == (-1, 0)  # circle 0 has no shared slot; circle 1 still shares Monday
