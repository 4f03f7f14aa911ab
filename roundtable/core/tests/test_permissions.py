"""The permission policy, persona by persona."""

from __future__ import annotations

import pytest

from roundtable.accounts.models import User
from roundtable.circles.models import Circle
from roundtable.circles.services import program_withdraw
from roundtable.core import permissions
from roundtable.programs.models import Program
from roundtable.testing.personas import PERSONA_NAMES, second_program_create


@pytest.mark.parametrize(
    ("persona", "view", "overview", "manage"),
    [
        ("admin", True, True, True),
        ("coordinator", True, True, True),
        ("sponsor", True, True, False),
        ("lead", True, False, False),
        ("member", True, False, False),
        ("outsider", False, False, False),
    ],
)
def test_program_policy(personas, persona, view, overview, manage):
    user, program = personas.user(persona), personas.program
    assert permissions.can_view_program(user, program) is view
    assert permissions.can_view_program_overview(user, program) is overview
    assert permissions.can_manage_program(user, program) is manage
    visible = Program.objects.filter(permissions.program_scope(user)).distinct()
    assert (program in visible) is view


@pytest.mark.parametrize(
    ("persona", "own_circle", "other_circle", "manage"),
    [
        ("admin", True, True, True),
        ("coordinator", True, True, True),
        ("sponsor", True, True, False),
        ("lead", True, False, True),
        ("member", True, False, False),
        ("outsider", False, False, False),
    ],
)
def test_circle_policy(personas, persona, own_circle, other_circle, manage):
    user = personas.user(persona)
    assert permissions.can_view_circle(user, personas.circle) is own_circle
    assert permissions.can_view_circle(user, personas.other_circle) is other_circle
    assert permissions.can_manage_circle(user, personas.circle) is manage
    visible = set(Circle.objects.filter(permissions.circle_scope(user)).distinct())
    assert (personas.circle in visible) is own_circle
    assert (personas.other_circle in visible) is other_circle


def test_a_member_who_left_loses_access(personas):
    from roundtable.circles.services import circle_remove_member

    member = personas.members["member"]
    circle_remove_member(circle=personas.circle, member=member)
    fresh = Circle.objects.get(pk=personas.circle.pk)
    assert not permissions.can_view_circle(member.user, fresh)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_admins_and_coordinators_invite(personas, persona):
    allowed = persona in {"admin", "coordinator"}
    assert permissions.can_invite_members(personas.user(persona), personas.organization) is allowed


def test_inactive_member_has_no_access(personas):
    from roundtable.orgs.services import member_update

    member = personas.members["member"]
    member_update(member=member, is_active=False)
    user = type(member.user).objects.get(pk=member.user.pk)
    assert not permissions.can_view_circle(user, personas.circle)


# --- private profile fields and attendance: a coordinator sees their programs' people -------


def _second_program(personas):
    """The second program, its coordinator's user and Dana (see `second_program_create`)."""
    second = second_program_create(personas)
    return second.program, second.coordinator.user, second.dana


def test_coordinators_see_private_fields_of_their_programs_people_only(personas):
    _, second_coordinator, dana = _second_program(personas)
    member, peer = personas.members["member"], personas.other_circle.lead
    first_coordinator = personas.coordinator
    sees = permissions.can_see_member_private_fields
    assert (sees(first_coordinator, member), sees(first_coordinator, peer)) == (True, True)
    assert sees(first_coordinator, dana) is False
    assert (sees(second_coordinator, member), sees(second_coordinator, dana)) == (True, True)
    assert sees(second_coordinator, peer) is False
    for persona in ("sponsor", "lead", "outsider"):
        assert sees(personas.user(persona), dana) is False, persona
    assert sees(personas.admin, dana) is True
    assert sees(dana.user, dana) is True


def test_coordinators_see_attendance_in_their_programs_only(personas):
    second, second_coordinator, _ = _second_program(personas)
    member, peer = personas.members["member"], personas.other_circle.lead
    programs = permissions.member_attendance_programs
    assert programs(personas.coordinator, member) == {personas.program.pk}
    assert programs(second_coordinator, member) == {second.pk}
    assert programs(second_coordinator, peer) == frozenset()
    assert programs(personas.sponsor, member) == frozenset()
    assert programs(personas.admin, member) is None  # the whole record
    assert programs(member.user, member) is None


def test_a_withdrawn_member_is_no_longer_a_coordinators_business(personas):
    second, second_coordinator, dana = _second_program(personas)
    program_withdraw(program=second, member=dana)
    fresh = User.objects.get(pk=second_coordinator.pk)
    assert permissions.can_see_member_private_fields(fresh, dana) is False
