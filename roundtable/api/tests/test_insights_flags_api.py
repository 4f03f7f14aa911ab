"""The flags API (routers/insights/flags): a program's dashboard and a circle's flags, as every
persona (the program's admins, coordinators and sponsor read them; everyone else, the circle's
own lead and members included, gets a 404), the same figures and flags as the page, the pulse's
mean only from three answers, authentication required, and a flat query count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from roundtable.api.api import api
from roundtable.insights.models import PulseSchedule
from roundtable.insights.tests.dashboard_data import (
    circles_bulk,
    meeting_on,
    people,
    pulse_answers,
    schedule_for,
)
from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    assert_needs_authentication,
    operations_tagged,
)
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)  # a Monday
OVERSEERS = {"admin", "coordinator", "sponsor"}


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _dashboard(personas: Personas) -> str:
    return f"/api/programs/{personas.program.pk}/dashboard"


def _flags(circle_pk: int) -> str:
    return f"/api/circles/{circle_pk}/flags"


@pytest.fixture
def world(personas: Personas) -> Personas:
    """North: a schedule, two held meetings in the window (3 of 4 present, rated 4 and 5) and
    five pulse answers in February; South: no schedule (flagged) and two pulse answers."""
    schedule_for(personas.circle, starts_on=dt.date(2027, 1, 4))
    pool = people(personas.circle, 4)
    for day in (dt.date(2027, 2, 8), dt.date(2027, 2, 15)):
        meeting_on(personas.circle, day, present=3, absent=1, pool=pool, ratings=(4, 5))
    PulseSchedule.objects.create(
        program=personas.program, every_weeks=4, starts_on=dt.date(2027, 1, 4)
    )
    pulse_answers(personas.circle, dt.date(2027, 2, 1), 5, score=4)
    pulse_answers(personas.other_circle, dt.date(2027, 2, 1), 2, score=1)
    return personas


def test_both_endpoints_need_authentication(personas):
    operations = operations_tagged(api.get_openapi_schema(), "insights")
    assert ("get", "/api/programs/{program_id}/dashboard") in operations
    assert ("get", "/api/circles/{circle_id}/flags") in operations
    assert_needs_authentication("get", _dashboard(personas))
    assert_needs_authentication("get", _flags(personas.circle.pk))


@pytest.mark.parametrize("name", PERSONAS)
def test_the_dashboard_as_every_persona(world: Personas, name):
    response = as_persona(world, name).get(_dashboard(world))
    if name not in OVERSEERS:
        assert_error(response, 404, "not_found")
        assert "flags" not in response.content.decode()
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["program_id"], body["today"]) == (world.program.pk, "2027-03-01")
    assert (body["since"], body["until"]) == ("2027-01-04", "2027-02-28")
    north, south = body["rows"]
    assert (north["name"], south["name"]) == ("North", "South")
    assert north["lead"] == {"id": world.members["lead"].pk, "name": "Lead Persona"}
    figures = ("members", "scheduled", "held", "consistency_percent", "attendance_percent")
    assert [north[key] for key in figures] == [2, 2, 2, 100, 75]
    assert (north["usefulness"], north["ratings"], north["flags"]) == (4.5, 4, [])
    assert north["pulse"] == {
        "period_start": "2027-02-01",
        "period_end": "2027-02-28",
        "answers": 5,
        "is_open": False,
        "overall": 4.0,
    }
    # Two answers: the count alone.
    assert (south["pulse"]["answers"], south["pulse"]["overall"]) == (2, None)
    assert [flag["code"] for flag in south["flags"]] == ["no_schedule"]
    flag = south["flags"][0]
    assert flag["severity"] == "high"
    assert flag["title"] == "No schedule"
    assert flag["reason"].startswith("The circle has no schedule")
    assert flag["since"] == world.other_circle.created_at.date().isoformat()


@pytest.mark.parametrize("name", PERSONAS)
def test_a_circles_flags_as_every_persona(world: Personas, name):
    south = world.other_circle
    response = as_persona(world, name).get(_flags(south.pk))
    if name not in OVERSEERS:
        # The lead and the member see South's program, not its flags; the outsider nothing.
        assert_error(response, 404, "not_found")
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["circle_id"], body["program_id"], body["today"]) == (
        south.pk,
        world.program.pk,
        "2027-03-01",
    )
    assert [(f["code"], f["since"]) for f in body["flags"]] == [
        ("no_schedule", south.created_at.date().isoformat())
    ]


@pytest.mark.parametrize("name", ["lead", "member"])
def test_a_circles_own_people_do_not_read_its_flags(world: Personas, name):
    assert_error(as_persona(world, name).get(_flags(world.circle.pk)), 404, "not_found")


def test_a_circle_without_flags_answers_an_empty_list(world: Personas):
    body = as_persona(world, "sponsor").get(_flags(world.circle.pk)).json()
    assert body["flags"] == []


def test_unknown_ids_are_not_found(world: Personas):
    client = as_persona(world, "admin")
    assert_error(client.get("/api/programs/999999/dashboard"), 404, "not_found")
    assert_error(client.get("/api/circles/999999/flags"), 404, "not_found")


def test_the_dashboards_query_count_does_not_grow_with_the_circles(world: Personas):
    pool = people(world.circle, 2)
    client = as_persona(world, "coordinator")
    assert_queries_flat(
        client,
        _dashboard(world),
        grow=lambda: circles_bulk(
            world.program, 30, prefix="More", pool=pool, last_monday=dt.date(2027, 2, 22)
        ),
    )
    assert len(client.get(_dashboard(world)).json()["rows"]) == 32
