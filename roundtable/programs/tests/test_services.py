"""Program services: creation, validation (dates within three years), enrolment and withdrawal
(which takes people out of the program's circles too)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from roundtable.circles.services import program_withdraw
from roundtable.core.errors import DomainError
from roundtable.programs.services import program_create, program_enrol, program_update


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


@pytest.fixture
def joined_10_january_2027():
    """A clock frozen before the personas exist, so the organisation joins on 10 January 2027."""
    with time_machine.travel(dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def test_program_dates_stay_within_three_years(joined_10_january_2027, personas):
    org, coordinator = personas.organization, personas.members["coordinator"]
    args = {"organization": org, "name": "X", "purpose": "Y", "sponsor": coordinator,
            "coordinators": [coordinator]}  # fmt: skip
    with pytest.raises(DomainError, match=r"at most 3 years ahead \(on or before 10 Jan") as far:
        program_create(**args, start_date=dt.date(2100, 1, 1))
    assert far.value.field == "start_date"
    with pytest.raises(DomainError, match="The end date can be at most 3 years ahead") as end:
        program_create(**args, start_date=dt.date(2027, 2, 1), end_date=dt.date(2100, 1, 1))
    assert end.value.field == "end_date"
    with pytest.raises(DomainError, match=r"3 years before .* joined Roundtable \(on or after"):
        program_create(**args, start_date=dt.date(2023, 12, 31))
    program = program_create(**args, start_date=dt.date(2024, 1, 10), end_date=dt.date(2030, 1, 10))
    with pytest.raises(DomainError, match="at most 3 years ahead"):
        program_update(program=program, start_date=dt.date(2100, 1, 1), end_date=None)
    program.refresh_from_db()
    assert program.start_date == dt.date(2024, 1, 10)
