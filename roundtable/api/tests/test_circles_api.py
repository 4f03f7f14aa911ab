"""The circles API: who sees a circle, creation, and membership changes."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    managers_only,
    new_member,
    post,
)
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(("persona", "status"), managers_only(201))
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


@pytest.mark.parametrize(("persona", "status"), managers_only(201))
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


@pytest.mark.parametrize(("persona", "status"), managers_only(204))
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
