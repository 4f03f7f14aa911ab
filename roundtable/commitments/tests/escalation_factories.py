"""Commitments for the escalation tests, made through the commitments services (asked by the
lead, dated and moved by the owner, reminded and nudged as the nudges would log it), dated in the
past relative to the test's frozen clock."""

from __future__ import annotations

import datetime as dt

from roundtable.commitments.models import Activity, Commitment, Escalation
from roundtable.commitments.services.activity import activity_add
from roundtable.commitments.services.commitments import (
    commitment_answer,
    commitment_ask,
    commitment_move,
)
from roundtable.commitments.services.escalations import escalation_raise
from roundtable.meetings.models import Meeting
from roundtable.testing.personas import Personas

TITLE = "Send the renewal pricing sheet"


def commitment_overdue(
    personas: Personas,
    *,
    now: dt.datetime,
    days_overdue: int = 10,
    moves: int = 0,
    title: str = TITLE,
    reminded: bool = True,
) -> Commitment:
    """The lead asked the member for `title`; the member chose a date, moved it `moves` times
    (each with its reason) and let the last one pass `days_overdue` days before `now`. A reminder
    and a nudge were logged, as the nudges do."""
    lead, owner = personas.members["lead"], personas.members["member"]
    due = now - dt.timedelta(days=days_overdue)
    start = due - dt.timedelta(days=5 + moves)
    commitment = commitment_ask(
        circle=personas.circle, asked_by=lead, owner=owner, title=title, now=start
    )
    first = due - dt.timedelta(days=moves)
    commitment_answer(
        commitment=commitment,
        member=owner,
        due_on=first.date(),
        due_time=dt.time(17, 0),
        now=start + dt.timedelta(hours=1),
    )
    for n in range(1, moves + 1):
        commitment_move(
            commitment=commitment,
            member=owner,
            due_on=(first + dt.timedelta(days=n)).date(),
            due_time=dt.time(17, 0),
            reason=f"Waiting on finance, move {n}",
            now=start + dt.timedelta(hours=2 + n),
        )
    commitment.refresh_from_db()
    due_at = commitment.due_at
    assert due_at is not None
    if reminded:
        activity_add(
            commitment=commitment,
            kind=Activity.Kind.REMINDED,
            text="Reminder: due tomorrow.",
            at=due_at - dt.timedelta(days=1),
        )
        activity_add(
            commitment=commitment,
            kind=Activity.Kind.NUDGED,
            text="Nudge: it is overdue.",
            at=due_at + dt.timedelta(days=1),
        )
    return commitment


def meeting_mentioning(personas: Personas, *, at: dt.datetime, title: str = TITLE) -> Meeting:
    return Meeting.objects.create(
        circle=personas.circle,
        starts_at=at,
        notes=f"- Pricing: {title} still open, finance has the numbers.\n- Other business.",
    )


def escalation_open(personas: Personas, *, now: dt.datetime, **kwargs: object) -> Escalation:
    commitment = commitment_overdue(personas, now=now, **kwargs)  # type: ignore[arg-type]
    return escalation_raise(
        commitment=commitment,
        by=personas.members["lead"],
        reason="Three customers are waiting on this price list.",
        now=now,
    )
