"""Django's `flush`, able to empty the append-only activity log on SQLite.

Emptying the whole database is an operator's deliberate act (and what the test runner does
between browser tests). PostgreSQL empties tables with TRUNCATE, which fires no row trigger; SQLite
deletes row by row, so the append-only triggers are lifted for the flush and put back after it,
whatever happens."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from roundtable.commitments.append_only import sqlite_triggers_create, sqlite_triggers_drop


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with connection.cursor() as cursor:
            sqlite_triggers_drop(cursor)
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                sqlite_triggers_create(cursor)
