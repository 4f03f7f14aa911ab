"""Fixtures for circle formation: a program with newcomers to place, and a run started and
executed as the coordinator would (the test task backend runs the task at once, on commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from roundtable.circles.forming import services
from roundtable.circles.models import FormationRun
from roundtable.orgs.models import AvailabilitySlot
from roundtable.programs.models import Program
from roundtable.testing.factories import EnrolmentFactory, MemberFactory
from roundtable.testing.personas import Personas

DEPARTMENTS = ["Sales", "Support", "Finance", "Operations"]


def newcomers_enrol(program: Program, count: int, *, first: int = 0) -> list[Any]:
    """`count` new enrolled people with mixed profiles, free on weekdays 9:00-17:00."""
    people = []
    for i in range(first, first + count):
        member = MemberFactory.create(
            organization=program.organization,
            department=DEPARTMENTS[i % 4],
            years_experience=1 + (i * 7) % 20,
            location=["Leeds", "Lisbon"][i % 2],
        )
        EnrolmentFactory(program=program, member=member)
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(
                member=member, weekday=weekday, start_time=dt.time(9), end_time=dt.time(17)
            )
            for weekday in range(5)
        )
        people.append(member)
    return people


@pytest.fixture
def program(personas: Personas) -> Program:
    """The personas' program (North: lead and member; South: peer) plus 14 newcomers."""
    newcomers_enrol(personas.program, 14)
    return personas.program


def formation_settings(**extra: Any) -> dict[str, Any]:
    return {"size_min": 4, "size_max": 6, "use_availability": False, "seed": 3, **extra}


@pytest.fixture
def start(django_capture_on_commit_callbacks: Any) -> Callable[..., FormationRun]:
    """Start a run and let its task run."""

    def run(program: Program, **extra: Any) -> FormationRun:
        with django_capture_on_commit_callbacks(execute=True):
            created = services.formation_start(
                program=program, by=None, settings=formation_settings(**extra)
            )
        created.refresh_from_db()
        return created

    return run
