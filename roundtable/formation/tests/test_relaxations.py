"""What would make a failed formation possible (`relaxations`): the conflicts by id, and only the
relaxations the engine found a valid grouping with, each checked here with the engine again."""

import time
from dataclasses import replace

import numpy as np
import pytest

from roundtable.formation import Feature, FormationError, Infeasible, Pool, Request, form_circles
from roundtable.formation.diagnosis import APART, SIZE, SLOT
from roundtable.formation.relaxations import (
    APART_DROP,
    RETRY,
    SLOT_EXEMPT,
    SLOT_OFF,
    SLOT_WIDEN,
    SMALLER,
    Relaxation,
    conflicts_named,
    explain,
    is_valid,
    relax,
)

SLOTS = ("Tuesday 14:00", "Thursday 14:00", "Friday 08:00")


def pool_of(availability, *, managers=None, names=None):
    n = len(availability)
    ids = [f"p{i}" for i in range(n)]
    rng = np.random.default_rng(0)
    return Pool(
        ids=ids,
        features=[Feature("Experience", "numeric", tuple(rng.random(n).tolist()), 1.0)],
        managers=managers or {},
        availability=np.asarray(availability, dtype=bool),
        slot_labels=SLOTS,
        names={**{p: f"Person {i}" for i, p in enumerate(ids)}, **(names or {})},
    )


def mei_and_hiroshi(n=16):
    """Mei and Hiroshi can make only Friday 08:00, with Sam; everyone else meets on Tuesday."""
    availability = np.zeros((n, 3), dtype=bool)
    availability[2:, 0] = True
    availability[3::2, 1] = True
    availability[:3, 2] = True
    names = {"p0": "Mei Clarke", "p1": "Hiroshi Kim", "p2": "Sam Okoro"}
    return pool_of(availability, names=names)


REQUEST = Request(size_range=(4, 6), seed=3, time_limit=1.0)


def explain_roomy(pool, request):
    """With room to spare, so that a busy machine changes nothing (the budget is tested on
    its own)."""
    return explain(pool, request, budget=60.0, per_try=1.0)


def offered(explanation):
    return {r.kind: r for r in explanation.relaxations}


def test_the_people_and_the_rules_in_conflict_are_named():
    pool = mei_and_hiroshi()
    with pytest.raises(Infeasible):
        form_circles(pool, REQUEST)
    explanation = explain_roomy(pool, REQUEST)
    [conflict] = explanation.conflicts
    assert conflict.people == ("p0", "p1")
    assert conflict.rules == (SLOT, SIZE)
    assert conflict.message.startswith("Mei Clarke and Hiroshi Kim share no weekly slot with any")


def test_every_relaxation_offered_works_and_the_request_without_it_does_not():
    pool = mei_and_hiroshi()
    explanation = explain_roomy(pool, REQUEST)
    kinds = offered(explanation)
    assert set(kinds) == {SMALLER, SLOT_EXEMPT, SLOT_WIDEN}
    assert not is_valid(pool, REQUEST)
    for relaxation in explanation.relaxations:
        assert is_valid(*relax(pool, REQUEST, relaxation)), relaxation.label
    assert kinds[SMALLER].label == "Allow circles of 3"
    assert kinds[SMALLER].detail == "5 circles of 3–4 people; the smallest allowed was 4."
    assert kinds[SLOT_EXEMPT].label == "Drop the slot rule for Mei Clarke and Hiroshi Kim"
    assert kinds[SLOT_EXEMPT].people == ("p0", "p1")
    widen = [r for r in explanation.relaxations if r.kind == SLOT_WIDEN]
    # Thursday suits only people Tuesday suits: not offered as a second, different choice.
    assert [r.label for r in widen] == ["Ask Mei Clarke and Hiroshi Kim to make Tuesday 14:00 too"]
    # The rule for everyone is not offered while a narrower relaxation works.
    assert SLOT_OFF not in kinds


def test_more_circles_within_the_sizes_allowed_come_before_smaller_ones():
    # Friday suits four: Mei, Hiroshi, Sam and Person 3. 16 people in circles of 4-6 are
    # planned as 6, 5 and 5, so Mei's circle cannot meet; four circles of 4 can.
    pool = mei_and_hiroshi()
    availability = pool.availability.copy()
    availability[3, 2] = True
    pool = replace(pool, availability=availability)
    explanation = explain_roomy(pool, REQUEST)
    smaller = [r for r in explanation.relaxations if r.kind == SMALLER]
    assert [(r.label, r.detail) for r in smaller] == [
        (
            "Form 4 circles, some of 4",
            "4 circles of 4 people instead of 3 of 5–6; within the sizes allowed (4–6).",
        ),
        ("Allow circles of 3", "5 circles of 3–4 people; the smallest allowed was 4."),
    ]
    within = relax(pool, REQUEST, smaller[0])[1]
    assert (within.size_range, within.groups) == ((4, 6), 4)
    for relaxation in smaller:
        assert is_valid(*relax(pool, REQUEST, relaxation))


def test_smaller_circles_are_not_offered_when_they_would_not_help():
    # Mei can make no slot anybody else can: no circle size helps, only the slot rules do.
    availability = np.zeros((12, 3), dtype=bool)
    availability[1:, 0] = True
    availability[0, 2] = True
    pool = pool_of(availability, names={"p0": "Mei Clarke"})
    request = replace(REQUEST, size_range=(4, 6))
    explanation = explain_roomy(pool, request)
    kinds = offered(explanation)
    assert SMALLER not in kinds
    smaller = Relaxation(SMALLER, "", "", size=3, groups=4)
    assert not is_valid(*relax(pool, request, smaller))
    assert set(kinds) == {SLOT_EXEMPT, SLOT_WIDEN}
    assert kinds[SLOT_EXEMPT].people == ("p0",)


