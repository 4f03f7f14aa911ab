"""Circle formation over the API: start, poll, move, pin, publish; who may; bad input; query
counts that do not grow with the program."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.circles.models import CircleMembership
from roundtable.testing.api import as_persona, assert_error, post
from roundtable.testing.factories import EnrolmentFactory, MemberFactory
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db
DEPARTMENTS = ["Sales", "Support", "Finance"]


@pytest.fixture
def enrolled(personas: Personas) -> list[int]:
    people = []
    for i in range(12):
        member = MemberFactory.create(
            organization=personas.organization, department=DEPARTMENTS[i % 3], years_experience=i
        )
        EnrolmentFactory(program=personas.program, member=member)
        people.append(member.pk)
    return people


def test_start_poll_move_and_publish(
    personas: Personas, enrolled: list[int], django_capture_on_commit_callbacks
) -> None:
    client = as_persona(personas, "coordinator")
    url = f"/api/programs/{personas.program.pk}/formations"
    body = {"size_min": 4, "size_max": 6, "use_availability": False, "seed": 5}
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, url, body)
    assert response.status_code == 202, response.content
    run = response.json()
    assert run["status"] == "queued"

    run = client.get(f"{url}/{run['id']}").json()
    assert run["status"] == "ready"
    assert sum(len(c["members"]) for c in run["circles"]) == 15
    assert {b["feature"] for b in run["balance"]} >= {"Department"}
    assert run["constraints"]["managers_apart"]["violations"] == 0
    assert run["moved"] == []

    circles = sorted(run["circles"], key=lambda c: len(c["members"]))
    person = next(p for p in circles[-1]["members"] if p in enrolled)
    moved = post(
        client, f"{url}/{run['id']}/moves", {"member_id": person, "circle": circles[0]["key"]}
    )
    assert moved.status_code == 200, moved.content
    assert (
        person
        in next(c for c in moved.json()["circles"] if c["key"] == circles[0]["key"])["members"]
    )
    pinned = post(client, f"{url}/{run['id']}/pins", {"member_id": person})
    assert person in pinned.json()["pinned"]

    published = post(client, f"{url}/{run['id']}/publish", {})
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert (
        CircleMembership.objects.filter(
            circle__program=personas.program, left_on__isnull=True
        ).count()
        == 15
    )


def test_bad_moves_and_unknown_circles_are_explained(
    personas: Personas, enrolled: list[int], django_capture_on_commit_callbacks
) -> None:
    client = as_persona(personas, "coordinator")
    url = f"/api/programs/{personas.program.pk}/formations"
    with django_capture_on_commit_callbacks(execute=True):
        run = post(client, url, {"use_availability": False}).json()
    response = post(client, f"{url}/{run['id']}/moves", {"member_id": enrolled[0], "circle": "x"})
    assert_error(response, 400, "invalid")
    response = post(client, url, {"size_min": 6, "size_max": 4})
    assert_error(response, 400, "invalid")
    response = post(client, url, {"weights": {"department": -1}})
    assert response.status_code == 422


@pytest.mark.parametrize("who", ["sponsor", "lead", "member"])
def test_only_coordinators_and_admins_form_circles(personas: Personas, who: str) -> None:
    client = as_persona(personas, who)
    response = post(client, f"/api/programs/{personas.program.pk}/formations", {})
    assert response.status_code == 403


def test_outsiders_do_not_see_the_program(personas: Personas) -> None:
    client = as_persona(personas, "outsider")
    response = post(client, f"/api/programs/{personas.program.pk}/formations", {})
    assert_error(response, 404, "not_found")


def test_pair_rules(personas: Personas, enrolled: list[int]) -> None:
    client = as_persona(personas, "coordinator")
    url = f"/api/programs/{personas.program.pk}/pair-rules"
    created = post(
        client, url, {"kind": "apart", "first_id": enrolled[0], "second_id": enrolled[1]}
    )
    assert created.status_code == 201, created.content
    again = post(
        client, url, {"kind": "together", "first_id": enrolled[1], "second_id": enrolled[0]}
    )
    assert_error(again, 400, "invalid")
    assert len(client.get(url).json()) == 1
    assert client.delete(f"{url}/{created.json()['id']}").status_code == 204


def _start(client, personas: Personas, capture) -> dict:
    url = f"/api/programs/{personas.program.pk}/formations"
    with capture(execute=True):
        started = post(client, url, {"use_availability": False, "seed": 5}).json()
    return client.get(f"{url}/{started['id']}").json()


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("sponsor", 403, "forbidden"),
        ("lead", 403, "forbidden"),
        ("member", 403, "forbidden"),
        ("outsider", 404, "not_found"),
    ],
)
def test_runs_and_rules_are_refused_to_anyone_else(
    personas: Personas,
    enrolled: list[int],
    who: str,
    status: int,
    code: str,
    django_capture_on_commit_callbacks,
) -> None:
    """Those who see the program are told they may not form its circles; others see nothing."""
    coordinator = as_persona(personas, "coordinator")
    run = _start(coordinator, personas, django_capture_on_commit_callbacks)
    rules = f"/api/programs/{personas.program.pk}/pair-rules"
    rule = post(
        coordinator, rules, {"kind": "apart", "first_id": enrolled[0], "second_id": enrolled[1]}
    ).json()
    client = as_persona(personas, who)
    url = f"/api/programs/{personas.program.pk}/formations/{run['id']}"
    assert_error(client.get(url), status, code)
    for action, body in [
        ("moves", {"member_id": enrolled[0], "circle": run["circles"][0]["key"]}),
        ("pins", {"member_id": enrolled[0]}),
        ("rerun", {}),
        ("publish", {"confirm_moves": True}),
    ]:
        assert_error(post(client, f"{url}/{action}", body), status, code)
    assert_error(client.delete(f"{rules}/{rule['id']}"), status, code)
    assert coordinator.get(url).json()["status"] == "ready"
    assert len(coordinator.get(rules).json()) == 1


def test_run_endpoints_do_not_query_per_person(
    personas: Personas, enrolled: list[int], django_capture_on_commit_callbacks
) -> None:
    client = as_persona(personas, "coordinator")

    def measure() -> tuple[int, int, int]:
        run = _start(client, personas, django_capture_on_commit_callbacks)
        url = f"/api/programs/{personas.program.pk}/formations/{run['id']}"
        with CaptureQueriesContext(connection) as detail:
            assert client.get(url).status_code == 200
        circles = sorted(run["circles"], key=lambda c: len(c["members"]))
        person = next(p for p in circles[-1]["members"] if p in enrolled)
        with CaptureQueriesContext(connection) as move:
            body = {"member_id": person, "circle": circles[0]["key"]}
            assert post(client, f"{url}/moves", body).status_code == 200
        return len(detail), len(move), len(run["circles"])

    small = measure()
    for i in range(24):
        member = MemberFactory.create(
            organization=personas.organization, department=DEPARTMENTS[i % 3], years_experience=i
        )
        EnrolmentFactory(program=personas.program, member=member)
    large = measure()
    assert large[2] > small[2]  # more people, more circles
    assert large[:2] == small[:2]
