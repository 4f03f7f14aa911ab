"""The JSON API as a whole: authentication, lists per persona, the error shape, validation,
pagination, the schema, and list query counts that stay flat as the data grows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import ApiToken, User
from roundtable.accounts.services import api_token_create, api_token_revoke
from roundtable.circles.services import circle_create
from roundtable.programs.services import program_create
from roundtable.testing.api import (
    as_persona,
    assert_error,
    new_member,
    patch,
    post,
)
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/me"),
        ("get", "/api/members"),
        ("get", "/api/members/1"),
        ("get", "/api/programs"),
        ("get", "/api/programs/1"),
        ("post", "/api/programs"),
        ("patch", "/api/programs/1"),
        ("post", "/api/programs/1/enrolments"),
        ("get", "/api/circles"),
        ("get", "/api/circles/1"),
        ("post", "/api/programs/1/circles"),
        ("post", "/api/circles/1/members"),
        ("delete", "/api/circles/1/members/1"),
    ],
)
def test_every_endpoint_needs_authentication(personas: Personas, method: str, url: str) -> None:
    response = getattr(Client(), method)(url, content_type="application/json")
    assert_error(response, 401, "unauthorized")


def test_bearer_token_authenticates(personas: Personas) -> None:
    response = as_persona(personas, "coordinator").get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "coordinator@example.org"
    assert body["memberships"] == [
        {
            "member_id": personas.members["coordinator"].pk,
            "organization": {"slug": personas.organization.slug, "name": "Acme Ltd"},
            "role": "coordinator",
        }
    ]


def test_revoked_token_is_401(personas: Personas) -> None:
    token, secret = api_token_create(user=personas.member, name="script")
    api_token_revoke(token=token)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/me")
    assert_error(response, 401, "unauthorized")


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer ", "Token abc", "Basic Zm9vOmJhcg=="]
)
def test_wrong_credentials_are_401(personas: Personas, header: str) -> None:
    assert_error(Client(HTTP_AUTHORIZATION=header).get("/api/me"), 401, "unauthorized")


def test_token_of_deactivated_user_is_401(personas: Personas) -> None:
    client = as_persona(personas, "member")
    User.objects.filter(pk=personas.member.pk).update(is_active=False)
    assert_error(client.get("/api/me"), 401, "unauthorized")


def test_using_a_token_records_when(personas: Personas) -> None:
    client = as_persona(personas, "member")
    client.get("/api/me")
    assert ApiToken.objects.get(user=personas.member).last_used_at is not None


def test_a_wrong_token_is_not_rescued_by_the_session(personas: Personas) -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer rt_wrong")
    client.force_login(personas.member)
    assert_error(client.get("/api/me"), 401, "unauthorized")


def test_session_authenticates_reads(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.member)
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["email"] == "member@example.org"


def test_session_writes_need_the_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator)
    url = f"/api/programs/{personas.program.pk}"

    assert_error(patch(client, url, {"name": "Renamed"}), 403, "forbidden")

    # The docs page hands the browser its CSRF token, as Swagger UI then sends it.
    assert client.get("/api/docs").status_code == 200
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        url, {"name": "Renamed"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Renamed"


def test_token_writes_need_no_csrf_token(personas: Personas) -> None:
    _token, secret = api_token_create(user=personas.coordinator, name="script")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = patch(client, f"/api/programs/{personas.program.pk}", {"name": "Renamed"})
    assert response.status_code == 200, response.content


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "circles"),
    [
        ("admin", ["North", "South"]),
        ("coordinator", ["North", "South"]),
        ("sponsor", ["North", "South"]),
        ("lead", ["North"]),
        ("member", ["North"]),
        ("outsider", []),
    ],
)
def test_lists_per_persona(personas: Personas, persona: str, circles: list[str]) -> None:
    client = as_persona(personas, persona)
    circle_page = client.get("/api/circles").json()
    assert [c["name"] for c in circle_page["items"]] == circles
    assert circle_page["count"] == len(circles)
    program_page = client.get("/api/programs").json()
    expected_programs = [] if persona == "outsider" else ["Customer retention circles"]
    assert [p["name"] for p in program_page["items"]] == expected_programs


def test_program_list_has_counts(personas: Personas) -> None:
    item = as_persona(personas, "coordinator").get("/api/programs").json()["items"][0]
    assert item["circle_count"] == 2
    assert item["enrolled_count"] == 3


def test_missing_objects_and_unknown_urls_are_404(personas: Personas) -> None:
    client = as_persona(personas, "admin")
    for url in (
        "/api/programs/999999",
        "/api/circles/999999",
        "/api/members/999999",
        "/api/no-such-thing",
        "/api/programs/1/nothing/here",
    ):
        assert_error(client.get(url), 404, "not_found")
    assert_error(Client().post("/api/no-such-thing"), 404, "not_found")


def test_a_method_an_endpoint_does_not_serve_is_a_json_405(personas: Personas) -> None:
    client = as_persona(personas, "admin")
    response = client.delete("/api/me")
    body = assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    assert "DELETE" in body["detail"]
    assert "GET" in body["detail"]
    response = client.put("/api/programs", "{}", content_type="application/json")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, POST"
    # The site's own pages keep Django's plain 405.
    assert Client().put("/accounts/logout/").status_code == 405


def test_an_unexpected_failure_is_a_json_500_and_is_logged(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(user: User) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("roundtable.api.routers.me.permissions.memberships", broken)
    _token, secret = api_token_create(user=personas.user("admin"), name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/api/me")
    body = assert_error(response, 500, "server_error")
    assert "database" not in body["detail"]  # nothing internal leaks to the client
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
    assert "database went away" in str(record.exc_info[1])


# --- members --------------------------------------------------------------------------------


def test_validation_errors_name_their_fields(personas: Personas) -> None:
    response = post(
        as_persona(personas, "admin"),
        "/api/programs",
        {"organization": personas.organization.slug, "start_date": "not a date"},
    )
    body = assert_error(response, 422, "invalid")
    locations = {tuple(e["loc"]) for e in body["errors"]}
    assert ("body", "payload", "name") in locations
    assert ("body", "payload", "start_date") in locations
    assert all(e["msg"] and e["type"] for e in body["errors"])


def test_malformed_json_is_400_and_a_bad_path_parameter_422(personas: Personas) -> None:
    client = as_persona(personas, "admin")
    response = client.post("/api/programs", "{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")
    body = assert_error(client.get("/api/programs/abc"), 422, "invalid")
    assert body["errors"][0]["loc"] == ["path", "program_id"]


def test_pagination(personas: Personas) -> None:
    for n in range(3):
        circle_create(program=personas.program, name=f"Extra {n}")
    client = as_persona(personas, "admin")

    first = client.get("/api/circles", {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["items"]) == 2
    last = client.get("/api/circles", {"page_size": 2, "page": 3}).json()
    assert [c["name"] for c in last["items"]] == ["South"]
    beyond = client.get("/api/circles", {"page_size": 2, "page": 9}).json()
    assert beyond == {"items": [], "count": 5}

    assert_error(client.get("/api/circles", {"page": 0}), 422, "invalid")


def test_page_size_is_capped_at_100(personas: Personas) -> None:
    for n in range(101):
        new_member(personas, f"person{n:03d}")
    page = as_persona(personas, "admin").get("/api/members", {"page_size": 500}).json()
    assert page["count"] == 107
    assert len(page["items"]) == 100


def test_openapi_schema_and_docs(personas: Personas) -> None:
    client = Client()
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/me",
        "/api/members",
        "/api/members/{member_id}",
        "/api/programs",
        "/api/programs/{program_id}",
        "/api/programs/{program_id}/enrolments",
        "/api/programs/{program_id}/circles",
        "/api/circles",
        "/api/circles/{circle_id}",
        "/api/circles/{circle_id}/members",
        "/api/circles/{circle_id}/members/{member_id}",
    ):
        assert path in paths, path
    assert set(paths["/api/programs"]) == {"get", "post"}
    assert client.get("/api/docs").status_code == 200


# --- query counts ---------------------------------------------------------------------------


def _grow(personas: Personas) -> None:
    """Add enough programs, circles and members that any per-row query would show."""
    org = personas.organization
    coordinator = personas.members["coordinator"]
    for n in range(5):
        extra = new_member(personas, f"grown{n}", skills=["Negotiation"], approaches=["Coaching"])
        program = program_create(
            organization=org,
            name=f"Program {n}",
            purpose="Grow the data.",
            sponsor=extra,
            coordinators=[coordinator, extra],
            start_date=org.created_at.date(),
        )
        circle_create(program=program, name=f"Circle {n}", members=[extra], lead=extra)


@pytest.mark.parametrize("url", ["/api/programs", "/api/circles", "/api/members"])
def test_list_query_count_does_not_grow_with_rows(
    personas: Personas, django_assert_num_queries: Any, url: str
) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url).json()
    _grow(personas)
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(url).json()
    assert large["count"] >= small["count"] + 5


def test_token_list_query_count_is_bounded(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client = as_persona(personas, "coordinator")
    _grow(personas)
    # token lookup, last-used stamp, memberships, count, page, prefetches
    with django_assert_max_num_queries(8):
        assert client.get("/api/programs").status_code == 200
