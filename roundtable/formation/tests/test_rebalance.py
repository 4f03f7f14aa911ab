"""Re-balancing with a move budget (`formation.rebalance`): the budget holds, pinned people stay,
rules that hold keep holding, each step's gain is the objective's true change, and a grouping
with nothing to gain is left alone with a message saying so."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from roundtable.formation.constraints import breaches
from roundtable.formation.problem import FormationError, Problem, objective
from roundtable.formation.rebalance import Plan, rebalance

SIZE_RANGE = (4, 6)


def _pool(seed: int, *, n: int = 26, k: int = 5, slots: int = 6) -> tuple[Problem, list[str]]:
    """Circles of 4-6 made badly on purpose (sorted by the first feature), with kept-apart and
    kept-together pairs (some holding, some broken), availability and job roles (some circles
    of one role), and a few pinned people."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    sizes = [4] * k
    for _ in range(n - 4 * k):
        sizes[int(rng.integers(k))] += 1
    order = np.argsort(x[:, 0])
    labels = np.empty(n, dtype=np.int64)
    labels[order] = np.repeat(np.arange(k), sizes)
    pairs: list[tuple[int, int]] = []
    for _ in range(12):
        i, j = (int(v) for v in rng.choice(n, 2, replace=False))
        pairs.append((i, j))
    apart = list(pairs[:8])
    together = [p for p in pairs[8:] if p not in apart and p[::-1] not in apart]
    availability = rng.random((n, slots)) < 0.75
    roles = [("Engineer" if labels[i] % 2 else "Analyst") for i in range(n)]
    roles[int(rng.integers(n))] = "Designer"
    pinned = [int(p) for p in rng.choice(n, 3, replace=False)]
    problem = Problem(
        x=x,
        sizes=sizes,
        apart=apart,
        together=together,
        availability=availability,
        start=labels,
        pinned=pinned,
    )
    return problem, roles


def _broken(problem: Problem, labels: np.ndarray, roles: list[str]) -> set[tuple[object, ...]]:
    """Every broken rule, named so that the same rule broken before and after compares equal."""
    found = breaches(
        labels,
        int(np.asarray(problem.start).max()) + 1,
        size_range=SIZE_RANGE,
        apart=problem.apart,
        together=problem.together,
        roles=roles,
        availability=problem.availability,
        start=problem.start,
        pinned=problem.pinned,
    )
    return {(b.kind, b.people if b.people else b.circle) for b in found}


def _plan(problem: Problem, roles: list[str] | None, budget: int) -> Plan:
    return rebalance(problem, budget=budget, size_range=SIZE_RANGE, roles=roles, time_limit=30)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("budget", [1, 2, 4, 9])
def test_a_plan_keeps_the_budget_the_pins_and_every_rule_that_held(seed, budget):
    problem, roles = _pool(seed)
    start = np.asarray(problem.start)
    plan = _plan(problem, roles, budget)
    touched = {p for step in plan.steps for p in step.people}
    assert len(touched) <= budget
    assert set(plan.moved) == touched
    assert sum(step.new_people for step in plan.steps) == len(plan.moved)
    assert not touched & set(problem.pinned)
    assert (plan.labels[list(problem.pinned)] == start[list(problem.pinned)]).all()
    assert _broken(problem, plan.labels, roles) <= _broken(problem, start, roles)
    assert np.bincount(plan.labels).min() >= 1


@pytest.mark.parametrize("seed", range(8))
def test_each_steps_gain_is_the_objective_recomputed_and_positive(seed):
    problem, roles = _pool(seed)
    plan = _plan(problem, roles, 6)
    assert plan.steps, "a badly made grouping has something to gain"
    labels = np.asarray(problem.start).copy()
    value = objective(problem.x, labels)
    for step in plan.steps:
        assert step.gain > 0
        assert (labels[list(step.people)] == step.origin).all()
        labels[list(step.people)] = step.target
        after = objective(problem.x, labels)
        assert after - value == pytest.approx(step.gain, abs=1e-9)
        value = after
    assert (labels == plan.labels).all()
    assert plan.objective_after == pytest.approx(value, abs=1e-9)
    assert plan.gain == pytest.approx(sum(s.gain for s in plan.steps), abs=1e-9)
    assert 0 < plan.share <= 1


