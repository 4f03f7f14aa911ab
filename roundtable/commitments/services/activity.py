"""Appending to a commitment's activity log: the one way anything is written there (the table
itself refuses updates and deletes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from roundtable.commitments.models import Activity, Commitment, Escalation
from roundtable.core.freshness import figures_changed
from roundtable.orgs.models import Member

# Kinds that tell someone and change nothing the figures show (several a day; no new figures).
_TELLING_ONLY = frozenset({Activity.Kind.REMINDED, Activity.Kind.NUDGED})


def activity_add(
    *,
    commitment: Commitment,
    kind: str,
    actor: Member | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
    escalation: Escalation | None = None,
    at: dt.datetime | None = None,
) -> Activity:
    """Record one thing that happened: `kind` from Activity.Kind, who did it (None: the system,
    e.g. a reminder), what they said, and facts worth keeping (JSON: dates as ISO strings)."""
    if kind not in Activity.Kind.values:
        raise ValueError(f"Unknown activity kind: {kind}")
    if kind not in _TELLING_ONLY:
        # Every change of a commitment or its escalation comes through here: the figures of
        # commitments kept, overdue and escalated are computed afresh.
        figures_changed(commitment.circle.program_id)
    return Activity.objects.create(
        commitment=commitment,
        escalation=escalation,
        kind=kind,
        actor=actor,
        text=text,
        data=data or {},
        at=at or timezone.now(),
    )
