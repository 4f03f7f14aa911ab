"""The home page of admins, coordinators and sponsors (roundtable/home with insights' overview):
their running programs' circles at risk first, with reason and since when and one click to the
circle, then a summary per program, instead of a member's empty states; members and leads see
what they saw before; the query count does not grow with programs, circles or flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.circles.models import Circle
from roundtable.insights.tests.dashboard_data import circles_bulk, people, schedule_for
from roundtable.programs.models import Program
from roundtable.programs.services import program_create
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
AT_RISK = "Circles at risk"
NO_CIRCLE_YET = "You are not in a circle yet"
NO_MEETINGS = "No meetings coming up"


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def home(personas: Personas, name: str) -> str:
    client = Client()
    client.force_login(personas.user(name))
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def world(personas: Personas) -> Personas:
    """North has a schedule; South has none (flagged); an ended program's circle without one is
    nobody's worry."""
    schedule_for(personas.circle, starts_on=dt.date(2027, 1, 4))
    ended = program_create(
        organization=personas.organization,
        name="Last year's circles",
        purpose="Done.",
        sponsor=personas.members["sponsor"],
        coordinators=[personas.members["coordinator"]],
        start_date=dt.date(2025, 1, 6),
        status=Program.Status.ENDED,
    )
    Circle.objects.create(program=ended, name="Old circle")
    return personas


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor"])
def test_overseers_see_circles_at_risk_first_then_their_programs(world, name):
    body = home(world, name)
    south = world.other_circle
    assert AT_RISK in body
    at_risk = body.split('id="at-risk"', 1)[1].split("</section>", 1)[0]
    assert "South" in at_risk
    assert "North" not in at_risk
    assert "Old circle" not in at_risk
    assert "The circle has no schedule, so no meetings are planned" in at_risk
    assert f'datetime="{south.created_at.date():%Y-%m-%d}"' in at_risk
    assert reverse("circles:detail", args=[south.pk]) in at_risk
    # First on the page, before the next steps; then the program's summary with its dashboard.
    assert body.index(AT_RISK) < body.index("Next steps")
    summaries = body.split('id="program-summaries-title"', 1)[1].split("</section>", 1)[0]
    assert "Customer retention circles" in summaries
    assert reverse("insights:program_dashboard", args=[world.program.pk]) in summaries
    assert "<dt>At risk</dt><dd>1</dd>" in summaries
    assert "Last year" not in summaries


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor"])
def test_overseers_in_no_circle_are_spared_a_members_empty_states(world, name):
    body = home(world, name)
    assert NO_CIRCLE_YET not in body
    assert NO_MEETINGS not in body


def test_an_overseer_with_nothing_at_risk_is_told_so(world):
    schedule_for(world.other_circle, starts_on=dt.date(2027, 1, 4))
    body = home(world, "coordinator")
    assert "No circle of your programs is flagged" in body


@pytest.mark.parametrize("name", ["lead", "member"])
def test_members_and_leads_see_what_they_saw_before(world, name):
    body = home(world, name)
    assert AT_RISK not in body
    assert "at a glance" not in body
    assert '<h2 id="my-programs-title">My programs</h2>' in body
    assert "Customer retention circles" in body
    assert NO_MEETINGS in body  # North's schedule starts with no meeting made yet


def test_a_member_in_no_circle_still_sees_the_empty_states(world):
    client = Client()
    loner = people(world.circle, 1)[0]
    client.force_login(loner.user)
    body = client.get(reverse("home:home")).content.decode()
    assert NO_CIRCLE_YET in body
    assert AT_RISK not in body


@pytest.mark.parametrize("name", ["coordinator", "sponsor"])
def test_the_home_page_costs_the_same_queries_however_many_circles_are_at_risk(world, name):
    client = Client()
    client.force_login(world.user(name))
    pool = people(world.circle, 2)
    last_monday = dt.date(2027, 2, 22)

    def grow() -> None:
        second = program_create(
            organization=world.organization,
            name="Second program",
            purpose="More circles.",
            sponsor=world.members["sponsor"],
            coordinators=[world.members["coordinator"]],
            start_date=dt.date(2026, 12, 1),
            status=Program.Status.ACTIVE,
        )
        circles_bulk(second, 20, prefix="Second", pool=pool, last_monday=last_monday)
        circles_bulk(world.program, 20, prefix="More", pool=pool, last_monday=last_monday)

    assert_queries_flat(client, reverse("home:home"), grow=grow)
    body = client.get(reverse("home:home")).content.decode()
    assert "More 019" in body  # every new circle is at risk: no lead, overdue commitments
    assert "Second 019" in body
