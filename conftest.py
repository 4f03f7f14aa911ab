"""Shared pytest fixtures: the personas every view and API test checks access with."""

from __future__ import annotations

import pytest

from roundtable.testing.personas import Personas, personas_create


@pytest.fixture
def personas(db) -> Personas:
    return personas_create()


def pytest_configure(config: pytest.Config) -> None:
    from roundtable.testing.migrated_db import migration_template_install

    migration_template_install()
