"""Meeting tests run on a frozen clock: the test module's NOW if it sets one, else a fixed Monday
before the March daylight-saving changes, so what a test sees never depends on the day it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

DEFAULT_NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)  # Monday 1 March 2027


@pytest.fixture(autouse=True)
def frozen_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(getattr(request.module, "NOW", DEFAULT_NOW), tick=False) as clock:
        yield clock
