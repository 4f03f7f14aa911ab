"""Shared pytest fixtures: the personas every view and API test checks access with."""

from __future__ import annotations

import pytest

from roundtable.testing.personas import Personas
from roundtable.testing.personas_replay import personas_fixture


@pytest.fixture
def personas(db) -> Personas:
    # Made by the services once per process, then written back row by row (personas_replay).
    return personas_fixture()


def pytest_configure(config: pytest.Config) -> None:
    from roundtable.testing.migrated_db import migration_template_install

    migration_template_install()


# The slowest files first: the browser tests, the demo's, the toolkit's, the nudges walk,
# insights. xdist's scheduler then hands out the files with the most tests first and keeps this
# order among files of as many tests (so the browser stories, one or two tests a file, still run
# last, after CI's lint and mutation jobs have finished beside them; see README, Testing).
SLOW_FIRST = (
    "tests/browser/",
    "roundtable/demo/tests/",
    "roundtable/leadership/tests/",
    "roundtable/commitments/tests/test_nudges.py",
    "roundtable/insights/tests/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid
        for n, prefix in enumerate(SLOW_FIRST):
            if path.startswith(prefix):
                return n
        return len(SLOW_FIRST)

    items.sort(key=rank)
