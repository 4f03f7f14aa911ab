"""Helpers the meetings, notifications and meetings API tests share."""

from __future__ import annotations

import datetime as dt

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory


def newcomer(circle: Circle, *, joined_on: dt.date | None = None) -> Member:
    """A new member of the circle's organisation, put in the circle by the real service."""
    member = MemberFactory.create(organization=circle.program.organization)
    circle_add_member(circle=circle, member=member, on=joined_on)
    return member
