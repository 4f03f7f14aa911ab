"""A migrated test database built once and copied, for many short pytest runs on the same code.

Migrating the test database renders every migration's model state: several seconds of CPU in each
pytest process. scripts/mutations.py starts one pytest per mutation, each time on code whose
migrations have not changed, so it names a file in ROUNDTABLE_TEST_DB_TEMPLATE: the first run to
get there migrates as usual and saves its database there; the later runs copy it (SQLite's backup
API, milliseconds) instead of migrating. Only for SQLite's in-memory test database; without the
variable, or on PostgreSQL, the test database is migrated as always.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

ENV = "ROUNDTABLE_TEST_DB_TEMPLATE"


def migration_template_install() -> None:
    """Make the test database's migrate step use the template named in the environment."""
    name = os.environ.get(ENV)
    if not name:
        return
    template = Path(name)
    from django.core import management
    from django.db.backends.base.creation import BaseDatabaseCreation

    real_call_command = management.call_command
    real_create_test_db = BaseDatabaseCreation.create_test_db

    def create_test_db(self: BaseDatabaseCreation, *args: Any, **kwargs: Any) -> str:
        connection = self.connection

        def call_command(command: Any, *c_args: Any, **c_kwargs: Any) -> str:
            if command != "migrate" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
                return real_call_command(command, *c_args, **c_kwargs)
            connection.ensure_connection()
            live = connection.connection
            if template.exists():
                source = sqlite3.connect(template)
                source.backup(live)
                source.close()
                return ""
            result = real_call_command(command, *c_args, **c_kwargs)
            partial = template.with_name(f"{template.name}.{os.getpid()}")
            target = sqlite3.connect(partial)
            live.backup(target)
            target.close()
            partial.replace(template)  # whole or absent, whichever run gets there first
            return result

        if connection.vendor != "sqlite":
            return real_create_test_db(self, *args, **kwargs)
        management.call_command = call_command  # type: ignore[assignment]
        try:
            return real_create_test_db(self, *args, **kwargs)
        finally:
            management.call_command = real_call_command

    BaseDatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]
