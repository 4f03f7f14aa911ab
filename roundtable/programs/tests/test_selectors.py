"""Reads for programs: who can still be enrolled, found by words, job role or department, and the
job roles and departments with how many of each are not enrolled yet."""

from __future__ import annotations

import pytest

from roundtable.orgs.services import member_update
from roundtable.programs.selectors import enrolment_candidates, enrolment_groups
from roundtable.programs.services import enrolment_end
from roundtable.testing.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _names(members) -> list[str]:
    return [m.name for m in members]


@pytest.fixture
def people(personas):
    org = personas.organization
    return {
        "ana": MemberFactory.create(
            organization=org,
            user=UserFactory.create(full_name="Ana Silva", email="ana.silva@example.org"),
            job_title="Field Service Engineer",
            department="North Region",
            location="Leeds",
        ),
        "tom": MemberFactory.create(
            organization=org,
            user=UserFactory.create(full_name="Tom Becker", email="tom@example.org"),
            job_title="Field Service Engineer",
            department="Partner Channel",
        ),
        "maya": MemberFactory.create(
            organization=org,
            user=UserFactory.create(full_name="Maya Johnson", email="maya@example.org"),
            job_title="Customer Success Manager",
            department="North Region",
        ),
        "gone": MemberFactory.create(
            organization=org,
            user=UserFactory.create(full_name="Gone Person", email="gone@example.org"),
            job_title="Field Service Engineer",
            department="North Region",
            is_active=False,
        ),
    }


def test_candidates_are_the_active_members_not_enrolled(personas, people):
    candidates = _names(enrolment_candidates(program=personas.program))
    assert candidates == [
        "Admin Persona",
        "Ana Silva",
        "Coordinator Persona",
        "Maya Johnson",
        "Sponsor Persona",
        "Tom Becker",
    ]


def test_someone_withdrawn_can_be_enrolled_again(personas, people):
    enrolment_end(program=personas.program, member=personas.members["member"])
    assert "Member Persona" in _names(enrolment_candidates(program=personas.program))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("silva", ["Ana Silva"]),
        ("leeds", ["Ana Silva"]),
        ("field north", ["Ana Silva"]),
        ("north region", ["Ana Silva", "Maya Johnson"]),
        ("TOM@EXAMPLE", ["Tom Becker"]),
        ("example", []),  # everyone's address ends in it: only the start of an email counts
        ("nobody-like-this", []),
    ],
)
def test_every_word_of_the_search_must_match(personas, people, query, expected):
    assert _names(enrolment_candidates(program=personas.program, query=query)) == expected


def test_candidates_by_job_role_department_or_both(personas, people):
    program = personas.program
    fse = enrolment_candidates(program=program, job_title="Field Service Engineer")
    assert _names(fse) == ["Ana Silva", "Tom Becker"]
    north = enrolment_candidates(program=program, department="North Region")
    assert _names(north) == ["Ana Silva", "Maya Johnson"]
    both = enrolment_candidates(
        program=program, job_title="Field Service Engineer", department="North Region"
    )
    assert _names(both) == ["Ana Silva"]


def test_groups_count_who_is_not_enrolled_yet(personas, people):
    member_update(member=personas.members["member"], department="North Region")
    groups = enrolment_groups(program=personas.program)
    assert [(g.name, g.waiting) for g in groups.job_roles] == [
        ("Account manager", 3),  # admin, coordinator, sponsor; lead, member and peer are in
        ("Customer Success Manager", 1),
        ("Field Service Engineer", 2),  # the inactive one is not counted
    ]
    assert [(g.name, g.waiting) for g in groups.departments] == [
        ("North Region", 2),  # the enrolled member is listed but not counted
        ("Partner Channel", 1),
        ("Sales", 3),
    ]


def test_groups_ask_two_queries_however_many_people(personas, people, django_assert_num_queries):
    for _ in range(5):
        MemberFactory.create(organization=personas.organization, department="Elsewhere")
    with django_assert_num_queries(2):
        enrolment_groups(program=personas.program)
