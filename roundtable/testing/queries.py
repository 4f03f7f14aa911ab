"""Query-count checks that can fail: measure a page, add rows, measure again; the count must not
grow with the data (a per-row query shows up as a difference)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client: Any, url: str) -> int:
    """Queries for one GET of `url`, after a first GET that warms sessions and caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured.captured_queries)


def assert_queries_flat(client: Any, url: str, *, grow: Callable[[], Any]) -> int:
    """`url` takes as many queries after `grow()` adds rows as before; returns the count."""
    before = queries_for(client, url)
    grow()
    after = queries_for(client, url)
    assert after == before, f"{url}: {before} queries, then {after} once more rows exist"
    return after
