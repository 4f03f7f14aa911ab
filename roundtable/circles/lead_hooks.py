"""Who wants to know when a circle's lead changes. Circles sit below the apps that care (the
leadership toolkit welcomes a new lead), so those apps register a callback here when they start
and circles' services call `lead_changed` after every change of lead."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roundtable.circles.models import Circle

LeadChangedCallback = Callable[["Circle", "int | None"], None]

_callbacks: list[LeadChangedCallback] = []


def lead_changed_register(callback: LeadChangedCallback) -> None:
    """Call `callback(circle, previous_lead_id)` after each change of a circle's lead (once,
    however often an app registers it)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def lead_changed(circle: Circle, previous_lead_id: int | None) -> None:
    """Tell every registered callback that `circle.lead` is now set (None: no lead) and who
    led before. Setting the same lead again is no change and tells nobody. Runs inside the
    caller's transaction, so whatever a callback writes rolls back with the change."""
    if circle.lead_id == previous_lead_id:
        return
    for callback in list(_callbacks):
        callback(circle, previous_lead_id)
