"""Program pages for every persona: create, list, detail; the query count stays flat as programs,
circles and enrolments are added."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from roundtable.circles.services import circle_create
from roundtable.programs.models import Program
from roundtable.programs.services import program_create, program_enrol
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import PERSONA_NAMES, Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


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


def test_members_see_their_circle_not_the_overview(client, personas):
    client.force_login(personas.member)
    body = client.get(reverse("programs:detail", args=[personas.program.pk])).content.decode()
    assert "North" in body
    assert "South" not in body
    assert "Enrolled members" not in body


def _more_programs(personas: Personas, count: int) -> None:
    """Programs the coordinator runs, each with a circle and enrolled members."""
    org = personas.organization
    for i in range(count):
        program = program_create(
            organization=org,
            name=f"Extra program {i}",
            purpose="More of the same.",
            sponsor=personas.members["sponsor"],
            coordinators=[personas.members["coordinator"]],
            start_date=dt.date(2026, 1, 1),
            status=Program.Status.ACTIVE,
        )
        people = [MemberFactory.create(organization=org) for _ in range(3)]
        program_enrol(program=program, members=[*people, personas.members["member"]])
        circle_create(program=program, name=f"Circle {i}", members=people[:2], lead=people[0])


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_program_list_queries_stay_flat_as_programs_are_added(client, personas, name):
    client.force_login(personas.user(name))
    assert_queries_flat(client, reverse("programs:list"), grow=lambda: _more_programs(personas, 5))


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor", "member"])
def test_program_detail_queries_stay_flat_as_circles_and_enrolments_are_added(
    client, personas, name
):
    client.force_login(personas.user(name))
    program = personas.program

    def grow() -> None:
        people = [MemberFactory.create(organization=personas.organization) for _ in range(8)]
        program_enrol(program=program, members=people)
        for i in range(3):
            circle_create(program=program, name=f"More {i}", members=people[i * 2 : i * 2 + 2])

    assert_queries_flat(client, reverse("programs:detail", args=[program.pk]), grow=grow)


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_program_detail_shows_each_persona_what_their_role_allows(client, personas, name):
    client.force_login(personas.user(name))
    response = client.get(reverse("programs:detail", args=[personas.program.pk]))
    if name == "outsider":
        assert response.status_code == 404
        return
    body = response.content.decode()
    overseer = name in {"admin", "coordinator", "sponsor"}
    assert ("Enrolled members" in body) is overseer
    assert ("South" in body) is overseer  # the circle this persona is not in


def test_withdrawing_someone_not_enrolled_is_not_found(client, personas):
    client.force_login(personas.coordinator)
    stranger = MemberFactory.create(organization=personas.organization)
    response = client.post(reverse("programs:withdraw", args=[personas.program.pk, stranger.pk]))
    assert response.status_code == 404


def test_program_page_names_each_circles_members_and_lead(client, personas):
    client.force_login(personas.coordinator)
    body = client.get(reverse("programs:detail", args=[personas.program.pk])).content.decode()
    assert "Lead Persona (lead), Member Persona" in body
    assert "Peer Persona (lead)" in body


# --- Enrolment: search, and everyone with a job role or in a department ---------------------


def _engineers(personas: Personas) -> list:
    org = personas.organization
    return [
        MemberFactory.create(
            organization=org,
            user__full_name=name,
            job_title="Field Service Engineer",
            department=department,
        )
        for name, department in (
            ("Ana Silva", "North Region"),
            ("Tom Becker", "Partner Channel"),
            ("Lena Fischer", "North Region"),
        )
    ]


def _enrolled(personas: Personas) -> set[str]:
    return {
        e.member.name
        for e in personas.program.enrolments.filter(withdrawn_on__isnull=True).select_related(
            "member__user"
        )
    }


def test_enrolment_search_lists_only_matching_people_not_enrolled(client, personas):
    _engineers(personas)
    client.force_login(personas.coordinator)
    url = reverse("programs:detail", args=[personas.program.pk])
    body = client.get(url, {"q": "north"}).content.decode()
    assert "Ana Silva" in body
    assert "Lena Fischer" in body
    assert "Tom Becker" not in body
    assert 'value="north"' in body
    assert '<details id="enrol" open>' in body
    everyone = client.get(url).content.decode()
    assert "Tom Becker" in everyone
    assert 'name="members" value="' in everyone
    enrolled_pk = personas.members["member"].pk  # enrolled already: not offered again
    assert f'name="members" value="{enrolled_pk}"' not in everyone
    assert f'name="members" value="{personas.members["sponsor"].pk}"' in everyone


def test_ticked_people_are_enrolled(client, personas):
    ana, tom, _lena = _engineers(personas)
    client.force_login(personas.coordinator)
    client.post(
        reverse("programs:enrol", args=[personas.program.pk]), {"members": [ana.pk, tom.pk]}
    )
    assert {"Ana Silva", "Tom Becker"} <= _enrolled(personas)
    assert "Lena Fischer" not in _enrolled(personas)


@pytest.mark.parametrize(
    ("choice", "newly_enrolled", "message"),
    [
        (
            {"job_title": "Field Service Engineer"},
            {"Ana Silva", "Tom Becker", "Lena Fischer"},
            "3 enrolled: everyone with job role Field Service Engineer.",
        ),
        (
            {"department": "North Region"},
            {"Ana Silva", "Lena Fischer"},
            "2 enrolled: everyone in North Region.",
        ),
        (
            {"job_title": "Account manager", "department": "Sales"},
            {"Admin Persona", "Coordinator Persona", "Sponsor Persona"},
            "3 enrolled: everyone with job role Account manager in Sales.",
        ),
    ],
)
def test_everyone_with_a_job_role_or_in_a_department_is_enrolled_at_once(
    client, personas, choice, newly_enrolled, message
):
    _engineers(personas)
    before = _enrolled(personas)
    client.force_login(personas.coordinator)
    url = reverse("programs:enrol_group", args=[personas.program.pk])
    page = client.post(url, {"job_title": "", "department": "", **choice}, follow=True)
    assert _enrolled(personas) - before == newly_enrolled
    assert message in page.content.decode()
    again = client.post(url, {"job_title": "", "department": "", **choice}, follow=True)
    assert "was already enrolled" in again.content.decode()


def test_group_enrolment_needs_a_job_role_or_department_that_exists(client, personas):
    _engineers(personas)
    before = _enrolled(personas)
    client.force_login(personas.admin)
    url = reverse("programs:enrol_group", args=[personas.program.pk])
    for data in ({"job_title": "", "department": ""}, {"job_title": "Astronaut"}):
        page = client.post(url, data, follow=True)
        assert "Choose a job role, a department or both." in page.content.decode()
    assert _enrolled(personas) == before


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_group_enrolment_is_for_coordinators_and_admins(client, personas, name):
    _engineers(personas)
    before = _enrolled(personas)
    client.force_login(personas.user(name))
    response = client.post(
        reverse("programs:enrol_group", args=[personas.program.pk]),
        {"job_title": "Field Service Engineer"},
    )
    assert response.status_code == (302 if name in {"admin", "coordinator"} else 404)
    grew = _enrolled(personas) != before
    assert grew is (name in {"admin", "coordinator"})


def test_enrolment_panel_queries_stay_flat_as_people_roles_and_departments_are_added(
    client, personas
):
    client.force_login(personas.coordinator)

    def grow() -> None:
        for i in range(6):
            MemberFactory.create(
                organization=personas.organization, job_title=f"Role {i}", department=f"Dept {i}"
            )

    assert_queries_flat(
        client, reverse("programs:detail", args=[personas.program.pk]) + "?q=e", grow=grow
    )


def test_program_form_refuses_a_start_date_years_ahead(client, personas):
    client.force_login(personas.coordinator)
    url = reverse("programs:edit", args=[personas.program.pk])
    data = {"name": "Renamed", "kind": "training", "purpose": "Peers.",
            "sponsor": personas.members["sponsor"].pk,
            "coordinators": [personas.members["coordinator"].pk], "cadence": "weekly",
            "target_circle_size": "5", "start_date": "2100-01-01", "status": "active"}  # fmt: skip
    body = client.post(url, data).content.decode()
    assert "The start date can be at most 3 years ahead" in body
    personas.program.refresh_from_db()
    assert personas.program.name != "Renamed"
    client.force_login(personas.outsider)
    assert client.post(url, {**data, "start_date": "2027-01-01"}).status_code == 404
