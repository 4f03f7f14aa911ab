"""Fixtures for the commitments tests: a frozen clock (modules opt in with `pytestmark`), and the
personas' people by name. The personas live in Europe/London."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from roundtable.orgs.models import Member
from roundtable.testing.personas import Personas

# Monday 1 March 2027, 10:00 in London (GMT); the clocks go forward on Sunday 28 March.
NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def frozen_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(getattr(request.module, "NOW", NOW), tick=False) as clock:
        yield clock


@pytest.fixture
def lead(personas: Personas) -> Member:
    return personas.members["lead"]


@pytest.fixture
def member(personas: Personas) -> Member:
    return personas.members["member"]


@pytest.fixture
def peer(personas: Personas) -> Member:
    """The lead of South, the program's other circle."""
    return Member.objects.get(user__email="peer@example.org")
