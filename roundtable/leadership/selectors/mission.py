"""Reads of the toolkit's mission."""

from __future__ import annotations

from typing import Any

from roundtable.circles.models import Circle


def mission_for_circle_page(*, circle: Circle, user: Any) -> Any:
    """What the circle page shows of the mission (None: nothing)."""
    return None
