"""A member's busy periods (a launch, a holiday season) and the one-step move of the
commitments that fall inside one: each move is an ordinary renegotiation, with the busy period
as its reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.commitments.models import BusyPeriod, DateChange
from roundtable.commitments.selectors.commitments import busy_period_commitments
from roundtable.commitments.services.commitments import clean, commitment_move
from roundtable.commitments.times import due_local
from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.orgs.models import Member


@transaction.atomic
def busy_period_add(
    *, member: Member, label: str, starts_on: dt.date, ends_on: dt.date
) -> BusyPeriod:
    """Declare a stretch with less room, in the member's own days; refused when it ends before
    it starts."""
    if ends_on < starts_on:
        raise DomainError("A busy period ends on or after the day it starts.", field="ends_on")
    period = BusyPeriod(
        member=member,
        label=clean(label, field="label", label="What keeps you busy", limit=120),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    full_clean_or_raise(period)
    period.save()
    return period


@transaction.atomic
def busy_period_remove(*, period: BusyPeriod, member: Member) -> None:
    """The member takes back one of their busy periods (the moves it caused stay on record)."""
    if period.member_id != member.pk:
        raise DomainError("Only the member who declared a busy period can remove it.")
    period.delete()


@transaction.atomic
def busy_period_move_commitments(
    *,
    period: BusyPeriod,
    member: Member,
    to_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[DateChange]:
    """Move every open commitment of the member that falls inside the period to `to_on` (by
    default the day after it ends), each at its own local time, in one step: all of them or,
    when one cannot move, none. Each move is a renegotiation whose reason is the period."""
    now = now or timezone.now()
    if period.member_id != member.pk:
        raise DomainError("Only the member who declared a busy period can move by it.")
    to_on = to_on or period.ends_on + dt.timedelta(days=1)
    if to_on <= period.ends_on:
        raise DomainError(
            f"Choose a day after {period.label} ends ({period.ends_on:%d %b %Y}).", field="to_on"
        )
    flagged = busy_period_commitments(period=period)
    if not flagged:
        raise DomainError("None of your open commitments falls in this period.")
    reason = f"Busy period: {period.label} ({period.starts_on:%d %b} to {period.ends_on:%d %b %Y})"
    changes = []
    for commitment in flagged:
        due_at = commitment.due_at or now  # open ones always have a date (a constraint says so)
        changes.append(
            commitment_move(
                commitment=commitment,
                member=member,
                due_on=to_on,
                due_time=due_local(due_at, commitment.due_time_zone).time(),
                reason=reason,
                busy_period=period,
                now=now,
            )
        )
    return changes
