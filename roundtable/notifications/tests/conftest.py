"""Notification tests share the meetings tests' frozen clock (see its conftest)."""

from __future__ import annotations

from roundtable.meetings.tests.conftest import frozen_clock

__all__ = ["frozen_clock"]
