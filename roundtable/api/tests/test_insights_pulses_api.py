"""The pulse API (routers/insights/pulses): every endpoint as every persona (404 for what one may
not see, 403 for what one sees but may not do, and nothing changed); results only for a closed
period with at least three answers (the count alone otherwise); a second answer refused with
code `already_answered`; bad input naming the field; no name in any answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from roundtable.api.api import api
from roundtable.insights.models import PulseAnswer, PulseReceipt, PulseSchedule
from roundtable.insights.tests.pulse_helpers import (
    FEB,
    JAN,
    MAR,
    NOW,
    STARTS_ON,
    peers_add,
    rows_add,
    schedule_on,
    scores,
)
from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    assert_needs_authentication,
    assert_persona_answer,
    bearer,
    managers_only,
    operations_tagged,
)
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db

SECRET = "The mauve kettle conversation helped"
ANSWERERS = {"lead", "member"}


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _pulse_url(personas: Personas) -> str:
    return f"/api/circles/{personas.circle.pk}/pulse"


def _schedule_url(personas: Personas) -> str:
    return f"/api/programs/{personas.program.pk}/pulse-schedule"


def _answers() -> tuple[Any, ...]:
    return (
        tuple(PulseAnswer.objects.order_by("pk").values_list()),
        tuple(PulseReceipt.objects.order_by("pk").values_list()),
    )


def _schedule() -> tuple[Any, ...]:
    return tuple(PulseSchedule.objects.values_list("active", "every_weeks", "starts_on"))


def test_every_operation_needs_authentication(personas):
    operations = operations_tagged(api.get_openapi_schema(), "insights")
    ours = [(m, p) for m, p in operations if "pulse" in p]
    assert sorted(ours) == [
        ("get", "/api/circles/{circle_id}/pulse"),
        ("get", "/api/programs/{program_id}/pulse-schedule"),
        ("post", "/api/circles/{circle_id}/pulse"),
        ("put", "/api/programs/{program_id}/pulse-schedule"),
    ]
    for method, path in ours:
        url = path.replace("{circle_id}", str(personas.circle.pk)).replace(
            "{program_id}", str(personas.program.pk)
        )
        assert_needs_authentication(method, url)


@pytest.mark.parametrize("name", PERSONAS)
def test_reading_a_circle_s_pulse_as_every_persona(personas, name):
    schedule_on(personas)
    rows_add(personas.circle, JAN, [scores(4), scores(4), scores(3)], comment=SECRET)
    rows_add(personas.circle, FEB, [scores(1), scores(2)], comment="Below three")
    response = as_persona(personas, name).get(_pulse_url(personas))
    if name == "outsider":
        assert_error(response, 404, "not_found")
        return
    assert response.status_code == 200
    body = response.json()
    assert body["current"] == {
        "period_start": "2027-03-01",
        "period_end": "2027-03-28",
        "can_answer": name in ANSWERERS,
        "answered": False,
    }
    jan, feb, mar = body["periods"]
    assert jan["shown"] is True
    assert jan["means"]["trust"] == pytest.approx(3.67)
    assert jan["stage"] == "forming"
    assert jan["comments"] == [SECRET] * 3
    hidden: dict[str, Any] = {
        "shown": False,
        "means": None,
        "overall": None,
        "spread": None,
        "stage": None,
        "stage_note": "",
        "stage_reason": "",
        "comments": [],
    }
    assert {k: feb[k] for k in hidden} == hidden
    assert feb["answers"] == 2
    assert "Below three" not in response.content.decode()
    assert {k: mar[k] for k in hidden} == hidden
    assert (mar["answers"], mar["is_open"]) == (0, True)


def test_an_open_period_gives_its_count_only_whatever_the_number(personas):
    schedule_on(personas)
    rows_add(personas.circle, MAR, [scores(5)] * 4, comment="Open still")
    body = as_persona(personas, "member").get(_pulse_url(personas)).json()
    march = body["periods"][-1]
    assert (march["answers"], march["shown"], march["means"], march["comments"]) == (
        4,
        False,
        None,
        [],
    )
    assert "Open still" not in str(body)


@pytest.mark.parametrize("name", PERSONAS)
def test_answering_as_every_persona(personas, name):
    schedule_on(personas)
    expected = {"outsider": 404}.get(name, 201 if name in ANSWERERS else 403)
    assert_persona_answer(
        personas,
        name,
        expected,
        ("post", _pulse_url(personas), {**scores(4), "comment": "Fine"}),
        _answers,
    )
    if expected == 201:
        client = as_persona(personas, name)
        assert client.get(_pulse_url(personas)).json()["current"]["answered"] is True


def test_an_answer_returns_its_period_and_nothing_that_points_at_it(personas):
    schedule_on(personas)
    response = as_persona(personas, "member").post(
        _pulse_url(personas), {**scores(4), "comment": "  Hello  "}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json() == {
        "period_start": "2027-03-01",
        "period_end": "2027-03-28",
        "answered": True,
    }
    assert PulseAnswer.objects.get().comment == "Hello"


def test_a_second_answer_is_refused_and_changes_nothing(personas):
    schedule_on(personas)
    client = as_persona(personas, "member")
    url = _pulse_url(personas)
    assert client.post(url, scores(5), content_type="application/json").status_code == 201
    before = _answers()
    again = client.post(url, scores(1), content_type="application/json")
    body = assert_error(again, 400, "already_answered")
    assert "already answered this period" in body["detail"]
    assert _answers() == before


def test_a_score_outside_the_scale_names_the_field(personas):
    schedule_on(personas)
    client = as_persona(personas, "member")
    for bad in (0, 6, "4", True, None, 2.5):
        response = client.post(
            _pulse_url(personas), {**scores(3), "usefulness": bad}, content_type="application/json"
        )
        body = assert_error(response, 422, "invalid")
        assert body["errors"][0]["loc"][-1] == "usefulness"
    missing = dict(scores(3))
    del missing["trust"]
    body = assert_error(
        client.post(_pulse_url(personas), missing, content_type="application/json"),
        422,
        "invalid",
    )
    assert body["errors"][0]["loc"][-1] == "trust"
    too_long = {**scores(3), "comment": "x" * 1001}
    body = assert_error(
        client.post(_pulse_url(personas), too_long, content_type="application/json"),
        422,
        "invalid",
    )
    assert body["errors"][0]["loc"][-1] == "comment"
    assert _answers() == ((), ())


def test_no_answer_without_a_running_pulse(personas):
    response = as_persona(personas, "member").post(
        _pulse_url(personas), scores(3), content_type="application/json"
    )
    body = assert_error(response, 400, "invalid")
    assert body["field"] == "circle"
    assert "has no pulse check running" in body["detail"]
    assert as_persona(personas, "member").get(_pulse_url(personas)).json() == {
        "circle_id": personas.circle.pk,
        "min_answers": 3,
        "current": None,
        "periods": [],
    }


def test_no_name_of_an_answerer_in_any_response(personas):
    schedule_on(personas)
    people = peers_add(personas, 3)
    with time_machine.travel(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        for member in people:
            client = bearer(member.user)
            assert (
                client.post(
                    _pulse_url(personas),
                    {**scores(4), "comment": SECRET},
                    content_type="application/json",
                ).status_code
                == 201
            )
    names = [m.user.full_name for m in people] + [m.user.email for m in people]
    for name in PERSONAS:
        body = as_persona(personas, name).get(_pulse_url(personas)).content.decode()
        if name != "outsider":
            assert SECRET in body  # February has closed with three answers
        assert not any(n in body for n in names)


@pytest.mark.parametrize("name", PERSONAS)
def test_reading_the_schedule_as_every_persona(personas, name):
    schedule_on(personas)
    rows_add(personas.circle, MAR, [scores(4)] * 3, comment=SECRET)
    response = as_persona(personas, name).get(_schedule_url(personas))
    if name == "outsider":
        assert_error(response, 404, "not_found")
        return
    if name in ANSWERERS:
        assert_error(response, 403, "forbidden")
        return
    assert response.status_code == 200
    assert response.json() == {
        "program_id": personas.program.pk,
        "configured": True,
        "active": True,
        "every_weeks": 4,
        "starts_on": STARTS_ON.isoformat(),
        "current_period_start": "2027-03-01",
        "current_period_end": "2027-03-28",
        "counts": {"circles": 2, "answering": 1, "reached": 1, "answers": 3},
    }


@pytest.mark.parametrize(("name", "expected"), managers_only(200))
def test_setting_the_schedule_as_every_persona(personas, name, expected):
    assert_persona_answer(
        personas,
        name,
        expected,
        ("put", _schedule_url(personas), {"active": True, "every_weeks": 2}),
        _schedule,
    )
    if expected == 200:
        assert _schedule() == ((True, 2, dt.date(2027, 3, 8)),)


def test_setting_the_schedule_refuses_bad_input_naming_the_field(personas):
    client = as_persona(personas, "coordinator")
    url = _schedule_url(personas)
    body = assert_error(
        client.put(url, {"active": True, "every_weeks": 3}, content_type="application/json"),
        400,
        "invalid",
    )
    assert body["field"] == "every_weeks"
    body = assert_error(
        client.put(
            url,
            {"active": True, "every_weeks": 4, "starts_on": "2027-03-09"},
            content_type="application/json",
        ),
        400,
        "invalid",
    )
    assert body["field"] == "starts_on"
    body = assert_error(
        client.put(url, {"active": "yes", "every_weeks": 4}, content_type="application/json"),
        422,
        "invalid",
    )
    assert body["errors"][0]["loc"][-1] == "active"
    assert _schedule() == ()
    ok = client.put(
        url,
        {"active": True, "every_weeks": 4, "starts_on": "2027-01-04"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["current_period_start"] == "2027-03-01"
