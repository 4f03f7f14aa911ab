"""Bad input is a 4xx with the API's error shape, never a 500 and never a guess: each case here
was a server error or was silently accepted before (issue 12, item 7; found by schemathesis)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from roundtable.core.text import text_clean
from roundtable.testing.api import as_persona, assert_error, post
from roundtable.testing.personas import Personas


@pytest.fixture
def admin(personas: Personas) -> Client:
    client = as_persona(personas, "admin")
    client.raise_request_exception = False  # a server error must show as the 500 it would be
    return client


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data, content_type="application/json")


def invalid_fields(response: Any) -> list[str]:
    body = assert_error(response, 422, "invalid")
    return [str(e["loc"][-1]) for e in body["errors"]]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("field", ["member_id"])
def test_an_id_of_2_to_the_63_is_a_422(admin: Client, personas: Personas, field: str) -> None:
    response = post(
        admin, f"/api/circles/{personas.circle.pk}/members", {field: 9223372036854775808}
    )
    assert invalid_fields(response) == [field]


@override_settings(DEBUG=False)
def test_ids_in_enrolments_and_paths_are_bounded(admin: Client, personas: Personas) -> None:
    enrol = post(admin, f"/api/programs/{personas.program.pk}/enrolments", {"member_ids": [2**63]})
    assert invalid_fields(enrol) == ["0"]  # the first item of member_ids
    assert invalid_fields(admin.get(f"/api/circles/{2**63}")) == ["circle_id"]


@override_settings(DEBUG=False)
def test_a_huge_page_number_is_a_422(admin: Client) -> None:
    assert invalid_fields(admin.get("/api/circles?page=2606405925343902826496")) == ["page"]
    assert admin.get("/api/circles?page=2").status_code == 200  # past the data: an empty page


@override_settings(DEBUG=False)
def test_a_start_time_with_a_zone_offset_is_a_422(admin: Client, personas: Personas) -> None:
    schedule = {"frequency": "weekly", "weekday": 0, "starts_on": "2026-09-22"}
    response = put(
        admin,
        f"/api/circles/{personas.circle.pk}/schedule",
        {**schedule, "start_time": "00:00:00Z"},
    )
    assert invalid_fields(response) == ["start_time"]


@override_settings(DEBUG=False)
def test_a_lone_surrogate_is_a_400(admin: Client, personas: Personas) -> None:
    response = admin.post(
        f"/api/circles/{personas.circle.pk}/members",
        b'{"member_id": 1, "note": "\\ud800"}',
        content_type="application/json",
    )
    body = assert_error(response, 400, "bad_request")
    assert "surrogate" in body["detail"]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("body", [b"[1, 2]", b'{"member_id": NaN}', b"{", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_400(
    admin: Client, personas: Personas, body: bytes
) -> None:
    response = admin.post(
        f"/api/circles/{personas.circle.pk}/members", body, content_type="application/json"
    )
    assert_error(response, 400, "bad_request")


@override_settings(DEBUG=False)
def test_a_5_mb_body_is_a_413(admin: Client, personas: Personas) -> None:
    huge = b'{"title": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    response = admin.post(
        f"/api/meetings/{2**31 - 1}/agenda", huge, content_type="application/json"
    )
    body = assert_error(response, 413, "too_large")
    assert "too large" in body["detail"]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("member_id", [True, "7", 1.5])
def test_an_id_must_be_a_json_integer(admin: Client, member_id: Any) -> None:
    response = put(
        admin, "/api/meetings/1/attendance", {"member_id": member_id, "status": "present"}
    )
    assert invalid_fields(response) == ["member_id"]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("rating", ["3", True, 0, 6])
def test_a_rating_must_be_a_number_from_1_to_5(admin: Client, rating: Any) -> None:
    assert invalid_fields(put(admin, "/api/meetings/1/feedback", {"rating": rating})) == ["rating"]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("title", ["Van\x00stock", "\u200b\u200b", " \ufeff\u2060 ", "a\x1bb"])
def test_titles_with_control_characters_or_nothing_visible_are_a_422(
    admin: Client, title: str
) -> None:
    response = post(admin, "/api/meetings/1/agenda", {"title": title})
    assert invalid_fields(response) == ["title"]


@override_settings(DEBUG=False)
def test_unbounded_text_is_a_422(admin: Client, personas: Personas) -> None:
    details = post(admin, "/api/meetings/1/agenda", {"title": "Stock", "details": "x" * 100_000})
    assert invalid_fields(details) == ["details"]
    note = post(
        admin,
        f"/api/programs/{personas.program.pk}/pair-rules",
        {"kind": "apart", "first_id": 1, "second_id": 2, "note": "x" * 1_000_000},
    )
    assert invalid_fields(note) == ["note"]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("date", ["9999-12-31", "1899-12-31", "2026-1-1", "20260101"])
def test_dates_are_iso_and_in_range(admin: Client, personas: Personas, date: str) -> None:
    response = admin.patch(
        f"/api/programs/{personas.program.pk}",
        {"start_date": date},
        content_type="application/json",
    )
    assert invalid_fields(response) == ["start_date"]


@override_settings(DEBUG=False)
def test_an_explicit_null_in_a_patch_is_refused_except_end_date(
    admin: Client, personas: Personas
) -> None:
    url = f"/api/programs/{personas.program.pk}"
    assert invalid_fields(admin.patch(url, {"name": None}, content_type="application/json")) == [
        "name"
    ]
    cleared = admin.patch(url, {"end_date": None}, content_type="application/json")
    assert cleared.status_code == 200
    assert cleared.json()["end_date"] is None


def test_text_is_nfc_normalised_and_keeps_tabs_and_newlines() -> None:
    assert text_clean("Cafe\u0301\tplan\r\n") == "Caf\u00e9\tplan\r\n"
    with pytest.raises(ValueError, match="U\\+0000"):
        text_clean("a\x00")
    with pytest.raises(ValueError, match="blank"):
        text_clean("\u3164\u200d", required=True)
    assert text_clean("", required=False) == ""
