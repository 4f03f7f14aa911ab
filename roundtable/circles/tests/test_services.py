"""Circle services and pages: creation, membership history, leads."""

from __future__ import annotations

import pytest

from roundtable.circles.services import (
    circle_add_member,
    circle_create,
    circle_remove_member,
    circle_set_lead,
)
from roundtable.core.errors import DomainError


def test_circle_names_are_unique_within_a_program(personas):
    with pytest.raises(DomainError, match="already has a circle"):
        circle_create(program=personas.program, name="north")


def test_leaving_keeps_history_and_rejoining_opens_a_new_row(personas):
    member = personas.members["member"]
    circle_remove_member(circle=personas.circle, member=member)
    circle_add_member(circle=personas.circle, member=member)
    rows = list(personas.circle.memberships.filter(member=member).order_by("id"))
    assert len(rows) == 2
    assert rows[0].left_on is not None
    assert rows[1].left_on is None


def test_adding_twice_is_refused(personas):
    with pytest.raises(DomainError, match="already in"):
        circle_add_member(circle=personas.circle, member=personas.members["member"])


def test_adding_enrols_in_the_program(personas):
    sponsor = personas.members["sponsor"]
    circle_add_member(circle=personas.circle, member=sponsor)
    assert personas.program.enrolments.filter(member=sponsor).exists()


def test_lead_must_be_a_current_member(personas):
    with pytest.raises(DomainError, match="must be a member"):
        circle_set_lead(circle=personas.circle, lead=personas.members["sponsor"])


def test_removing_the_lead_clears_the_lead(personas):
    circle_remove_member(circle=personas.circle, member=personas.members["lead"])
    personas.circle.refresh_from_db()
    assert personas.circle.lead is None


def test_member_from_another_organisation_is_refused(personas):
    with pytest.raises(DomainError, match="is not in"):
        circle_add_member(circle=personas.circle, member=personas.members["outsider"])