def test_the_first_step_pays_best_per_person_of_every_move_and_swap_allowed():
    problem, roles = _pool(2)
    start = np.asarray(problem.start)
    held = _broken(problem, start, roles)
    value = objective(problem.x, start)
    free = [p for p in range(problem.n) if p not in problem.pinned]
    best = 0.0
    for person in free:
        for circle in range(int(start.max()) + 1):
            labels = start.copy()
            labels[person] = circle
            if _broken(problem, labels, roles) <= held:
                best = max(best, objective(problem.x, labels) - value)
    for p, q in itertools.combinations(free, 2):
        labels = start.copy()
        labels[[p, q]] = start[[q, p]]
        if _broken(problem, labels, roles) <= held:
            best = max(best, (objective(problem.x, labels) - value) / 2)
    first = _plan(problem, roles, 8).steps[0]
    assert first.gain / first.new_people == pytest.approx(best, abs=1e-9)


def test_with_one_person_to_move_the_plan_finds_the_best_single_move():
    problem, roles = _pool(5)
    start = np.asarray(problem.start)
    held = _broken(problem, start, roles)
    best = 0.0
    for person, circle in itertools.product(range(problem.n), range(int(start.max()) + 1)):
        labels = start.copy()
        labels[person] = circle
        if _broken(problem, labels, roles) <= held and person not in problem.pinned:
            best = max(best, objective(problem.x, labels) - objective(problem.x, start))
    plan = _plan(problem, roles, 1)
    assert best > 0
    assert plan.gain == pytest.approx(best, abs=1e-9)
    assert len(plan.moved) == 1


def test_people_kept_together_move_as_one_and_count_each():
    x = np.array([[0.0], [0.1], [0.2], [0.3], [5.0], [5.1], [5.2], [5.3]])
    problem = Problem(
        x=x, sizes=[4, 4], together=[(0, 1)], start=np.array([0, 0, 0, 0, 1, 1, 1, 1])
    )
    plan = rebalance(problem, budget=2, size_range=(2, 6))
    assert plan.steps
    for step in plan.steps:
        assert ({0, 1} <= set(step.people)) or not ({0, 1} & set(step.people))
    assert plan.labels[0] == plan.labels[1]
    assert len(plan.moved) <= 2


def test_a_swap_never_puts_someone_with_a_person_kept_apart_from_them():
    x = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]])
    apart = [(i, j) for i in (0, 1, 2) for j in (4, 5)]
    problem = Problem(x=x, sizes=[3, 3], apart=apart, start=np.array([0, 0, 0, 1, 1, 1]))
    # Every swap would put one of 0-2 with 4 or 5; sizes 3-3 allow no move.
    assert rebalance(problem, budget=2, size_range=(3, 3)).steps == ()
    # Free 2 of its rules: 2 and 3 may swap (3 has none); 4 and 5 still may not join 0 and 1.
    free = Problem(x=x, sizes=[3, 3], apart=[p for p in apart if 2 not in p], start=problem.start)
    plan = rebalance(free, budget=2, size_range=(3, 3))
    assert [set(s.people) for s in plan.steps] == [{2, 3}]


def test_a_swap_keeps_a_shared_slot_on_both_sides():
    x = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]])
    # Circle 0 meets in slot 0 only, circle 1 in slot 1 only; person 5 can do both.
    availability = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 1]], dtype=bool)
    problem = Problem(
        x=x, sizes=[3, 3], availability=availability, start=np.array([0, 0, 0, 1, 1, 1])
    )
    plan = rebalance(problem, budget=2, size_range=(3, 3))
    # Only 5 may join circle 0, and whoever leaves it must then share slot 1 with 3 and 4:
    # nobody in circle 0 can, so no swap keeps both circles meeting.
    assert plan.steps == ()
    both = availability.copy()
    both[0] = True
    plan = rebalance(
        Problem(x=x, sizes=[3, 3], availability=both, start=problem.start),
        budget=2,
        size_range=(3, 3),
    )
    assert [set(s.people) for s in plan.steps] == [{0, 5}]


