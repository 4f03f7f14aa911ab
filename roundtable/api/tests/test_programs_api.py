"""The programs API: who sees and changes a program, creation, partial updates, enrolment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from roundtable.programs.models import Program
from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    managers_only,
    new_member,
    patch,
    post,
)
from roundtable.testing.personas import Personas

# Dates a few months ahead: programs may be dated at most three years from today.
START = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
END = (timezone.localdate() + dt.timedelta(days=400)).isoformat()

pytestmark = pytest.mark.django_db


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


def program_payload(personas: Personas, **changes: Any) -> dict[str, Any]:
    payload = {
        "organization": personas.organization.slug,
        "name": "Onboarding buddies",
        "purpose": "Help new starters find their feet.",
        "sponsor_id": personas.members["sponsor"].pk,
        "coordinator_ids": [personas.members["coordinator"].pk],
        "start_date": START,
        "cadence": "biweekly",
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize(("persona", "status"), managers_only(201))
def test_program_create_per_persona(personas: Personas, persona: str, status: int) -> None:
    response = post(as_persona(personas, persona), "/api/programs", program_payload(personas))
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["name"] == "Onboarding buddies"
        assert body["start_date"] == START
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


@pytest.mark.parametrize(("persona", "status"), managers_only(200))
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
        {"end_date": END, "coordinator_ids": [new_coordinator.pk], "status": "ended"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["end_date"] == END
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
    # The schema says 2 to 20, so the answer is the schema's 422, naming the field.
    body = assert_error(response, 422, "invalid")
    assert [e["loc"] for e in body["errors"]] == [["body", "payload", "target_circle_size"]]
    assert "less than or equal to 20" in body["errors"][0]["msg"]


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
