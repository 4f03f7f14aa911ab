"""The personas fixture writes back what the services wrote (roundtable/testing/personas_replay):
the same rows in every table, at whatever time the clock says, and objects that read their
organisation, program, lead and user without a query, as `personas_create` hands them over."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import models, transaction

from roundtable.testing import personas_replay
from roundtable.testing.personas import PASSWORD, personas_create

pytestmark = pytest.mark.django_db

RECORDED_AT = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
LATER = dt.datetime(2027, 7, 19, 23, 45, tzinfo=dt.UTC)


class _Undo(Exception):
    pass


def _comparable(field: models.Field) -> bool:
    return not (field.primary_key or field.is_relation or field.attname == "password")


def _tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, without keys (a fresh creation may get other ones) or password hashes
    (a fresh salt each time), in a stable order."""
    found = {}
    for model in personas_replay._all_models():
        fields = [f.attname for f in model._meta.concrete_fields if _comparable(f)]
        rows: list[tuple[Any, ...]] = [("rows", model._default_manager.count())]
        if fields:  # (values_list() of no field would list them all, keys included)
            rows += sorted(model._default_manager.values_list(*fields), key=repr)
        found[model._meta.label] = rows
    return found


def _in_savepoint(make: Any) -> Any:
    result: list[Any] = []
    try:
        with transaction.atomic():
            made = make()
            result.append((made, _tables()))
            raise _Undo
    except _Undo:
        pass
    return result[0]


def test_a_replay_writes_the_rows_the_services_write_moved_to_the_present() -> None:
    with time_machine.travel(RECORDED_AT, tick=False):
        _in_savepoint(personas_replay._record)
    recording = personas_replay._recording
    assert recording is not None
    with time_machine.travel(LATER, tick=False):
        _created, fresh = _in_savepoint(personas_create)
        replayed, again = _in_savepoint(lambda: personas_replay._replay(recording))
    assert again == fresh
    assert replayed.program.start_date == LATER.date()
    assert replayed.organization.created_at == LATER
    assert replayed.admin.check_password(PASSWORD)


def test_the_replayed_personas_read_their_relations_without_a_query(
    django_assert_num_queries: Any,
) -> None:
    with time_machine.travel(RECORDED_AT, tick=False):
        _in_savepoint(personas_replay._record)
    recording = personas_replay._recording
    assert recording is not None
    personas = personas_replay._replay(recording)
    with django_assert_num_queries(0):
        assert personas.circle.program.organization.name == "Acme Ltd"
        assert personas.circle.lead == personas.members["lead"]
        assert personas.other_circle.lead is not None
        assert personas.program.sponsor.user.email == "sponsor@example.org"
        assert {m.user.email for m in personas.members.values()} >= {"admin@example.org"}
        assert personas.members["outsider"].organization.name == "Elsewhere Inc"
