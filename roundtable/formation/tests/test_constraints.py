import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.formation import Pool, Request, form_circles
from roundtable.formation.features import Feature
from roundtable.formation.problem import (
    FormationError,
    Infeasible,
    Problem,
    plan_sizes,
    violations,
)
from roundtable.formation.search import form
from roundtable.formation.synthetic import employee_pool


@st.composite
def constrained_problems(draw):
    n = draw(st.integers(8, 36))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    sizes = plan_sizes(n, size_range=(3, 5))
    people = rng.permutation(n)
    together = [(int(people[i]), int(people[i + 1])) for i in range(0, min(4, n - 1), 2)]
    in_pairs = {p for pair in together for p in pair}
    apart = [
        (int(a), int(b))
        for a, b in rng.integers(0, n, size=(n // 3, 2))
        if a != b and not ({int(a), int(b)} & in_pairs)
    ]
    availability = rng.random((n, 12)) < 0.7
    availability[:, 0] = True  # one slot everyone can make keeps it feasible
    return Problem(
        x=rng.normal(size=(n, 3)),
        sizes=sizes,
        apart=apart,
        together=together,
        availability=availability,
    ), seed


@settings(max_examples=30, deadline=None)
@given(constrained_problems())
def test_every_output_respects_sizes_and_hard_constraints(case):
    problem, seed = case
    result = form(problem, seed=seed, time_limit=2, max_restarts=3)
    assert sorted(np.bincount(result.labels).tolist()) == sorted(problem.sizes)
    assert violations(problem, result.labels) == {
        "sizes": 0,
        "apart": 0,
        "together": 0,
        "pinned": 0,
        "availability": 0,
    }
    for g, slot in enumerate(result.slots):
        assert problem.availability[result.labels == g, slot].all()


def test_contradictory_pairs_are_explained():
    x = np.zeros((6, 1))
    problem = Problem(x=x, sizes=[3, 3], together=[(0, 1), (1, 2)], apart=[(0, 2)])
    with pytest.raises(Infeasible, match="person 1 and person 3 must be kept apart"):
        form(problem)


def test_a_together_group_bigger_than_any_circle_is_explained():
    problem = Problem(x=np.zeros((8, 1)), sizes=[4, 4], together=[(i, i + 1) for i in range(4)])
    with pytest.raises(Infeasible, match="that is 5 people and circles hold at most 4"):
        form(problem)


def test_availability_nobody_shares_is_explained():
    availability = np.eye(8, 4, dtype=bool)
    availability[4:, 3] = True
    names = [f"P{i}" for i in range(8)]
    problem = Problem(x=np.zeros((8, 1)), sizes=[4, 4], availability=availability, names=names)
    with pytest.raises(Infeasible) as caught:
        form(problem, time_limit=0.5)
    assert "P0 shares a weekly slot with only 0 other people" in caught.value.problems[0]


def test_someone_without_any_slot_is_named():
    availability = np.ones((4, 3), dtype=bool)
    availability[2] = False
    problem = Problem(x=np.zeros((4, 1)), sizes=[4], availability=availability)
    with pytest.raises(Infeasible, match="person 3 has no available weekly slot"):
        form(problem)


def test_pinned_people_never_move_and_rebalancing_moves_few():
    pool = employee_pool(60, seed=3, availability=False)
    first = form_circles(pool, Request(size_range=(4, 6), seed=1, time_limit=1))
    current = first.assignment()
    # Five people leave, three join (new ids), one person is pinned.
    leavers = set(list(current)[:5])
    keep = [i for i, p in enumerate(pool.ids) if p not in leavers]
    joiners = employee_pool(3, seed=99, availability=False)
    ids = [pool.ids[i] for i in keep] + [f"new{i}" for i in range(3)]
    features = [
        Feature(f.name, f.kind, tuple(f.values[i] for i in keep) + g.values, f.weight)
        for f, g in zip(pool.features, joiners.features, strict=True)
    ]
    pinned = [ids[0]]
    remaining = {p: c for p, c in current.items() if p not in leavers}
    second = form_circles(
        Pool(ids, features),
        Request(size_range=(4, 6), current=remaining, pinned=pinned, seed=2, time_limit=1),
    )
    after = second.assignment()
    assert after[pinned[0]] == remaining[pinned[0]]
    assert second.constraints["pinned"]["violations"] == 0
    assert len(second.moved) < len(remaining) // 3
    assert set(after.values()) >= set(remaining.values()) - {None}


def test_same_role_only_forms_within_each_role():
    pool = employee_pool(40, seed=5, availability=False)
    roles = ["nurse" if i % 2 else "pharmacist" for i in range(40)]
    result = form_circles(
        Pool(pool.ids, pool.features, roles=roles),
        Request(size_range=(4, 6), same_role=True, time_limit=0.5),
    )
    role_of = dict(zip(pool.ids, roles, strict=True))
    for circle in result.circles:
        assert len({role_of[p] for p in circle.members}) == 1
    assert result.constraints["same_role"] == {"checked": True, "violations": 0}


def test_a_role_too_small_for_a_circle_is_named():
    pool = employee_pool(11, seed=5, availability=False)
    roles = ["nurse"] * 8 + ["pharmacist"] * 3
    with pytest.raises(FormationError, match="Role 'pharmacist' has 3 people"):
        form_circles(
            Pool(pool.ids, pool.features, roles=roles),
            Request(size_range=(4, 6), same_role=True),
        )


def test_bad_ids_and_contradictions_are_all_reported():
    pool = Pool(["a", "b", "a"], [Feature("x", "numeric", (1, 2, 3))])
    with pytest.raises(FormationError) as caught:
        form_circles(
            pool,
            Request(size_range=(1, 3), apart=[("a", "zed")], together=[("a", "zed")]),
        )
    text = " ".join(caught.value.problems)
    assert "Duplicate ids: a" in text
    assert "unknown ids: zed" in text
    assert "both kept together and kept apart" in text


def test_managers_and_reports_are_kept_apart_by_default():
    pool = employee_pool(120, seed=8)
    result = form_circles(pool, Request(size_range=(4, 6), time_limit=1))
    where = result.assignment()
    assert pool.managers
    assert all(where[p] != where[m] for p, m in pool.managers.items())
    assert result.constraints["managers_apart"]["violations"] == 0
    assert result.constraints["availability"] == {
        "checked": True,
        "violations": 0,
        "kept_without_slot": 0,
    }
    assert all(circle.slot for circle in result.circles)
    assert all("of 7 departments" in circle.why for circle in result.circles)


def test_a_current_circle_without_a_shared_slot_is_kept_not_called_impossible():
    # Circle 0 holds two pinned people who share no slot; two newcomers join.
    availability = np.array([[1, 0], [0, 1], [1, 1], [1, 1], [1, 0], [1, 0]], dtype=bool)
    start = np.array([0, 0, -1, -1, 1, 1])
    problem = Problem(
        x=np.arange(6.0)[:, None],
        sizes=[3, 3],
        availability=availability,
        start=start,
        pinned=[0, 1, 4, 5],
    )
    result = form(problem, time_limit=0.5)
    assert result.labels[0] == result.labels[1] == 0
    assert result.labels[4] == result.labels[5] == 1
    assert result.slots[1] == 0  # the other circle still shares Monday


def test_rebalancing_a_settled_grouping_moves_nobody():
    pool = employee_pool(48, seed=11, availability=False)
    first = form_circles(pool, Request(size_range=(4, 6), seed=1, time_limit=1))
    again = form_circles(
        pool, Request(size_range=(4, 6), current=first.assignment(), seed=2, time_limit=1)
    )
    assert again.moved == ()
    assert again.assignment() == first.assignment()
