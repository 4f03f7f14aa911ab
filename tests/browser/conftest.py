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


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo organisation, committed for the live server. The first test on a worker seeds
    it; on SQLite, later tests get a page-by-page copy of the database as it was right after
    that seed (SQLite's backup API, milliseconds), since each test's flush empties every table
    afterwards, so no test sees what another one changed. On PostgreSQL it is seeded again."""
    global _demo_copy
    if connection.vendor != "sqlite":
        call_command("seed_demo", verbosity=0)
        return
    connection.ensure_connection()
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
