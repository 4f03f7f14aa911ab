"""Insights: the pulses background work."""

from __future__ import annotations

PERIODIC_TASKS: tuple[object, ...] = ()
