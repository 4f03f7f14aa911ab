"""Rows written fast and whole: ids handed out ahead of the rows that point at them, and each
model's rows sent in its column order (executemany on SQLite, COPY on PostgreSQL) with the
defaults and value adaptation `save()` would apply."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

BATCH = 2000  # rows a statement writes


class Ids:
    """Ids handed out ahead for one table, above every id it has used (the sequence's high-water
    mark included, so rows deleted by --replace never lend their ids to new rows that old log
    entries could then point at)."""

    def __init__(self, model: type[models.Model], *floors: int) -> None:
        self.next = max(_high_water(model), *floors) + 1 if floors else _high_water(model) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def _high_water(model: type[models.Model]) -> int:
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")  # noqa: S608
        top = int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, int(row[0]) if row else 0)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608
                top = max(top, int(cursor.fetchone()[0]))
    return top


class _Table:
    """How rows of one model are written: its concrete fields in order, what a field left out
    gets (its model default, a fresh value from a callable default such as `random_id`, or the
    time of writing for `auto_now` fields, as `save()` would give it) and Django's own adaptation
    of the values that need one (dates and times, UUIDs, JSON) for this database."""

    def __init__(self, model: type[models.Model], now: dt.datetime, *, with_pk: bool) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        if not with_pk and isinstance(model._meta.pk, models.AutoField):
            fields.remove(model._meta.pk)  # the database numbers the rows
        self.index = {f.attname: n for n, f in enumerate(fields)}
        self.adapters: dict[int, Callable[[Any], Any]] = {}
        self.template: list[Any] = []
        self.fresh: list[tuple[int, Callable[[], Any]]] = []
        for n, f in enumerate(fields):
            adapter = _adapter(f)
            if adapter is not None:
                self.adapters[n] = adapter
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default() and callable(f.default):
                value = None
                self.fresh.append((n, f.default))
            else:
                value = f.get_default()  # "" for text, None for the rest
            self.template.append(value if value is None or adapter is None else adapter(value))
        quote = connection.ops.quote_name
        self.columns = [f.column for f in fields]
        self.table = quote(model._meta.db_table)
        self.sql = (
            f"INSERT INTO {self.table} ({', '.join(quote(c) for c in self.columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )

    def row(self, values: dict[str, Any]) -> list[Any]:
        row = self.template.copy()
        index, adapters = self.index, self.adapters
        for name, value in values.items():
            n = index[name]  # a KeyError names a field the model does not have
            adapter = adapters.get(n)
            row[n] = value if adapter is None or value is None else adapter(value)
        for n, default in self.fresh:
            if row[n] is None:
                value = default()
                adapter = adapters.get(n)
                row[n] = value if adapter is None else adapter(value)
        return row

    def write(self, rows: list[list[Any]]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: the constraints and triggers apply as to any insert, at a fraction
                # of the round trips.
                quote = connection.ops.quote_name
                columns = ", ".join(quote(c) for c in self.columns)
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """What turns a Python value into what the database stores for this field (the same calls
    `save()` makes), or None when the driver takes the value as it is."""
    ops = connection.ops
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if isinstance(target, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(target, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(target, models.TimeField):
        return ops.adapt_timefield_value
    if isinstance(target, models.UUIDField | models.JSONField | models.DecimalField):
        return partial(field.get_db_prep_save, connection=connections[DEFAULT_DB_ALIAS])
    return None


class RowWriter:
    """Rows waiting to be written, per model; once BATCH rows of a model wait, everything
    waiting goes out, models in the order they first came (a parent's rows are always added
    before its children's, so they are written first).

    Not `bulk_create`: at this size it spends nine tenths of its time compiling each value
    (measured: about 3,500 rows a second on SQLite), so rows are tuples in the model's column
    order (`_Table`) sent with executemany (SQLite) or COPY (PostgreSQL), some 20 times faster.
    The database checks every constraint as for any insert, foreign keys included: on
    PostgreSQL the builder makes them immediate, so each batch is checked as it goes in
    rather than millions of rows at the commit, past the statement timeout."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.tables: dict[type[models.Model], _Table] = {}
        self.pending: dict[type[models.Model], list[list[Any]]] = defaultdict(list)
        self.order: list[type[models.Model]] = []  # models in the order they first came
        self.counts: Counter[str] = Counter()

    def add(self, model: type[models.Model], **values: Any) -> None:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = _Table(model, self.now, with_pk="id" in values)
            self.order.append(model)
        rows = self.pending[model]
        rows.append(table.row(values))
        if len(rows) >= BATCH:
            self.flush()

    def add_all(
        self,
        model: type[models.Model],
        rows: list[dict[str, Any]],
        *,
        shuffled: random.Random | None = None,
    ) -> None:
        if shuffled is not None:
            shuffled.shuffle(rows)
        for values in rows:
            self.add(model, **values)

    def flush(self) -> None:
        for model in self.order:
            self._write(model)

    def _write(self, model: type[models.Model]) -> None:
        rows = self.pending.pop(model, [])
        if rows:
            self.tables[model].write(rows)
            self.counts[model._meta.label] += len(rows)
