"""Formation by id (`grouping`): roles, managers, re-balancing with pins, and every reason a
request cannot be met, by id. Searches run exact rounds (fast and deterministic)."""

import pytest

from roundtable.formation import FormationError, Infeasible, Pool, Request, form_circles
from roundtable.formation.features import Feature
from roundtable.formation.synthetic import employee_pool


def test_pinned_people_never_move_and_rebalancing_moves_few():
    pool = employee_pool(60, seed=3, availability=False)
    first = form_circles(pool, Request(size_range=(4, 6), seed=1, rounds=3))
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
        Request(size_range=(4, 6), current=remaining, pinned=pinned, seed=2, rounds=3),
    )
    after = second.assignment()
    assert after[pinned[0]] == remaining[pinned[0]]
    assert second.constraints["pinned"]["violations"] == 0
    assert len(second.moved) < len(remaining) // 3
    # Every running circle goes on (none is dissolved to make room for the joiners).
    assert set(after.values()) >= set(remaining.values())
    assert {"new0", "new1", "new2"} <= set(after)


def test_same_role_only_forms_within_each_role():
    pool = employee_pool(40, seed=5, availability=False)
    roles = ["nurse" if i % 2 else "pharmacist" for i in range(40)]
    result = form_circles(
        Pool(pool.ids, pool.features, roles=roles),
        Request(size_range=(4, 6), same_role=True, rounds=3),
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


def test_managers_and_reports_are_kept_apart_by_default():
    pool = employee_pool(120, seed=8)
    result = form_circles(pool, Request(size_range=(4, 6), rounds=3))
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


def test_rebalancing_a_settled_grouping_moves_nobody():
    pool = employee_pool(48, seed=11, availability=False)
    first = form_circles(pool, Request(size_range=(4, 6), seed=1, rounds=3))
    again = form_circles(
        pool, Request(size_range=(4, 6), current=first.assignment(), seed=2, rounds=3)
    )
    assert again.moved == ()
    assert again.assignment() == first.assignment()


def test_a_manager_kept_together_with_a_report_is_explained():
    pool = Pool(
        ["ana", "ben", "cho", "dev"],
        [Feature("x", "numeric", (1, 2, 3, 4))],
        managers={"ben": "ana"},
    )
    with pytest.raises(Infeasible, match="ben and ana must be kept together, but one manages"):
        form_circles(pool, Request(size_range=(2, 2), together=[("ana", "ben")], rounds=2))
    # Allowed to share a circle, they are placed together.
    result = form_circles(
        pool, Request(size_range=(2, 2), together=[("ana", "ben")], managers_apart=False, rounds=2)
    )
    assert result.assignment()["ana"] == result.assignment()["ben"]
    assert result.constraints["managers_apart"] == {"checked": False, "pairs": 0, "violations": 0}


def test_the_same_seed_and_rounds_give_the_same_circles_whatever_the_time_limit():
    pool = employee_pool(30, seed=4)
    request = Request(size_range=(4, 6), seed=9, rounds=4, time_limit=0.0)
    assert form_circles(pool, request).assignment() == form_circles(pool, request).assignment()


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
