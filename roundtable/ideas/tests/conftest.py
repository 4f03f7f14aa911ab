"""Fixtures for the ideas tests: a frozen clock (modules opt in with `pytestmark`, so the other
ideas test modules keep theirs), a challenge posed to the personas' circle (North) and one posed
to the whole program."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from roundtable.ideas.models import Challenge
from roundtable.ideas.services.challenges import challenge_create
from roundtable.orgs.models import Member
from roundtable.testing.personas import Personas

NOW = dt.datetime(2027, 3, 1, 10, 17, 23, tzinfo=dt.UTC)


@pytest.fixture
def frozen_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(getattr(request.module, "NOW", NOW), tick=False) as clock:
        yield clock


@pytest.fixture
def peer(personas: Personas) -> Member:
    """The lead of South, the program's other circle."""
    return Member.objects.get(user__email="peer@example.org")


@pytest.fixture
def challenge(personas: Personas) -> Challenge:
    return challenge_create(
        program=personas.program,
        circle=personas.circle,
        posed_by=personas.members["lead"],
        title="Calls run long",
        description="Our renewal calls take 45 minutes on average; customers drop off.",
    )


@pytest.fixture
def program_challenge(personas: Personas) -> Challenge:
    return challenge_create(
        program=personas.program,
        posed_by=personas.members["coordinator"],
        title="Lapsed customers do not answer",
        description="Half of the lapsed customers never pick up the phone.",
    )
