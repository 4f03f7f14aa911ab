"""The circle health API (routers/insights/health): as every persona (404 for who may not see the
circle), the same figures as the page (month by month, totals, readings), pulse values only for a
closed period with at least three answers, and authentication required."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.api.api import api
from roundtable.insights.tests.health_data import NOW, north_world
from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    assert_needs_authentication,
    operations_tagged,
)
from roundtable.testing.charts import chart_in
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _url(circle_pk: int) -> str:
    return f"/api/circles/{circle_pk}/health"


def test_the_endpoint_needs_authentication(personas):
    operations = operations_tagged(api.get_openapi_schema(), "insights")
    assert ("get", "/api/circles/{circle_id}/health") in operations
    assert_needs_authentication("get", _url(personas.circle.pk))


@pytest.mark.parametrize("name", PERSONAS)
def test_reading_a_circle_s_health_as_every_persona(personas: Personas, name):
    north_world(personas)
    response = as_persona(personas, name).get(_url(personas.circle.pk))
    if name == "outsider":
        assert_error(response, 404, "not_found")
        assert "scheduled" not in response.content.decode()
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["circle_id"], body["time_zone"]) == (personas.circle.pk, "Europe/London")
    assert (body["today"], body["since"]) == ("2027-06-15", "2027-01-01")
    months = body["months"]
    assert [m["month"] for m in months] == [f"2027-0{m}-01" for m in range(1, 7)]
    column = {key: [m[key] for m in months] for key in months[0]}
    assert column["scheduled"] == [2, 1, 0, 0, 0, 1]
    assert column["held"] == [1, 1, 0, 0, 0, 1]
    assert column["cancelled"] == [1, 0, 0, 0, 0, 0]
    assert column["moved"] == [0, 1, 0, 0, 0, 0]
    assert column["held_percent"] == [50, 100, None, None, None, 100]
    assert column["attendance_percent"] == [75, 100, None, None, None, 50]
    assert column["usefulness"] == [2.5, 4.0, None, None, None, 5.0]
    assert column["ideas_proposed"] == [2, 0, 1, 0, 0, 0]
    assert column["ideas_to_trial"] == [0, 0, 0, 1, 0, 0]
    assert column["commitments_on_time"] == [0, 1, 0, 0, 0, 0]
    assert column["commitments_late"] == [0, 1, 0, 0, 0, 0]
    assert column["commitments_overdue"] == [0, 0, 1, 0, 1, 0]
    assert column["escalations"] == [0, 0, 1, 0, 1, 0]
    totals = body["totals"]
    assert (totals["scheduled"], totals["held"], totals["usefulness"]) == (4, 3, 3.5)
    assert (body["escalations_open"], body["ideas_on_trial"]) == (1, 1)


def test_pulse_values_only_from_three_answers(personas: Personas):
    north_world(personas)
    body = as_persona(personas, "member").get(_url(personas.circle.pk)).json()
    assert body["pulse_min_answers"] == 3
    periods = body["pulse"]
    assert [p["answers"] for p in periods] == [0, 0, 3, 0, 2, 5]
    assert [p["shown"] for p in periods] == [False, False, True, False, False, False]
    assert [p["overall"] for p in periods] == [None, None, 4.0, None, None, None]
    assert [p["stage"] is None for p in periods] == [True, True, False, True, True, True]
    # The two answers of 2 and the open period's five of 5 leave as counts only.
    assert [p["overall"] for p in periods if p["answers"] in (2, 5)] == [None, None]
    assert periods[-1]["is_open"] is True


def test_the_api_says_what_the_page_says(personas: Personas):
    north_world(personas)
    body = as_persona(personas, "coordinator").get(_url(personas.circle.pk)).json()
    client = Client()
    client.force_login(personas.coordinator)
    page = client.get(reverse("insights:circle_health", args=[personas.circle.pk]))
    html = page.content.decode()
    readings = {r["figure"]: r["reading"] for r in body["readings"]}
    assert set(readings) == {
        "meetings",
        "attendance",
        "usefulness",
        "pulse",
        "ideas",
        "commitments",
        "escalations",
    }
    for reading in readings.values():
        assert reading.replace("'", "&#x27;") in html
    meetings = chart_in(html, "chart-health-meetings")
    assert meetings.values["Held"] == [m["held"] for m in body["months"]]
    usefulness = chart_in(html, "chart-health-usefulness")
    assert usefulness.values["Usefulness"] == [m["usefulness"] for m in body["months"]]
    pulse = chart_in(html, "chart-health-pulse")
    assert pulse.values["Pulse"] == [p["overall"] for p in body["pulse"]]


def test_a_circle_that_does_not_exist_is_not_found(personas: Personas):
    assert_error(as_persona(personas, "admin").get(_url(999_999)), 404, "not_found")
