"""Reads of the toolkit's agreements."""

from __future__ import annotations

from typing import Any

from roundtable.circles.models import Circle


def agreement_for_circle_page(*, circle: Circle, user: Any) -> Any:
    """What the circle page shows of the agreements (None: nothing)."""
    return None
