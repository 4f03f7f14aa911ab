"""The input by id (`pool`): every problem with a request named at once; pairs by index."""

from roundtable.formation import Pool, Request
from roundtable.formation.features import Feature
from roundtable.formation.pool import index_pairs, validate

POOL = Pool(
    ["ana", "ben", "cho", "dev"],
    [Feature("x", "numeric", (1, 2, 3, 4))],
    managers={"ben": "ana", "dev": "cho", "cho": "cho"},
)


def test_every_problem_with_the_input_is_reported_at_once():
    pool = Pool(["a", "b", "a"], [Feature("x", "numeric", (1, 2, 3))], roles=["r"])
    request = Request(
        apart=[("a", "zed")],
        together=[("a", "zed")],
        pinned=["b", "nobody"],
        current={"a": "c1"},
        same_role=True,
    )
    assert validate(pool, request) == [
        "Duplicate ids: a.",
        "The apart pair a–zed names unknown ids: zed.",
        "The together pair a–zed names unknown ids: zed.",
        "a and zed are both kept together and kept apart.",
        "b is pinned but is not in a circle yet.",
        "Pinned id nobody is not in the pool.",
        "Every person needs a role for 'same role only'.",
        "Give a number of circles or a size range.",
    ]


def test_a_usable_request_has_no_problem():
    assert validate(POOL, Request(size_range=(2, 2), apart=[("ana", "dev")])) == []


def test_pairs_become_indices_with_managers_apart_when_asked():
    index = {person: i for i, person in enumerate(POOL.ids)}
    request = Request(apart=[("ana", "dev")], together=[("ben", "cho")])
    # Nobody is kept apart from themselves (cho is listed as their own manager).
    assert index_pairs(POOL, request, index) == ([(0, 3)], [(1, 0), (3, 2)], [(1, 2)])
    no_managers = Request(apart=[("ana", "dev")], managers_apart=False)
    assert index_pairs(POOL, no_managers, index) == ([(0, 3)], [], [])
