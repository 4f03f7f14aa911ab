"""The one hard-constraint check (`constraints.breaches`) on groupings written by hand."""

import numpy as np

from roundtable.formation.constraints import Breach, breaches, count, exempt_circles

# Six people in two circles of three: 0 1 2 | 3 4 5.
LABELS = np.array([0, 0, 0, 1, 1, 1])


def test_a_grouping_that_keeps_every_constraint_has_no_breach():
    availability = np.ones((6, 2), dtype=bool)
    found = breaches(
        LABELS,
        2,
        size_range=(3, 3),
        apart=[(0, 3)],
        managers=[(1, 4)],
        together=[(0, 2)],
        roles=["a", "a", "a", "b", "b", "b"],
        availability=availability,
        start=np.array([0, 1, -1, -1, -1, -1]),
        pinned=[0],
    )
    assert found == []


def test_each_broken_constraint_is_named_with_its_people_and_circle():
    availability = np.ones((6, 2), dtype=bool)
    availability[5] = [False, False]
    found = breaches(
        LABELS,
        2,
        size_range=(4, 5),
        apart=[(0, 1)],
        managers=[(3, 4)],
        together=[(2, 3)],
        roles=["a", "b", "a", "b", "b", "b"],
        availability=availability,
        start=np.array([1, 0, 0, 0, 0, 0]),
        pinned=[0, 1],
    )
    assert found == [
        Breach("sizes", circle=0),
        Breach("sizes", circle=1),
        Breach("apart", (0, 1), 0),
        Breach("managers_apart", (3, 4), 1),
        Breach("together", (2, 3)),
        Breach("same_role", circle=0),
        Breach("availability", circle=1),
        Breach("pinned", (0,)),
    ]
    assert count(found) == {
        "sizes": 2,
        "apart": 1,
        "managers_apart": 1,
        "together": 1,
        "same_role": 1,
        "availability": 1,
        "pinned": 1,
    }


def test_a_circle_held_by_people_who_share_no_slot_is_exempt():
    availability = np.array([[1, 0], [0, 1], [1, 1], [1, 1], [1, 1], [1, 1]], dtype=bool)
    fixed = np.array([0, 0, -1, -1, -1, -1])  # 0 and 1 may not leave circle 0
    exempt = exempt_circles(availability, fixed, 2)
    assert exempt.tolist() == [True, False]
    assert breaches(LABELS, 2, availability=availability) == [Breach("availability", circle=0)]
    assert breaches(LABELS, 2, availability=availability, exempt=exempt) == []
