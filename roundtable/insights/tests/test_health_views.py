"""The circle health page (views/health.py): every persona (404 for who may not see the circle),
each chart's JSON and its table carrying the same figures, the readings, no inline script or
style under the Content Security Policy, a new circle's empty state, the link from the circle
page, and a query count that does not grow with the data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.core.charts import format_figure
from roundtable.insights.tests.health_data import NOW, more_of_everything, north_world
from roundtable.testing.charts import chart_in
from roundtable.testing.personas import PERSONA_NAMES, Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

CHARTS = [
    "health-meetings",
    "health-attendance",
    "health-usefulness",
    "health-pulse",
    "health-ideas",
    "health-commitments",
    "health-escalations",
]


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _url(circle_pk: int) -> str:
    return reverse("insights:circle_health", args=[circle_pk])


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(personas.user(name))
    return client


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_every_persona_who_sees_the_circle_sees_its_health(personas, name):
    north_world(personas)
    response = _client(personas, name).get(_url(personas.circle.pk))
    if name == "outsider":
        assert response.status_code == 404
        assert b"Held 3 of 4" not in response.content
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "How North is doing" in body
    assert "Held 3 of 4 scheduled meetings since January (1 cancelled, 1 moved)." in body
    assert "storming is a step" in body
    for key in CHARTS:
        assert f'id="chart-{key}"' in body


def test_signed_out_visitors_are_sent_to_sign_in(personas):
    response = Client().get(_url(personas.circle.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_no_circle_by_that_number(personas):
    assert _client(personas, "admin").get(_url(999_999)).status_code == 404


def test_each_chart_s_json_and_table_carry_the_same_figures(personas):
    north_world(personas)
    body = _client(personas, "member").get(_url(personas.circle.pk)).content.decode()
    for key in CHARTS:
        chart = chart_in(body, f"chart-{key}")
        data = chart.data
        assert [row[0] for row in chart.rows] == (data["long_labels"] or data["labels"])
        for dataset in data["datasets"]:
            assert chart.columns[dataset["name"]] == dataset["texts"], key
            numbers = [v for v in dataset["values"] if v is not None]
            cells = " ".join(chart.columns[dataset["name"]])
            for value in numbers:  # every charted number is written in its cell
                assert format_figure(value) in cells, (key, value)
    meetings = chart_in(body, "chart-health-meetings")
    assert meetings.values == {"Held": [1, 1, 0, 0, 0, 1], "Cancelled": [1, 0, 0, 0, 0, 0]}
    assert meetings.columns["Scheduled"] == ["2", "1", "0", "0", "0", "1"]
    assert meetings.columns["Moved"] == ["0", "1", "0", "0", "0", "0"]
    assert meetings.rows[-1][0] == "June 2027 (so far)"
    attendance = chart_in(body, "chart-health-attendance")
    assert attendance.values == {"Present": [75, 100, None, None, None, 50]}
    assert attendance.columns["Present"][0] == "75% (3 of 4)"
    usefulness = chart_in(body, "chart-health-usefulness")
    assert usefulness.values == {"Usefulness": [2.5, 4.0, None, None, None, 5.0]}
    assert usefulness.columns["Usefulness"][0] == "2.5 / 5 from 2 ratings"
    pulse = chart_in(body, "chart-health-pulse")
    assert pulse.values == {"Pulse": [None, None, 4.0, None, None, None]}
    assert pulse.columns["Answers"] == ["0", "0", "3", "0", "2", "5"]
    ideas = chart_in(body, "chart-health-ideas")
    assert dict(zip(ideas.data["labels"], ideas.values["Ideas"], strict=True)) == {
        "Proposed": 3,
        "Went to trial": 1,
        "Adopted": 1,
        "Set aside": 1,
    }
    commitments = chart_in(body, "chart-health-commitments")
    assert commitments.values == {
        "On time": [0, 1, 0, 0, 0, 0],
        "Late": [0, 1, 0, 0, 0, 0],
        "Overdue": [0, 0, 1, 0, 1, 0],
    }
    escalations = chart_in(body, "chart-health-escalations")
    assert escalations.values == {"Raised": [0, 0, 1, 0, 1, 0]}


def test_the_page_has_no_inline_script_or_style(personas):
    north_world(personas)
    response = _client(personas, "lead").get(_url(personas.circle.pk))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    body = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", body, re.S)
    assert len(scripts) > len(CHARTS)
    for attributes, content in scripts:
        # A script is a file of our own, or data (JSON) that no browser runs.
        assert 'src="' in attributes or 'type="application/json"' in attributes, attributes
        if 'src="' in attributes:
            assert not content.strip()
    assert not re.search(r"\sstyle\s*=", body)
    assert "<style" not in body
    assert not re.search(r"\son[a-z]+\s*=", body)  # no inline event handlers either


def test_a_new_circle_says_it_has_nothing_yet(personas):
    body = _client(personas, "coordinator").get(_url(personas.other_circle.pk)).content.decode()
    assert "Nothing to show yet" in body
    assert "South has had no meetings yet" in body
    assert "<canvas" not in body


def test_the_circle_page_links_to_its_health(personas):
    body = _client(personas, "member").get(reverse("circles:detail", args=[personas.circle.pk]))
    assert f'href="{_url(personas.circle.pk)}"' in body.content.decode()


def test_the_page_s_queries_do_not_grow_with_the_data(personas):
    north = north_world(personas)
    client = _client(personas, "coordinator")

    def grow() -> None:
        for month in (2, 3, 4, 5):
            more_of_everything(north, personas.members["lead"], month)

    assert_queries_flat(client, _url(north.pk), grow=grow)
    # The same number of queries, for the new figures (not an earlier page's).
    body = client.get(_url(north.pk)).content.decode()
    assert "Held 7 of 12 scheduled meetings since January (5 cancelled, 1 moved)." in body
