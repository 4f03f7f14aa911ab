"""Proposals (`proposal`, through `assess`): a grouping edited by hand is checked like a formed
one, each broken constraint counted and said in a sentence; the engine's own breaks none."""

import numpy as np
import pytest

from roundtable.formation import FormationError, Pool, Request, assess, form_circles
from roundtable.formation.features import Feature

IDS = ["ana", "ben", "cho", "dev", "eli", "fay"]
# ana manages ben; eli is free on Monday only, everyone else on Monday and Tuesday.
AVAILABILITY = np.array([[1, 1], [1, 1], [1, 1], [1, 1], [1, 0], [0, 1]], dtype=bool)
POOL = Pool(
    IDS,
    [Feature("department", "categorical", ("a", "a", "b", "b", "c", "c"))],
    managers={"ben": "ana"},
    roles=["lead", "lead", "lead", "rep", "rep", "rep"],
    availability=AVAILABILITY,
    slot_labels=("Monday 10:00", "Tuesday 10:00"),
    names={"ana": "Ana", "ben": "Ben"},
)
REQUEST = Request(
    size_range=(3, 3),
    apart=[("cho", "dev")],
    together=[("ana", "cho")],
    current={"ana": "c1", "ben": "c1", "cho": "c2"},
    pinned=["cho"],
)


def test_a_hand_edited_grouping_names_every_broken_constraint():
    # By hand: four in Blue (ana with her report ben, cho with dev, kept apart), two in Red
    # (eli and fay, who share no slot).
    hand = {"ana": "c1", "ben": "c1", "cho": "c1", "dev": "c1", "eli": "c2", "fay": "c2"}
    result = assess(POOL, REQUEST, hand, ["c1", "c2"], circle_names={"c1": "Blue", "c2": "Red"})
    assert list(result.issues) == [
        "Circle Blue has 4 people, outside 3-3.",
        "Circle Red has 2 people, outside 3-3.",
        "cho and dev are in one circle (kept apart).",
        "Ben and Ana are in one circle (manager and report).",
        "Circle Red has no weekly slot everyone can make.",
    ]
    assert result.constraints["sizes"] == {"checked": True, "circles": 2, "violations": 2}
    assert result.constraints["availability"] == {
        "checked": True,
        "violations": 1,
        "kept_without_slot": 0,
    }
    # Another hand edit: cho and dev together again, ana apart from cho.
    assignment = {"ana": "c1", "ben": "c1", "cho": "c2", "dev": "c2", "eli": "c2", "fay": "c1"}
    result = assess(POOL, REQUEST, assignment, ["c1", "c2"])
    assert list(result.issues) == [
        "cho and dev are in one circle (kept apart).",
        "Ben and Ana are in one circle (manager and report).",
        "Ana and cho are in different circles (kept together).",
    ]
    assert result.constraints["apart"] == {"checked": True, "pairs": 1, "violations": 1}
    assert result.constraints["managers_apart"] == {"checked": True, "pairs": 1, "violations": 1}
    assert result.constraints["together"] == {"checked": True, "pairs": 1, "violations": 1}
    assert result.constraints["pinned"] == {"checked": True, "people": 1, "violations": 0}
    assert result.moved == ()
    assert [c.slot for c in result.circles] == ["Tuesday 10:00", "Monday 10:00"]


def test_a_pinned_person_moved_by_hand_is_counted():
    assignment = {"ana": "c1", "ben": "c2", "cho": "c1", "dev": "c2", "eli": "c2", "fay": "c1"}
    result = assess(POOL, REQUEST, assignment, ["c1", "c2"])
    assert result.constraints["pinned"]["violations"] == 1
    assert result.moved == ("ben", "cho")


def test_mixed_roles_are_named_when_circles_keep_to_one_role():
    assignment = {"ana": "c1", "ben": "c2", "cho": "c1", "dev": "c2", "eli": "c2", "fay": "c1"}
    result = assess(POOL, Request(size_range=(3, 3), same_role=True), assignment, ["c1", "c2"])
    assert result.constraints["same_role"] == {"checked": True, "violations": 2}
    assert "Circle c1 mixes job roles." in result.issues


def test_the_engine_proposal_breaks_nothing_and_assesses_the_same():
    result = form_circles(POOL, Request(size_range=(3, 3), together=[("ana", "cho")], rounds=3))
    assert result.issues == ()
    assert all(check["violations"] == 0 for check in result.constraints.values())
    again = assess(
        POOL,
        Request(size_range=(3, 3), together=[("ana", "cho")]),
        result.assignment(),
        [c.key for c in result.circles],
    )
    assert again.constraints == result.constraints
    assert again.objective == pytest.approx(result.objective)


def test_someone_left_out_is_refused():
    with pytest.raises(FormationError, match="fay not placed in a circle"):
        assess(POOL, REQUEST, dict.fromkeys(IDS[:5], "c1"), ["c1", "c2"])
