"""The permission policy, persona by persona."""

from __future__ import annotations

import pytest

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.programs.models import Program
from roundtable.testing.personas import PERSONA_NAMES


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