def test_kept_apart_pairs_in_conflict_can_be_dropped():
    # Everyone shares a slot; Person 0 manages four people and is kept apart from three more.
    availability = np.ones((10, 3), dtype=bool)
    managers = {f"p{i}": "p0" for i in range(1, 5)}
    pool = pool_of(availability, managers=managers)
    request = replace(REQUEST, size_range=(5, 5), apart=[("p0", "p5"), ("p0", "p6")])
    with pytest.raises(FormationError):
        form_circles(pool, request)
    explanation = explain_roomy(pool, request)
    [conflict] = explanation.conflicts
    assert conflict.rules == (SLOT, SIZE, APART)
    assert conflict.people == ("p0",)
    kinds = offered(explanation)
    assert set(kinds) == {APART_DROP}
    assert len(kinds[APART_DROP].pairs) == 6
    assert is_valid(*relax(pool, request, kinds[APART_DROP]))


def test_without_a_cheap_culprit_the_engine_isolates_the_people():
    # Everyone can make a slot with 3+ others, but the five who can make only Tuesday need two
    # circles of 4 there, and only seven people can make Tuesday.
    availability = np.zeros((12, 3), dtype=bool)
    availability[:7, 0] = True
    availability[5:, 1] = True
    pool = pool_of(availability)
    request = replace(REQUEST, size_range=(4, 4))
    assert not is_valid(pool, request)
    explanation = explain_roomy(pool, request)
    [conflict] = explanation.conflicts
    assert conflict.rules == (SLOT, SIZE)
    assert conflict.people == ("p0",)  # any one of the five would do; the first found is named
    assert conflict.message == (
        "Person 0 cannot join a circle of at least 4 that shares a weekly slot: the others who "
        "can make their slots are all needed in other circles."
    )
    exempt = offered(explanation)[SLOT_EXEMPT]
    assert exempt.people == conflict.people
    assert is_valid(*relax(pool, request, exempt))
    for person in conflict.people:  # and none of them is needless
        fewer = tuple(p for p in conflict.people if p != person)
        assert not fewer or not is_valid(*relax(pool, request, replace(exempt, people=fewer)))


def test_relaxations_round_trip_and_bad_ones_are_refused():
    relaxation = Relaxation(SLOT_WIDEN, "Ask", "it", people=("p0",), slot="Friday 08:00")
    assert Relaxation.from_dict(relaxation.as_dict()) == relaxation
    with pytest.raises(FormationError):
        Relaxation.from_dict({"kind": "everything"})
    with pytest.raises(FormationError):
        Relaxation.from_dict({"label": "no kind"})
    pool = mei_and_hiroshi()
    gone = Relaxation(SLOT_WIDEN, "", "", people=("p0",), slot="Sunday 03:00")
    with pytest.raises(FormationError, match="Sunday 03:00 is no longer one of the weekly"):
        relax(pool, REQUEST, gone)
    # Someone who has left needs no relaxation; the others still get theirs.
    relaxed, _ = relax(pool, REQUEST, Relaxation(SLOT_EXEMPT, "", "", people=("p99", "p0")))
    assert relaxed.availability is not None
    assert relaxed.availability[0].all()
    assert (relaxed.availability[1:] == pool.availability[1:]).all()


def test_the_explanation_keeps_to_its_budget():
    pool = mei_and_hiroshi(n=60)
    began = time.perf_counter()
    explanation = explain(pool, REQUEST, budget=1.0)
    assert time.perf_counter() - began < 1.6
    assert explanation.seconds < 1.6
    assert explanation.conflicts  # named before any trial, whatever the budget


def test_the_explanation_is_deterministic_for_a_seed():
    pool = mei_and_hiroshi(n=60)
    first, again = explain_roomy(pool, REQUEST), explain_roomy(pool, REQUEST)
    assert [r.label for r in again.relaxations] == [r.label for r in first.relaxations]
    assert again.conflicts == first.conflicts


def test_bad_input_gets_no_relaxation():
    pool = mei_and_hiroshi()
    request = replace(REQUEST, apart=[("p0", "nobody")])
    explanation = explain_roomy(pool, request)
    assert explanation.relaxations == ()
    assert explanation.conflicts == ()


def test_the_checks_plan_sizes_as_the_engine_does_around_current_circles():
    # With four circles now, the engine plans 16 people as four circles of 4, not 6-5-5:
    # Friday's four can then meet, and nothing is in conflict.
    pool = mei_and_hiroshi()
    availability = pool.availability.copy()
    availability[3, 2] = True
    pool = replace(pool, availability=availability)
    current = {"p0": "a", "p1": "a", "p2": "b", "p3": "c", "p4": "d"}
    request = replace(REQUEST, size_range=(3, 6), current=current, stickiness=0.0)
    assert is_valid(pool, request)
    assert conflicts_named(pool, request) == []
    assert conflicts_named(pool, replace(request, current=None))  # 6-5-5: Friday's four too few


def test_nothing_in_conflict_and_a_second_try_works_offers_to_form_again():
    # A request the engine can meet (say its first run was cut short): nobody is named, and
    # forming again as asked is the one thing offered.
    availability = np.ones((12, 3), dtype=bool)
    pool = pool_of(availability)
    explanation = explain_roomy(pool, REQUEST)
    assert explanation.conflicts == ()
    [again] = explanation.relaxations
    assert (again.kind, again.label) == (RETRY, "Form the circles again")
    assert relax(pool, REQUEST, again) == (pool, REQUEST)
