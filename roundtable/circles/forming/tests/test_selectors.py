"""The one access path to formation runs and pair rules (`forming.selectors`)."""

from __future__ import annotations

import pytest
from django.http import Http404

from roundtable.circles.forming import pairs, selectors
from roundtable.testing.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_formers_get_the_run_and_the_rule(personas, program, start, who):
    run = start(program)
    lead, member = personas.members["lead"], personas.members["member"]
    rule = pairs.pair_rule_add(program=program, first=lead, second=member, kind="apart")
    user = getattr(personas, who)
    assert selectors.formation_run_get_for_user(user=user, program_pk=program.pk, pk=run.pk) == run
    assert selectors.pair_rule_get_for_user(user=user, program_pk=program.pk, pk=rule.pk) == rule
    assert selectors.formation_program_get_for_user(user=user, pk=program.pk) == program


@pytest.mark.parametrize("who", ["sponsor", "lead", "member", "outsider"])
def test_everyone_else_finds_nothing(personas, program, start, who):
    run = start(program)
    lead, member = personas.members["lead"], personas.members["member"]
    rule = pairs.pair_rule_add(program=program, first=lead, second=member, kind="apart")
    user = getattr(personas, who)
    with pytest.raises(Http404):
        selectors.formation_run_get_for_user(user=user, program_pk=program.pk, pk=run.pk)
    with pytest.raises(Http404):
        selectors.pair_rule_get_for_user(user=user, program_pk=program.pk, pk=rule.pk)
    with pytest.raises(Http404):
        selectors.formation_program_get_for_user(user=user, pk=program.pk)


def test_a_run_is_reached_only_through_its_own_program(personas, program, start):
    run = start(program)
    other = ProgramFactory.create(organization=personas.organization)
    other.coordinators.add(personas.members["coordinator"])
    with pytest.raises(Http404):
        selectors.formation_run_get_for_user(
            user=personas.coordinator, program_pk=other.pk, pk=run.pk
        )


def test_the_criteria_form_starts_from_the_last_criteria_used(personas, program, start):
    assert selectors.formation_form_initial(program=program)["weight_department"] == 1.0
    start(program, weights={"department": 3, "skills": 0}, size_min=3)
    initial = selectors.formation_form_initial(program=program)
    assert initial["weight_department"] == 3.0
    assert initial["weight_skills"] == 0.0
    assert initial["size_min"] == 3


def test_members_to_place_are_the_active_enrolled_ones(personas, program):
    people = selectors.formation_members(program=program)
    assert len(people) == 17
    assert selectors.formation_member_count(program=program) == 17
    assert personas.members["coordinator"] not in people