def test_a_budget_of_zero_moves_nobody():
    problem, roles = _pool(1)
    plan = _plan(problem, roles, 0)
    assert plan.steps == ()
    assert (plan.labels == np.asarray(problem.start)).all()
    assert plan.gain == 0
    assert "nobody" in plan.message


def test_an_optimal_grouping_has_nothing_to_gain():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(8, 2))
    # The best split of 8 people into two circles of 4, found by trying every one.
    best = max(
        itertools.combinations(range(8), 4),
        key=lambda left: objective(x, np.isin(np.arange(8), left).astype(np.int64)),
    )
    labels = np.isin(np.arange(8), best).astype(np.int64)
    problem = Problem(x=x, sizes=[4, 4], start=labels)
    plan = rebalance(problem, budget=8, size_range=(4, 4))
    assert plan.steps == ()
    assert plan.message.startswith("Nothing to gain")
    assert (plan.labels == labels).all()


def test_nobody_free_to_move_is_said_plainly():
    x = np.arange(8, dtype=float)[:, None]
    problem = Problem(x=x, sizes=[4, 4], start=np.repeat([0, 1], 4), pinned=list(range(8)))
    plan = rebalance(problem, budget=3, size_range=(4, 4))
    assert plan.steps == ()
    assert "Nobody may move" in plan.message


def test_bad_input_is_named():
    x = np.zeros((4, 1))
    with pytest.raises(FormationError, match="current circle"):
        rebalance(Problem(x=x, sizes=[4]), budget=1, size_range=(2, 4))
    with pytest.raises(FormationError, match="0 or more"):
        rebalance(Problem(x=x, sizes=[4], start=np.zeros(4, int)), budget=-1, size_range=(2, 4))
    start = np.array([0, 0, 0, -1])
    with pytest.raises(FormationError, match="Everyone must be in a circle"):
        rebalance(Problem(x=x, sizes=[4], start=start), budget=1, size_range=(2, 4))


def test_an_empty_pool_and_one_circle_are_trivial():
    empty = Problem(x=np.zeros((0, 2)), sizes=[], start=np.zeros(0, dtype=np.int64))
    assert rebalance(empty, budget=3, size_range=(2, 4)).steps == ()
    one = Problem(x=np.eye(4), sizes=[4], start=np.zeros(4, dtype=np.int64))
    plan = rebalance(one, budget=3, size_range=(2, 4))
    assert plan.steps == ()
    assert plan.message.startswith("Nothing to gain")


def test_the_time_limit_cuts_a_plan_short_and_says_so():
    problem, roles = _pool(3)
    plan = rebalance(problem, budget=6, size_range=SIZE_RANGE, roles=roles, time_limit=0)
    assert plan.stopped_early
    assert len(plan.steps) == 1  # the first step is always looked for
    assert plan.steps == _plan(problem, roles, 6).steps[:1]
    assert "time limit ended the search after 1 step" in plan.message


def test_many_people_swap_within_the_candidate_limit():
    rng = np.random.default_rng(7)
    n, k = 2000, 400
    x = rng.normal(size=(n, 4))
    labels = np.empty(n, dtype=np.int64)
    labels[np.argsort(x[:, 0])] = np.repeat(np.arange(k), n // k)
    problem = Problem(x=x, sizes=[5] * k, start=labels)
    plan = rebalance(problem, budget=6, size_range=(5, 5), time_limit=30)
    assert [s.kind for s in plan.steps] == ["swap"] * 3
    assert plan.gain > 0
