"""The home page answers "what do I do next?" for each persona."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from roundtable.circles.services import circle_create
from roundtable.meetings.services import schedule_set
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


# --- Circles without a lead or a schedule ------------------------------------------------

SET_UP = "Circles without a lead or a schedule"


def _schedule(circle) -> None:
    schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9, 30),
        starts_on=dt.date(2026, 3, 2),
        now=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC),
    )


@pytest.fixture
def circles_to_set_up(personas):
    """North has a lead and a schedule; South a lead but no schedule; West neither; and a
    circle of an ended program with neither, which nobody needs to hear about."""
    _schedule(personas.circle)
    west = circle_create(program=personas.program, name="West")
    ended = program_create(
        organization=personas.organization,
        name="Last year's circles",
        purpose="Done.",
        sponsor=personas.members["sponsor"],
        coordinators=[personas.members["coordinator"]],
        start_date=dt.date(2025, 1, 6),
        status=Program.Status.ENDED,
    )
    circle_create(program=ended, name="Old circle")
    return west


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("name", ["admin", "coordinator"])
def test_coordinators_and_admins_see_circles_to_set_up_with_what_to_do(
    client, personas, circles_to_set_up, name
):
    client.force_login(personas.user(name))
    response = client.get(reverse("home:home"))
    gaps = [
        (gap.circle.name, gap.label, gap.can_manage)
        for gap in response.context["summary"].circles_to_set_up
    ]
    assert gaps == [("South", "No schedule", True), ("West", "No lead and no schedule", True)]
    body = response.content.decode()
    assert SET_UP in body
    west, south = circles_to_set_up.pk, personas.other_circle.pk
    assert reverse("circles:edit", args=[west]) in body
    assert reverse("meetings:schedule", args=[west]) in body
    assert reverse("meetings:schedule", args=[south]) in body
    assert reverse("circles:edit", args=[south]) not in body  # South has its lead
    assert reverse("meetings:schedule", args=[personas.circle.pk]) not in body
    assert "Old circle" not in body


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_sponsors_see_circles_to_set_up_without_the_tools(client, personas, circles_to_set_up):
    client.force_login(personas.sponsor)
    response = client.get(reverse("home:home"))
    gaps = [
        (gap.circle.name, gap.label, gap.can_manage)
        for gap in response.context["summary"].circles_to_set_up
    ]
    assert gaps == [("South", "No schedule", False), ("West", "No lead and no schedule", False)]
    body = response.content.decode()
    assert reverse("meetings:schedule", args=[circles_to_set_up.pk]) not in body
    assert "The coordinators set this up." in body


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("name", ["lead", "member"])
def test_members_and_leads_are_not_shown_other_circles_to_set_up(
    client, personas, circles_to_set_up, name
):
    client.force_login(personas.user(name))
    response = client.get(reverse("home:home"))
    assert response.context["summary"].circles_to_set_up == []
    assert SET_UP not in response.content.decode()


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor"])
def test_circles_to_set_up_cost_the_same_queries_however_many(client, personas, name):
    client.force_login(personas.user(name))
    circle_create(program=personas.program, name="First without a lead")

    def grow() -> None:
        for i in range(4):
            without_lead = circle_create(program=personas.program, name=f"No lead {i}")
            _schedule(without_lead)
            circle_create(
                program=personas.program,
                name=f"No schedule {i}",
                members=[personas.members["member"]],
                lead=personas.members["member"],
            )
            circle_create(program=personas.program, name=f"Neither {i}")

    assert_queries_flat(client, reverse("home:home"), grow=grow)
    assert SET_UP in client.get(reverse("home:home")).content.decode()
