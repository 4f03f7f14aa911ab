"""Browser tests: Playwright (Python) drives Debian's chromium against the live test server."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: `make test` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


_demo_copy: sqlite3.Connection | None = None  # this worker's database just after the first seed
# PostgreSQL: each table's rows (COPY's text format) and each sequence's value after that seed.
_demo_rows: list[tuple[str, bytes]] | None = None
_demo_sequences: list[tuple[str, int, bool]] = []


def _pg_snapshot() -> None:
    global _demo_rows, _demo_sequences
    raw = connection.connection
    tables = connection.introspection.table_names()
    rows = []
    with raw.cursor() as cursor:
        for table in tables:
            with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                rows.append((table, b"".join(bytes(chunk) for chunk in copy)))
        cursor.execute(
            "SELECT schemaname || '.' || quote_ident(sequencename), COALESCE(last_value, 1), "
            "last_value IS NOT NULL FROM pg_sequences WHERE schemaname = current_schema()"
        )
        _demo_sequences = list(cursor.fetchall())
    _demo_rows = rows


def _pg_restore() -> None:
    """The seeded rows back, table by table, with triggers and foreign-key checks off while
    they load (`session_replication_role = replica`: the rows were consistent when copied, and
    the append-only log's triggers must not see a load as a change)."""
    assert _demo_rows is not None
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            names = ", ".join(f'"{table}"' for table, _ in _demo_rows)
            cursor.execute(f"TRUNCATE {names}")
            for table, data in _demo_rows:
                if data:
                    with cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                        copy.write(data)
            for sequence, value, called in _demo_sequences:
                cursor.execute("SELECT setval(%s, %s, %s)", [sequence, value, called])
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    if not raw.autocommit:
        raw.commit()


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo organisation, committed for the live server. The first test on a worker seeds
    it and keeps a copy of the database as it was right after that seed; later tests get that
    copy back in milliseconds, since each test's flush empties every table afterwards, so no
    test sees what another one changed. SQLite copies with its backup API; PostgreSQL with COPY
    (each table's rows, then each sequence's value)."""
    global _demo_copy
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        if _demo_rows is None:
            call_command("seed_demo", verbosity=0)
            _pg_snapshot()
        else:
            _pg_restore()
        ContentType.objects.clear_cache()
        return
    live = connection.connection
    if _demo_copy is None:
        call_command("seed_demo", verbosity=0)
        _demo_copy = sqlite3.connect(":memory:", check_same_thread=False)
        live.backup(_demo_copy)
    else:
        _demo_copy.backup(live)
        # The flush and its post_migrate signal re-created the content types with new ids; the
        # copy brings the old ones back, so forget any id cached since.
        ContentType.objects.clear_cache()
