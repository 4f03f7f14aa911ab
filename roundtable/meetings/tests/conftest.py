"""Meeting tests run on a frozen clock: the test module's NOW if it sets one, else a fixed Monday
before the March daylight-saving changes, so what a test sees never depends on the day it runs.
The personas' circle meets weekly on Tuesdays at 09:00 from that Monday on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from roundtable.meetings import services
from roundtable.meetings.models import Meeting
from roundtable.testing.personas import Personas

DEFAULT_NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)  # Monday 1 March 2027


@pytest.fixture(autouse=True)
def frozen_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(getattr(request.module, "NOW", DEFAULT_NOW), tick=False) as clock:
        yield clock


@pytest.fixture
def meetings(personas: Personas) -> list[Meeting]:
    """The circle's weekly meetings, Tuesdays at 09:00 from 1 March 2027, in order."""
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1),
    )
    return list(personas.circle.meetings.order_by("starts_at"))


@pytest.fixture
def meeting(meetings: list[Meeting]) -> Meeting:
    """The first of them."""
    return meetings[0]
