"""Program services and pages: creation, validation, enrolment and withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from roundtable.circles.services import program_withdraw
from roundtable.core.errors import DomainError
from roundtable.programs.models import Program
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


def test_create_program_page(client, personas):
    client.force_login(personas.coordinator)
    url = reverse("programs:create") + f"?org={personas.organization.slug}"
    response = client.post(
        url,
        {
            "name": "Onboarding circles",
            "kind": "training",
            "purpose": "Help new starters learn from peers.",
            "sponsor": personas.members["sponsor"].pk,
            "coordinators": [personas.members["coordinator"].pk],
            "cadence": "monthly",
            "target_circle_size": "5",
            "start_date": "2026-12-01",
            "end_date": "2026-11-01",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert b"cannot be before the start date" in response.content
    assert not Program.objects.filter(name="Onboarding circles").exists()


def test_program_list_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    client.force_login(personas.admin)
    with django_assert_max_num_queries(10):
        client.get(reverse("programs:list"))
    for i in range(5):
        program_create(
            organization=personas.organization,
            name=f"P{i}",
            purpose="p",
            sponsor=personas.members["sponsor"],
            coordinators=[personas.members["coordinator"]],
            start_date=dt.date(2026, 1, 1),
        )
    with django_assert_max_num_queries(10):
        client.get(reverse("programs:list"))


def test_members_see_their_circle_not_the_overview(client, personas):
    client.force_login(personas.member)
    body = client.get(reverse("programs:detail", args=[personas.program.pk])).content.decode()
    assert "North" in body
    assert "South" not in body
    assert "Enrolled members" not in body
