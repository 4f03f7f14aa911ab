"""Helpers for API tests: a client per persona with a bearer token, JSON posts and patches, and
the shape every API error has."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create
from roundtable.testing.personas import PERSONA_NAMES, Personas

PERSONAS = PERSONA_NAMES


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


def operations_tagged(schema: dict[str, Any], tag: str) -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI `schema` with `tag`."""
    return [
        (method, path)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if tag in op.get("tags", [])
    ]


def assert_needs_authentication(method: str, url: str) -> None:
    """A request with neither a token nor a session is a 401, whatever the endpoint."""
    response = getattr(Client(), method)(url, {}, content_type="application/json")
    assert_error(response, 401, "unauthorized")


def managers_only(ok: int) -> list[tuple[str, int]]:
    """Expected statuses of a change only the program's coordinators and admins may make: `ok`
    for them, 403 for the others who see the object, 404 for the outsider who does not."""
    return [
        ("admin", ok),
        ("coordinator", ok),
        ("sponsor", 403),
        ("lead", 403),
        ("member", 403),
        ("outsider", 404),
    ]


def assert_persona_answer(
    personas: Personas,
    persona: str,
    expected: int,
    request: tuple[str, str, Any],
    fingerprint: Callable[[], Any],
) -> None:
    """Send `request` (method, url, JSON body or None) as `persona`: the status must be
    `expected`; a refusal says why and changes nothing (`fingerprint()` of the data before and
    after), a write that succeeds changes something."""
    method, url, body = request
    client = as_persona(personas, persona)
    before = fingerprint()
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["detail"]
        assert fingerprint() == before
    elif method != "get":
        assert fingerprint() != before


class _Undo(Exception):
    """Raised to roll a savepoint back after one persona's request."""


def _refresh(obj: Any) -> None:
    """Reload every model instance a test world holds (its dataclass fields, the personas'
    organisation, program, circles and members), after a savepoint was rolled back: a service
    called on an instance may have changed it in memory as well as in the database."""
    if isinstance(obj, models.Model):
        obj.refresh_from_db()
    elif isinstance(obj, dict):
        for value in obj.values():
            _refresh(value)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            _refresh(getattr(obj, field.name))


def assert_persona_matrix(
    world: Any,
    expected: dict[str, int],
    build: Callable[[Any], tuple[str, str, Any]],
    fingerprint: Callable[[], Any],
    personas: Iterable[str] | None = None,
) -> None:
    """`assert_persona_answer` for each persona in turn on the same world, as if each had a
    world of its own: each persona's request (and whatever `build` prepares for it) runs in a
    savepoint that is rolled back, and the world's instances are reloaded, before the next
    persona. One world per endpoint instead of one per persona and endpoint; every persona's
    failure is reported together."""
    failures: list[str] = []
    for persona in personas if personas is not None else expected:
        try:
            with transaction.atomic():
                try:
                    assert_persona_answer(
                        world.personas, persona, expected[persona], build(world), fingerprint
                    )
                except AssertionError as error:
                    failures.append(f"{persona} (expected {expected[persona]}): {error}")
                raise _Undo
        except _Undo:
            pass
        _refresh(world)
    assert not failures, "\n".join(failures)
