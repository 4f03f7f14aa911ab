"""Reads of the toolkit's recognition."""

from __future__ import annotations

from typing import Any

from roundtable.circles.models import Circle


def recognition_for_circle_page(*, circle: Circle, user: Any) -> Any:
    """What the circle page shows of the recognition (None: nothing)."""
    return None
