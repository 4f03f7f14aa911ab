"""Why no grouping meets the hard constraints (`diagnosis.diagnose`), in plain sentences."""

import numpy as np
import pytest

from roundtable.formation.diagnosis import diagnose
from roundtable.formation.problem import Infeasible, Problem
from roundtable.formation.search import form


def test_people_who_share_a_slot_with_too_few_others_are_named():
    # P0-P3 each have one slot of their own; P4-P7 share slot 3 too.
    availability = np.eye(8, 4, dtype=bool)
    availability[4:, 3] = True
    names = [f"P{i}" for i in range(8)]
    problem = Problem(x=np.zeros((8, 1)), sizes=[4, 4], availability=availability, names=names)
    reasons = diagnose(problem)
    assert reasons[:3] == [
        "P0 shares a weekly slot with only 0 other people; circles need at least 4.",
        "P1 shares a weekly slot with only 0 other people; circles need at least 4.",
        "P2 shares a weekly slot with only 0 other people; circles need at least 4.",
    ]
    with pytest.raises(Infeasible) as caught:
        form(problem, rounds=2)
    assert caught.value.problems == reasons


def test_without_a_culprit_the_constraints_that_clash_are_listed():
    # Three people each kept apart from the two others cannot fit in circles of two.
    problem = Problem(x=np.zeros((4, 1)), sizes=[2, 2], apart=[(0, 1), (1, 2), (0, 2)])
    assert diagnose(problem) == [
        "No grouping was found that meets all the kept-apart pairs at once within the time "
        "budget; loosen one of them or allow other circle sizes."
    ]
