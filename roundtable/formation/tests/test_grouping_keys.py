"""Circle keys from `form_circles` are distinct even when the current circles' keys look like
the ones new circles get ("new-1" for people pinned in a proposed, unpublished circle)."""

from collections import Counter

from roundtable.formation import Request, form_circles
from roundtable.formation.synthetic import employee_pool


def test_new_circles_never_take_a_current_circles_key():
    pool = employee_pool(19, seed=3, availability=False)
    first = form_circles(pool, Request(size_range=(4, 6), seed=1, rounds=2))
    assert [c.key for c in first.circles] == ["new-1", "new-2", "new-3", "new-4"]
    mover = next(p for p, key in first.assignment().items() if key != "new-1")
    second = form_circles(
        pool,
        Request(size_range=(4, 6), current={mover: "new-1"}, pinned=[mover], seed=2, rounds=2),
    )
    keys = [c.key for c in second.circles]
    assert sorted(keys) == ["new-1", "new-2", "new-3", "new-4"]
    assert second.assignment()[mover] == "new-1"
    assert sorted(Counter(second.assignment().values()).values()) == [4, 5, 5, 5]


def test_a_current_circle_split_by_role_continues_in_one_part_only():
    pool = employee_pool(24, seed=4, availability=False)
    roles = ["a" if i % 2 else "b" for i in range(24)]
    pool = type(pool)(pool.ids, pool.features, roles=roles)
    # One current circle "new-2" holds two people of each role, both pinned.
    held = [pool.ids[0], pool.ids[1], pool.ids[2], pool.ids[3]]
    result = form_circles(
        pool,
        Request(
            size_range=(4, 6),
            same_role=True,
            current=dict.fromkeys(held, "new-2"),
            seed=1,
            rounds=2,
        ),
    )
    keys = [c.key for c in result.circles]
    assert len(keys) == len(set(keys))
    assert sum(len(c.members) for c in result.circles) == 24
