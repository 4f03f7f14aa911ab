"""The personas, made by the services once per test process and written back for each later test.

About 1,600 tests start from the personas, and the services that make them (validation, checks
of uniqueness, savepoints) spend about 200 queries each time. Inside a test's transaction the
first `personas_fixture()` of a process runs `personas_create()` through the services and
records every row it wrote; each later call (its own test's transaction, since the previous one
was rolled back) writes those rows again with one bulk insert per table, moved in time to the
present (the clock may be frozen anywhere): every date and time the services took from the clock
moves by the same amount. The rows keep their keys; on SQLite and PostgreSQL the keys the rows
had are free again after the rollback, and PostgreSQL's sequences never go back, so later rows
get new keys as before.

It falls back to the services whenever the recording may not hold: outside a test transaction
(a transactional test commits, so the on-commit hooks of the services must run), when the
organisation's name is already taken, or when the process's time zone is not UTC (dates are
shifted as UTC dates). `roundtable/testing/tests/test_personas_replay.py` compares a replay with
a fresh creation, row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Program
from roundtable.testing.personas import Personas, personas_create


@dataclass
class _Recording:
    at: dt.datetime
    rows: list[tuple[type[models.Model], list[dict[str, Any]]]]
    organization: int
    program: int
    circle: int
    other_circle: int
    members: dict[str, int]


_recording: _Recording | None = None


def _all_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        found.append(model)
    return found


def _last_keys() -> dict[type[models.Model], Any]:
    return {
        model: model._default_manager.aggregate(top=models.Max("pk"))["top"]
        for model in _all_models()
        if isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
    }


def _record() -> Personas:
    global _recording
    before = _last_keys()
    at = timezone.now()
    personas = personas_create()
    rows = []
    for model, top in before.items():
        fields = [f.attname for f in model._meta.concrete_fields]
        queryset = model._default_manager.all()
        if top is not None:
            queryset = queryset.filter(pk__gt=top)
        written = list(queryset.order_by("pk").values(*fields))
        if written:
            rows.append((model, written))
    _recording = _Recording(
        at=at,
        rows=rows,
        organization=personas.organization.pk,
        program=personas.program.pk,
        circle=personas.circle.pk,
        other_circle=personas.other_circle.pk,
        members={name: member.pk for name, member in personas.members.items()},
    )
    return personas


def _moved(value: Any, by: dt.timedelta, days: dt.timedelta) -> Any:
    if isinstance(value, dt.datetime):
        return value + by
    if isinstance(value, dt.date):
        return value + days
    return value


def _replay(recording: _Recording) -> Personas:
    now = timezone.now()
    by = now - recording.at
    days = now.date() - recording.at.date()
    for model, written in recording.rows:
        model._default_manager.bulk_create(
            model(**{name: _moved(value, by, days) for name, value in row.items()})
            for row in written
        )
    return _personas_load(recording)


def _personas_load(recording: _Recording) -> Personas:
    """The personas as `personas_create` hands them over: each object's organisation, user,
    program and lead already attached, so that reading them costs no query."""
    organizations = Organization.objects.in_bulk()
    members = Member.objects.select_related("user").in_bulk()
    for member in members.values():
        member.organization = organizations[member.organization_id]
    program = Program.objects.get(pk=recording.program)
    program.organization = organizations[program.organization_id]
    program.sponsor = members[program.sponsor_id]
    circles = Circle.objects.in_bulk([recording.circle, recording.other_circle])
    for circle in circles.values():
        circle.program = program
        circle.lead = members[circle.lead_id] if circle.lead_id else None
    return Personas(
        organization=organizations[recording.organization],
        program=program,
        circle=circles[recording.circle],
        other_circle=circles[recording.other_circle],
        members={name: members[pk] for name, pk in recording.members.items()},
    )


def personas_fixture() -> Personas:
    """The personas for a test: recorded on the first call, written back on the next ones."""
    if not connection.in_atomic_block or settings.TIME_ZONE != "UTC":
        return personas_create()
    if _recording is None:
        if Organization.objects.exists() or Member.objects.exists():
            return personas_create()
        return _record()
    try:
        with transaction.atomic():
            return _replay(_recording)
    except IntegrityError:
        return personas_create()
