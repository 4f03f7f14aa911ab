"""Searching the whole database for an anonymous author: every row of every table (Django's,
third parties', ours) before and after a write, and what any value written would give away about
who wrote it, or when to finer than a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection

Rows = dict[str, Counter[tuple[Any, ...]]]

# Distinctive, so that no other number or word in the database can be mistaken for them.
MEMBER_ID, USER_ID = 42424242, 48151623
FULL_NAME, EMAIL = "Zebulon Quillfeather", "zebulon.q@example.org"


@dataclass(frozen=True)
class Author:
    """Everything that would identify the author, and the moment they wrote."""

    session_key: str
    moment: dt.datetime
    more_clues: tuple[str, ...] = ()  # e.g. the moment's time in the circle's zone

    def clues(self) -> tuple[str, ...]:
        minute = f"{self.moment:%H:%M}"
        return (str(MEMBER_ID), str(USER_ID), FULL_NAME, "Quillfeather", EMAIL,
                self.session_key, minute, f"T{minute}", *self.more_clues)  # fmt: skip


def every_row() -> Rows:
    rows: Rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = Counter(tuple(row) for row in cursor.fetchall())
    return rows


def rows_written(before: Rows, after: Rows) -> dict[str, list[tuple[Any, ...]]]:
    """Rows that are new or changed (a changed row shows up as new), by table."""
    changed = {t: list((after[t] - before.get(t, Counter())).elements()) for t in after}
    return {table: rows for table, rows in changed.items() if rows}


def gives_away(value: Any, author: Author) -> str | None:
    """What `value` would tell about who wrote, or when to finer than a day."""
    if isinstance(value, int) and value in (MEMBER_ID, USER_ID):
        return "the member's or user's id"
    if isinstance(value, dt.datetime | dt.time):
        return "a time of day"
    moment = author.moment.timestamp()
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and min(abs(value - moment), abs(value / 1000 - moment)) < 86_400
    ):
        return "a Unix time"  # in seconds or milliseconds, within a day of writing
    text = str(value)
    for clue in author.clues():
        if clue in text:
            return f"“{clue}”"
    return None


def clues_in(
    rows_by_table: dict[str, list[tuple[Any, ...]]], author: Author
) -> set[tuple[str, str, str]]:
    """(table, value, what it gives away) for every value that identifies the author."""
    return {
        (table, repr(value), clue)
        for table, rows in rows_by_table.items()
        for row in rows
        for value in row
        if (clue := gives_away(value, author))
    }
