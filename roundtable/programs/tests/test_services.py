"""Program services: creation, validation, enrolment and withdrawal (which takes people out of
the program's circles too)."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.circles.services import program_withdraw
from roundtable.core.errors import DomainError
from roundtable.programs.services import program_create, program_enrol


def test_program_needs_a_coordinator_and_sane_dates(personas):
    org, sponsor = personas.organization, personas.members["sponsor"]
    with pytest.raises(DomainError, match="coordinator"):
        program_create(
            organization=org,
            name="X",
            purpose="Y",
            sponsor=sponsor,
            coordinators=[],
            start_date=dt.date(2026, 1, 1),
        )
    with pytest.raises(DomainError, match="end date"):
        program_create(
            organization=org,
            name="X",
            purpose="Y",
            sponsor=sponsor,
            coordinators=[sponsor],
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2025, 1, 1),
        )


def test_sponsor_from_another_organisation_is_refused(personas):
    with pytest.raises(DomainError, match="belong"):
        program_create(
            organization=personas.organization,
            name="X",
            purpose="Y",
            sponsor=personas.members["outsider"],
            coordinators=[personas.members["coordinator"]],
            start_date=dt.date(2026, 1, 1),
        )


def test_withdrawal_keeps_history_and_leaves_circles(personas):
    member = personas.members["member"]
    enrolment = program_withdraw(program=personas.program, member=member)
    assert enrolment.withdrawn_on is not None
    membership = personas.circle.memberships.get(member=member)
    assert membership.left_on is not None
    program_enrol(program=personas.program, members=[member])
    enrolment.refresh_from_db()
    assert enrolment.withdrawn_on is None
