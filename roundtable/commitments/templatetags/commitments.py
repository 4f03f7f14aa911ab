"""How a commitment's date reads: in its owner's wall-clock time, with the zone named."""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.commitments.times import due_local

register = template.Library()


@register.filter
def due(commitment: Any, style: str = "long") -> str:
    """ "Fri 14 Jan 2028, 17:00 Europe/London"; "no date yet" before the owner chose one.
    `short` leaves out the year and the zone."""
    if commitment.due_at is None:
        return "no date yet"
    local = due_local(commitment.due_at, commitment.due_time_zone)
    if style == "short":
        return f"{local:%a} {local.day} {local:%b, %H:%M}"
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {commitment.due_time_zone}"


@register.filter
def owner_local(moment: Any, zone: str) -> str:
    """Any instant (a date change's old or new date) on the owner's wall clock."""
    if moment is None:
        return "no date"
    local = due_local(moment, zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
