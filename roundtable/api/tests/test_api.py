"""The JSON API: authentication, who sees and changes what, the error shape, pagination, the
schema, and query counts that stay flat as the data grows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import ApiToken, User
from roundtable.accounts.services import api_token_create, api_token_revoke
from roundtable.circles.services import circle_create
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create, organization_create
from roundtable.programs.models import Program
from roundtable.programs.services import program_create
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "outsider")


def bearer(user: User) -> Client:
    _token, secret = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def as_persona(personas: Personas, name: str) -> Client:
    return bearer(personas.user(name))


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type="application/json")


def new_member(personas: Personas, name: str, **extra: Any) -> Member:
    return member_create(
        organization=personas.organization,
        email=f"{name}@example.org",
        full_name=f"{name.capitalize()} Extra",
        **extra,
    )


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


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


@pytest.mark.parametrize("persona", PERSONAS)
def test_program_detail_per_persona(personas: Personas, persona: str) -> None:
    response = as_persona(personas, persona).get(f"/api/programs/{personas.program.pk}")
    if persona == "outsider":
        assert_error(response, 404, "not_found")
        return
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Customer retention circles"
    assert body["organization"]["slug"] == personas.organization.slug
    assert body["sponsor"] == {"id": personas.members["sponsor"].pk, "name": "Sponsor Persona"}
    assert body["coordinators"] == [
        {"id": personas.members["coordinator"].pk, "name": "Coordinator Persona"}
    ]
    assert body["start_date"] == personas.program.start_date.isoformat()


@pytest.mark.parametrize("persona", PERSONAS)
def test_circle_detail_per_persona(personas: Personas, persona: str) -> None:
    response = as_persona(personas, persona).get(f"/api/circles/{personas.circle.pk}")
    if persona == "outsider":
        assert_error(response, 404, "not_found")
        return
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "North"
    assert body["lead"] == {"id": personas.members["lead"].pk, "name": "Lead Persona"}
    assert [m["name"] for m in body["members"]] == ["Lead Persona", "Member Persona"]
    assert all(dt.date.fromisoformat(m["joined_on"]) for m in body["members"])
    assert body["program"] == {"id": personas.program.pk, "name": personas.program.name}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("sponsor", 200),
        ("lead", 404),
        ("member", 404),
        ("outsider", 404),
    ],
)
def test_other_circle_is_hidden_from_those_outside_it(
    personas: Personas, persona: str, status: int
) -> None:
    response = as_persona(personas, persona).get(f"/api/circles/{personas.other_circle.pk}")
    assert response.status_code == status


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


def test_member_directory_lists_and_searches(personas: Personas) -> None:
    client = as_persona(personas, "member")
    page = client.get("/api/members").json()
    assert page["count"] == 6  # five personas and the peer of the other circle
    assert "Outsider Persona" not in [m["name"] for m in page["items"]]

    found = client.get(
        "/api/members", {"organization": personas.organization.slug, "q": "coord"}
    ).json()
    assert [m["name"] for m in found["items"]] == ["Coordinator Persona"]


def test_member_directory_of_someone_elses_organisation_is_404(personas: Personas) -> None:
    response = as_persona(personas, "outsider").get(
        "/api/members", {"organization": personas.organization.slug}
    )
    assert_error(response, 404, "not_found")


def test_member_of_another_organisation_is_404(personas: Personas) -> None:
    response = as_persona(personas, "outsider").get(f"/api/members/{personas.members['member'].pk}")
    assert_error(response, 404, "not_found")


def test_private_member_fields_follow_the_policy(personas: Personas) -> None:
    manager = personas.members["admin"]
    colleague = new_member(personas, "colleague", hire_date=dt.date(2020, 1, 6), manager=manager)
    url = f"/api/members/{colleague.pk}"

    # A peer sees the public profile only.
    hidden = as_persona(personas, "member").get(url).json()
    assert hidden["hire_date"] is None
    assert hidden["manager_id"] is None
    assert hidden["availability"] is None
    assert hidden["organization"]["slug"] == personas.organization.slug

    # Coordinators see everything, and so does the person.
    for client in (as_persona(personas, "coordinator"), bearer(colleague.user)):
        shown = client.get(url).json()
        assert shown["hire_date"] == "2020-01-06"
        assert shown["manager_id"] == manager.pk
        assert shown["availability"] == []

    listed = {
        m["id"]: m for m in as_persona(personas, "member").get("/api/members").json()["items"]
    }
    assert listed[colleague.pk]["hire_date"] is None
    listed = {m["id"]: m for m in as_persona(personas, "admin").get("/api/members").json()["items"]}
    assert listed[colleague.pk]["hire_date"] == "2020-01-06"


def test_member_directory_needs_an_organisation_when_there_are_several(
    personas: Personas,
) -> None:
    other = organization_create(name="Second Ltd")
    member_create(organization=other, email="member@example.org", full_name="Member Persona")
    client = as_persona(personas, "member")
    body = assert_error(client.get("/api/members"), 400, "invalid")
    assert body["field"] == "organization"
    assert client.get("/api/members", {"organization": other.slug}).json()["count"] == 1


# --- program writes -------------------------------------------------------------------------


def program_payload(personas: Personas, **changes: Any) -> dict[str, Any]:
    payload = {
        "organization": personas.organization.slug,
        "name": "Onboarding buddies",
        "purpose": "Help new starters find their feet.",
        "sponsor_id": personas.members["sponsor"].pk,
        "coordinator_ids": [personas.members["coordinator"].pk],
        "start_date": "2030-03-01",
        "cadence": "biweekly",
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 201),
        ("coordinator", 201),
        ("sponsor", 403),
        ("lead", 403),
        ("member", 403),
        ("outsider", 404),
    ],
)
def test_program_create_per_persona(personas: Personas, persona: str, status: int) -> None:
    response = post(as_persona(personas, persona), "/api/programs", program_payload(personas))
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["name"] == "Onboarding buddies"
        assert body["start_date"] == "2030-03-01"
        assert body["end_date"] is None
        assert body["cadence"] == "biweekly"
        assert body["status"] == "draft"
        assert Program.objects.filter(pk=body["id"]).exists()
    else:
        assert not Program.objects.filter(name="Onboarding buddies").exists()


def test_program_create_rejects_a_sponsor_from_elsewhere(personas: Personas) -> None:
    payload = program_payload(personas, sponsor_id=personas.members["outsider"].pk)
    response = post(as_persona(personas, "admin"), "/api/programs", payload)
    body = assert_error(response, 400, "invalid")
    assert body["field"] == "sponsor_id"


def test_program_create_needs_a_coordinator(personas: Personas) -> None:
    payload = program_payload(personas, coordinator_ids=[])
    body = assert_error(
        post(as_persona(personas, "admin"), "/api/programs", payload), 400, "invalid"
    )
    assert body["field"] == "coordinator_ids"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("sponsor", 403),
        ("lead", 403),
        ("member", 403),
        ("outsider", 404),
    ],
)
def test_program_update_per_persona(personas: Personas, persona: str, status: int) -> None:
    url = f"/api/programs/{personas.program.pk}"
    response = patch(as_persona(personas, persona), url, {"name": "Win-back circles"})
    assert response.status_code == status, response.content
    personas.program.refresh_from_db()
    renamed = personas.program.name == "Win-back circles"
    assert renamed is (status == 200)


def test_program_update_changes_only_what_is_sent(personas: Personas) -> None:
    client = as_persona(personas, "coordinator")
    url = f"/api/programs/{personas.program.pk}"
    new_coordinator = personas.members["lead"]
    response = patch(
        client,
        url,
        {"end_date": "2031-01-31", "coordinator_ids": [new_coordinator.pk], "status": "ended"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["end_date"] == "2031-01-31"
    assert body["status"] == "ended"
    assert body["name"] == "Customer retention circles"
    assert body["coordinators"] == [{"id": new_coordinator.pk, "name": "Lead Persona"}]

    cleared = patch(as_persona(personas, "admin"), url, {"end_date": None})
    assert cleared.json()["end_date"] is None


def test_program_update_refuses_null_for_required_fields(personas: Personas) -> None:
    response = patch(
        as_persona(personas, "admin"), f"/api/programs/{personas.program.pk}", {"name": None}
    )
    body = assert_error(response, 422, "invalid")
    assert body["errors"][0]["loc"] == ["body", "payload", "name"]


def test_program_update_reports_an_out_of_range_circle_size(personas: Personas) -> None:
    response = patch(
        as_persona(personas, "admin"),
        f"/api/programs/{personas.program.pk}",
        {"target_circle_size": 50},
    )
    body = assert_error(response, 400, "invalid")
    assert body["field"] == "target_circle_size"
    assert "20 people at most" in body["detail"]


def test_program_update_reports_broken_rules(personas: Personas) -> None:
    response = patch(
        as_persona(personas, "admin"),
        f"/api/programs/{personas.program.pk}",
        {"end_date": "1999-01-01"},
    )
    body = assert_error(response, 400, "invalid")
    assert body["field"] == "end_date"


def test_enrol_members(personas: Personas) -> None:
    newcomer = new_member(personas, "newcomer")
    url = f"/api/programs/{personas.program.pk}/enrolments"
    payload = {"member_ids": [newcomer.pk, personas.members["member"].pk]}

    assert post(as_persona(personas, "sponsor"), url, payload).status_code == 403
    assert post(as_persona(personas, "outsider"), url, payload).status_code == 404

    response = post(as_persona(personas, "coordinator"), url, payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [e["member"]["name"] for e in body] == ["Newcomer Extra", "Member Persona"]
    assert all(e["withdrawn_on"] is None for e in body)
    assert personas.program.enrolments.filter(member=newcomer).exists()


def test_enrol_rejects_unknown_members_and_empty_lists(personas: Personas) -> None:
    client = as_persona(personas, "coordinator")
    url = f"/api/programs/{personas.program.pk}/enrolments"
    outsider_id = personas.members["outsider"].pk
    body = assert_error(post(client, url, {"member_ids": [outsider_id]}), 400, "invalid")
    assert body["field"] == "member_ids"
    assert str(outsider_id) in body["detail"]
    assert_error(post(client, url, {"member_ids": []}), 422, "invalid")


# --- circle writes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 201),
        ("coordinator", 201),
        ("sponsor", 403),
        ("lead", 403),
        ("member", 403),
        ("outsider", 404),
    ],
)
def test_circle_create_per_persona(personas: Personas, persona: str, status: int) -> None:
    newcomer = new_member(personas, "newcomer")
    response = post(
        as_persona(personas, persona),
        f"/api/programs/{personas.program.pk}/circles",
        {"name": "East", "member_ids": [newcomer.pk], "lead_id": personas.members["sponsor"].pk},
    )
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["name"] == "East"
        assert body["time_zone"] == "Europe/London"
        assert body["lead"]["id"] == personas.members["sponsor"].pk
        assert {m["id"] for m in body["members"]} == {
            newcomer.pk,
            personas.members["sponsor"].pk,
        }
    else:
        assert not personas.program.circles.filter(name="East").exists()


def test_circle_create_reports_a_duplicate_name(personas: Personas) -> None:
    response = post(
        as_persona(personas, "coordinator"),
        f"/api/programs/{personas.program.pk}/circles",
        {"name": "north"},
    )
    body = assert_error(response, 400, "invalid")
    assert body["field"] == "name"
    assert "already has a circle" in body["detail"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 201),
        ("coordinator", 201),
        ("sponsor", 403),
        ("lead", 403),
        ("member", 403),
        ("outsider", 404),
    ],
)
def test_circle_add_member_per_persona(personas: Personas, persona: str, status: int) -> None:
    newcomer = new_member(personas, "newcomer")
    response = post(
        as_persona(personas, persona),
        f"/api/circles/{personas.circle.pk}/members",
        {"member_id": newcomer.pk},
    )
    assert response.status_code == status, response.content
    in_circle = personas.circle.memberships.filter(member=newcomer, left_on__isnull=True)
    assert in_circle.exists() is (status == 201)
    if status == 201:
        assert response.json()["id"] == newcomer.pk
        assert response.json()["name"] == "Newcomer Extra"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 204),
        ("coordinator", 204),
        ("sponsor", 403),
        ("lead", 403),
        ("member", 403),
        ("outsider", 404),
    ],
)
def test_circle_remove_member_per_persona(personas: Personas, persona: str, status: int) -> None:
    member = personas.members["member"]
    response = as_persona(personas, persona).delete(
        f"/api/circles/{personas.circle.pk}/members/{member.pk}"
    )
    assert response.status_code == status, response.content
    in_circle = personas.circle.memberships.filter(member=member, left_on__isnull=True)
    assert in_circle.exists() is (status != 204)


def test_circle_membership_round_trip(personas: Personas) -> None:
    client = as_persona(personas, "coordinator")
    newcomer = new_member(personas, "newcomer")
    circle_url = f"/api/circles/{personas.circle.pk}"

    assert post(client, f"{circle_url}/members", {"member_id": newcomer.pk}).status_code == 201
    assert newcomer.pk in [m["id"] for m in client.get(circle_url).json()["members"]]
    again = post(client, f"{circle_url}/members", {"member_id": newcomer.pk})
    assert_error(again, 400, "invalid")

    assert client.delete(f"{circle_url}/members/{newcomer.pk}").status_code == 204
    assert newcomer.pk not in [m["id"] for m in client.get(circle_url).json()["members"]]
    assert_error(client.delete(f"{circle_url}/members/{newcomer.pk}"), 404, "not_found")


def test_removing_the_lead_leaves_the_circle_without_one(personas: Personas) -> None:
    client = as_persona(personas, "coordinator")
    lead = personas.members["lead"]
    url = f"/api/circles/{personas.circle.pk}"
    assert client.delete(f"{url}/members/{lead.pk}").status_code == 204
    assert client.get(url).json()["lead"] is None


def test_members_of_a_circle_one_cannot_see_are_404(personas: Personas) -> None:
    peer_circle = personas.other_circle
    response = as_persona(personas, "member").delete(
        f"/api/circles/{peer_circle.pk}/members/{personas.members['member'].pk}"
    )
    assert_error(response, 404, "not_found")


# --- error shape, pagination, schema --------------------------------------------------------


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
