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


# The slowest files run first: the browser tests (and the demo's), so that the two workers
# (xdist hands out whole files in this order) end together instead of one waiting on the other's
# last long file. The order within each group stays as collected.
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
