"""The home page answers "what do I do next?" for each persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from roundtable.circles.services import circle_create
from roundtable.programs.models import Program
from roundtable.programs.services import program_create, program_enrol
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import PERSONA_NAMES
from roundtable.testing.queries import assert_queries_flat


def test_lead_sees_their_circle_and_the_lead_step(client, personas):
    client.force_login(personas.lead)
    body = client.get(reverse("home:home")).content.decode()
    assert "You lead North" in body
    assert "Customer retention circles" in body
    assert "Add your weekly availability" in body


def test_sponsor_is_pointed_at_their_program(client, personas):
    client.force_login(personas.sponsor)
    body = client.get(reverse("home:home")).content.decode()
    assert "You sponsor Customer retention circles" in body


def test_coordinator_is_told_about_unplaced_members(client, personas):
    program_enrol(program=personas.program, members=[personas.members["admin"]])
    client.force_login(personas.coordinator)
    body = client.get(reverse("home:home")).content.decode()
    assert "1 enrolled member of Customer retention circles is in no circle yet" in body


def test_someone_without_an_organisation_is_told_what_to_do(client, django_user_model, db):
    user = django_user_model.objects.create_user("loner@example.org", "a-long-pass-phrase")
    client.force_login(user)
    body = client.get(reverse("home:home")).content.decode()
    assert "not in an organisation yet" in body


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_home_queries_stay_flat_as_programs_grow_from_one_to_six(client, personas, name):
    client.force_login(personas.user(name))
    org = personas.organization

    def grow() -> None:
        for i in range(5):
            program = program_create(
                organization=org,
                name=f"Program {i}",
                purpose="More circles.",
                sponsor=personas.members["sponsor"],
                coordinators=[personas.members["coordinator"]],
                start_date=dt.date(2026, 1, 1),
                status=Program.Status.DRAFT if i % 2 else Program.Status.ACTIVE,
            )
            people = [MemberFactory.create(organization=org) for _ in range(3)]
            program_enrol(program=program, members=[*people, personas.members["member"]])
            circle_create(
                program=program,
                name=f"Circle {i}",
                members=[people[0], personas.members["lead"]],
                lead=personas.members["lead"],
            )

    assert_queries_flat(client, reverse("home:home"), grow=grow)
