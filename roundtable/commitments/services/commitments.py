"""Every change to a commitment: taking one on, asking someone for one and the answers that
follow (a date, a refusal, a counter-proposal; the asker's acceptance or reply), moving the date,
marking it done or dropping it, and what it waits on.

The date is the owner's: only they choose it, in their own time zone, and each move after the
first answer is a `DateChange` with a reason. Everything is appended to the activity log, and the
people it concerns are told (notify.py), inside the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import Activity, BusyPeriod, Commitment, DateChange
from roundtable.commitments.services import notify
from roundtable.commitments.services.activity import activity_add
from roundtable.commitments.services.nudges import nudges_replan
from roundtable.commitments.times import due_instant
from roundtable.core.errors import DomainError
from roundtable.core.text import text_clean
from roundtable.core.validation import full_clean_or_raise
from roundtable.ideas.models import Trial
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

Status = Commitment.Status
CLOSED = (Status.DECLINED, Status.DONE, Status.DROPPED)


def clean(value: str, *, field: str, label: str, required: bool = True, limit: int) -> str:
    """`value` stripped and NFC-normalised; a DomainError on `field` naming `label` when it holds
    control characters, shows nothing while required, or is longer than `limit`."""
    try:
        value = text_clean(value or "", required=required).strip()
    except ValueError as exc:
        raise DomainError(f"{label} {exc}.", field=field) from exc
    if len(value) > limit:
        raise DomainError(
            f"Keep {label.lower()} to {limit:,} characters (it has {len(value):,}).", field=field
        )
    return value


def takes_part(circle: Circle, member: Member) -> bool:
    """The circle's lead, or one of its current members."""
    return circle.lead_id == member.pk or (
        circle.memberships.filter(member=member, left_on__isnull=True).exists()
    )


def _locked(commitment: Commitment) -> Commitment:
    # Lock the commitment's row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join that `asked_by` needs.
    return (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("circle", "owner__user", "asked_by__user")
        .get(pk=commitment.pk)
    )


def _require_owner(commitment: Commitment, member: Member, doing: str) -> None:
    if commitment.owner_id != member.pk:
        raise DomainError(f"Only {commitment.owner}, who owns this commitment, can {doing}.")


def _require_asker(commitment: Commitment, member: Member) -> None:
    if commitment.asked_by_id is None or commitment.asked_by_id != member.pk:
        raise DomainError("Only the person who asked for this commitment can answer its owner.")


def _require_status(commitment: Commitment, *statuses: str, doing: str) -> None:
    if commitment.status not in statuses:
        raise DomainError(
            f"This commitment is “{commitment.get_status_display().lower()}”: "
            f"it cannot {doing} now."
        )


def _future_due(
    *, member: Member, due_on: dt.date, due_time: dt.time | None, now: dt.datetime
) -> tuple[dt.datetime, str]:
    """The owner's chosen local date and time as an instant in their zone; refused when it is
    not after now."""
    zone = member.time_zone or "UTC"
    due_at = due_instant(day=due_on, time=due_time, zone=zone)
    if due_at <= now:
        raise DomainError("Choose a date and time still to come.", field="due_on")
    return due_at, zone


def _origin(circle: Circle, meeting: Meeting | None, trial: Trial | None) -> None:
    if meeting is not None and meeting.circle_id != circle.pk:
        raise DomainError("That meeting is another circle's.", field="meeting")
    if trial is not None and trial.idea.circle_id != circle.pk:
        raise DomainError("That trial is another circle's.", field="trial")


def _date_change(
    *,
    commitment: Commitment,
    by: Member,
    to: dt.datetime,
    now: dt.datetime,
    previous: dt.datetime | None = None,
    reason: str = "",
    busy_period: BusyPeriod | None = None,
) -> DateChange:
    change = DateChange(
        commitment=commitment,
        from_due_at=previous,
        to_due_at=to,
        reason=reason,
        busy_period=busy_period,
        changed_by=by,
        changed_at=now,
    )
    full_clean_or_raise(change)
    change.save()
    return change


# --- taking on and asking -------------------------------------------------------------------


@transaction.atomic
def commitment_take_on(
    *,
    circle: Circle,
    owner: Member,
    title: str,
    due_on: dt.date,
    due_time: dt.time | None = None,
    details: str = "",
    meeting: Meeting | None = None,
    trial: Trial | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """The owner commits themselves to something in their circle, by a date they choose."""
    now = now or timezone.now()
    if not takes_part(circle, owner):
        raise DomainError(f"Only the members and the lead of {circle} make commitments in it.")
    _origin(circle, meeting, trial)
    due_at, zone = _future_due(member=owner, due_on=due_on, due_time=due_time, now=now)
    commitment = Commitment(
        circle=circle,
        owner=owner,
        title=clean(title, field="title", label="What", limit=200),
        details=clean(details, field="details", label="The details", required=False, limit=2000),
        meeting=meeting,
        trial=trial,
        status=Status.OPEN,
        due_at=due_at,
        due_time_zone=zone,
    )
    full_clean_or_raise(commitment)
    commitment.save()
    _date_change(commitment=commitment, by=owner, to=due_at, now=now)
    activity_add(
        commitment=commitment,
        kind=Activity.Kind.CREATED,
        actor=owner,
        data={"due_at": due_at.isoformat(), "zone": zone},
        at=now,
    )
    nudges_replan(commitment=commitment, now=now)  # reminders follow the date
    return commitment


@transaction.atomic
def commitment_ask(
    *,
    circle: Circle,
    asked_by: Member,
    owner: Member,
    title: str,
    details: str = "",
    meeting: Meeting | None = None,
    trial: Trial | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Ask a current member (or the lead) of the circle for a commitment. The request has no
    date: the owner answers when they can have it done, or pushes back. Whether the asker may
    ask is the policy's (`can_ask_for_commitment`), checked by the caller."""
    now = now or timezone.now()
    if owner.pk == asked_by.pk:
        raise DomainError("To commit yourself, take it on with your own date.", field="owner")
    if owner.organization_id != circle.program.organization_id or not takes_part(circle, owner):
        raise DomainError(f"{owner} is not in {circle}: ask someone in it.", field="owner")
    _origin(circle, meeting, trial)
    commitment = Commitment(
        circle=circle,
        owner=owner,
        asked_by=asked_by,
        title=clean(title, field="title", label="What", limit=200),
        details=clean(details, field="details", label="The details", required=False, limit=2000),
        meeting=meeting,
        trial=trial,
        status=Status.REQUESTED,
    )
    full_clean_or_raise(commitment)
    commitment.save()
    activity_add(commitment=commitment, kind=Activity.Kind.ASKED, actor=asked_by, at=now)
    notify.commitment_asked(commitment=commitment, asked_by=asked_by, now=now)
    return commitment


# --- the owner's answer, and the asker's ----------------------------------------------------


@transaction.atomic
def commitment_answer(
    *,
    commitment: Commitment,
    member: Member,
    due_on: dt.date,
    due_time: dt.time | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """The owner says when they can have it done: the request becomes an open commitment."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_owner(commitment, member, "say when it will be done")
    _require_status(commitment, Status.REQUESTED, doing="take a first date")
    due_at, zone = _future_due(member=member, due_on=due_on, due_time=due_time, now=now)
    commitment.status, commitment.due_at, commitment.due_time_zone = Status.OPEN, due_at, zone
    commitment.save(update_fields=["status", "due_at", "due_time_zone", "updated_at"])
    _date_change(commitment=commitment, by=member, to=due_at, now=now)
    activity = activity_add(
        commitment=commitment,
        kind=Activity.Kind.DATED,
        actor=member,
        data={"due_at": due_at.isoformat(), "zone": zone},
        at=now,
    )
    notify.commitment_answered(commitment=commitment, activity=activity, now=now)
    nudges_replan(commitment=commitment, now=now)  # reminders follow the date
    return commitment


@transaction.atomic
def commitment_decline(
    *, commitment: Commitment, member: Member, reason: str, now: dt.datetime | None = None
) -> Commitment:
    """The owner says no, and why. The asker may reply (which asks again)."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_owner(commitment, member, "decline it")
    _require_status(commitment, Status.REQUESTED, doing="be declined")
    reason = clean(reason, field="reason", label="The reason", limit=2000)
    commitment.status, commitment.answer = Status.DECLINED, reason
    commitment.save(update_fields=["status", "answer", "updated_at"])
    activity = activity_add(
        commitment=commitment, kind=Activity.Kind.DECLINED, actor=member, text=reason, at=now
    )
    notify.commitment_answered(commitment=commitment, activity=activity, now=now)
    return commitment


@transaction.atomic
def commitment_counter(
    *,
    commitment: Commitment,
    member: Member,
    proposal: str,
    due_on: dt.date | None = None,
    due_time: dt.time | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """The owner proposes something different (and why), with the date they would have that
    done by, if they can say yet. The asker accepts it or replies."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_owner(commitment, member, "propose something different")
    _require_status(commitment, Status.REQUESTED, doing="take a counter-proposal")
    proposal = clean(proposal, field="proposal", label="What you propose", limit=2000)
    data = {}
    if due_on is not None:
        due_at, zone = _future_due(member=member, due_on=due_on, due_time=due_time, now=now)
        commitment.due_at, commitment.due_time_zone = due_at, zone
        data = {"due_at": due_at.isoformat(), "zone": zone}
    commitment.status, commitment.answer = Status.COUNTERED, proposal
    commitment.save(update_fields=["status", "answer", "due_at", "due_time_zone", "updated_at"])
    activity = activity_add(
        commitment=commitment,
        kind=Activity.Kind.COUNTERED,
        actor=member,
        text=proposal,
        data=data,
        at=now,
    )
    notify.commitment_answered(commitment=commitment, activity=activity, now=now)
    return commitment


@transaction.atomic
def commitment_accept(
    *, commitment: Commitment, member: Member, now: dt.datetime | None = None
) -> Commitment:
    """The asker accepts the owner's counter-proposal. With the date the owner proposed it is
    open at once (still in the future); without one it goes back to the owner for a date."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_asker(commitment, member)
    _require_status(commitment, Status.COUNTERED, doing="be accepted")
    proposed = commitment.due_at
    dated = proposed is not None and proposed > now
    if proposed is not None and dated:
        commitment.status = Status.OPEN
        _date_change(commitment=commitment, by=commitment.owner, to=proposed, now=now)
    else:
        commitment.status, commitment.due_at, commitment.due_time_zone = Status.REQUESTED, None, ""
    commitment.save(update_fields=["status", "due_at", "due_time_zone", "updated_at"])
    activity = activity_add(
        commitment=commitment,
        kind=Activity.Kind.ACCEPTED,
        actor=member,
        data={"needs_date": not dated},
        at=now,
    )
    notify.commitment_reply_told(commitment=commitment, activity=activity, now=now)
    nudges_replan(commitment=commitment, now=now)  # reminders follow the date
    return commitment


@transaction.atomic
def commitment_reply(
    *, commitment: Commitment, member: Member, text: str, now: dt.datetime | None = None
) -> Commitment:
    """The asker answers a refusal or a counter-proposal: the request is open to the owner
    again (without a date), with the reply on record."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_asker(commitment, member)
    _require_status(commitment, Status.COUNTERED, Status.DECLINED, doing="take a reply")
    text = clean(text, field="text", label="Your reply", limit=2000)
    commitment.status, commitment.due_at, commitment.due_time_zone = Status.REQUESTED, None, ""
    commitment.save(update_fields=["status", "due_at", "due_time_zone", "updated_at"])
    activity = activity_add(
        commitment=commitment, kind=Activity.Kind.REPLIED, actor=member, text=text, at=now
    )
    notify.commitment_reply_told(commitment=commitment, activity=activity, now=now)
    return commitment


# --- the date, and how it ends --------------------------------------------------------------


@transaction.atomic
def commitment_move(
    *,
    commitment: Commitment,
    member: Member,
    due_on: dt.date,
    due_time: dt.time | None = None,
    reason: str,
    busy_period: BusyPeriod | None = None,
    now: dt.datetime | None = None,
) -> DateChange:
    """Renegotiate: the owner moves their own date, with a reason. The change is kept (from,
    to, why, when) and the people waiting on it are told."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_owner(commitment, member, "move its date")
    _require_status(commitment, Status.OPEN, doing="be moved")
    reason = clean(reason, field="reason", label="The reason", limit=1000)
    due_at, zone = _future_due(member=member, due_on=due_on, due_time=due_time, now=now)
    previous = commitment.due_at
    if due_at == previous:
        raise DomainError("That is already its date.", field="due_on")
    commitment.due_at, commitment.due_time_zone = due_at, zone
    commitment.save(update_fields=["due_at", "due_time_zone", "updated_at"])
    change = _date_change(
        commitment=commitment,
        by=member,
        to=due_at,
        now=now,
        previous=previous,
        reason=reason,
        busy_period=busy_period,
    )
    activity = activity_add(
        commitment=commitment,
        kind=Activity.Kind.MOVED,
        actor=member,
        text=reason,
        data={
            "from": previous.isoformat() if previous else None,
            "to": due_at.isoformat(),
            "zone": zone,
            "busy_period": busy_period.pk if busy_period else None,
        },
        at=now,
    )
    notify.commitment_changed(commitment=commitment, activity=activity, now=now)
    nudges_replan(commitment=commitment, now=now)  # reminders follow the date
    return change


@transaction.atomic
def commitment_done(
    *,
    commitment: Commitment,
    member: Member,
    note: str = "",
    link: str = "",
    now: dt.datetime | None = None,
) -> Commitment:
    """The owner marks it done, with an optional note or link; those waiting are told."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_owner(commitment, member, "mark it done")
    _require_status(commitment, Status.OPEN, doing="be marked done")
    commitment.done_note = clean(note, field="note", label="The note", required=False, limit=2000)
    commitment.done_link = clean(link, field="link", label="The link", required=False, limit=500)
    commitment.status, commitment.done_at = Status.DONE, now
    full_clean_or_raise(commitment)
    commitment.save()
    activity = activity_add(
        commitment=commitment,
        kind=Activity.Kind.DONE,
        actor=member,
        text=commitment.done_note,
        data={
            "link": commitment.done_link,
            "on_time": bool(commitment.due_at and now <= commitment.due_at),
        },
        at=now,
    )
    notify.commitment_changed(commitment=commitment, activity=activity, now=now)
    nudges_replan(commitment=commitment, now=now)  # reminders follow the date
    return commitment


@transaction.atomic
def commitment_drop(
    *, commitment: Commitment, member: Member, reason: str, now: dt.datetime | None = None
) -> Commitment:
    """The owner drops it, saying why; those waiting are told."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    _require_owner(commitment, member, "drop it")
    _require_status(commitment, Status.OPEN, doing="be dropped")
    reason = clean(reason, field="reason", label="The reason", limit=2000)
    commitment.status, commitment.dropped_reason, commitment.dropped_at = (
        Status.DROPPED,
        reason,
        now,
    )
    commitment.save(update_fields=["status", "dropped_reason", "dropped_at", "updated_at"])
    activity = activity_add(
        commitment=commitment, kind=Activity.Kind.DROPPED, actor=member, text=reason, at=now
    )
    notify.commitment_changed(commitment=commitment, activity=activity, now=now)
    nudges_replan(commitment=commitment, now=now)  # reminders follow the date
    return commitment


# --- what it waits on -----------------------------------------------------------------------


def _waits_on_closure(start: Commitment) -> set[int]:
    """The ids `start` waits on, directly or through others (one query per level)."""
    seen: set[int] = set()
    frontier = {start.pk}
    through = Commitment.waits_on.through
    while frontier:
        frontier = (
            set(
                through.objects.filter(from_commitment_id__in=frontier).values_list(
                    "to_commitment_id", flat=True
                )
            )
            - seen
        )
        seen |= frontier
    return seen


@transaction.atomic
def commitment_wait_on(
    *, commitment: Commitment, on: Commitment, member: Member, now: dt.datetime | None = None
) -> Commitment:
    """`commitment` cannot be done before `on` is: refused for itself, another circle's, a
    closed one, or a cycle (`on` already waits on `commitment`, however indirectly). Whether
    `member` may say so is the policy's (`can_link_commitments`)."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    if on.pk == commitment.pk:
        raise DomainError("A commitment cannot wait on itself.", field="on")
    if on.circle_id != commitment.circle_id:
        raise DomainError("It can wait only on a commitment of the same circle.", field="on")
    if on.status in (Status.DECLINED, Status.DROPPED):
        raise DomainError(f"“{on.title}” was {on.status}: nothing can wait on it.", field="on")
    if commitment.waits_on.filter(pk=on.pk).exists():
        raise DomainError(f"It already waits on “{on.title}”.", field="on")
    if commitment.pk in _waits_on_closure(on):
        raise DomainError(
            f"“{on.title}” already waits on this one (directly or through others): "
            "waiting on it would make a circle in which neither can be done.",
            field="on",
        )
    commitment.waits_on.add(on)
    activity_add(
        commitment=commitment,
        kind=Activity.Kind.WAITING,
        actor=member,
        text=on.title,
        data={"on": on.pk, "added": True},
        at=now,
    )
    return commitment


@transaction.atomic
def commitment_stop_waiting(
    *, commitment: Commitment, on: Commitment, member: Member, now: dt.datetime | None = None
) -> Commitment:
    """`commitment` no longer waits on `on`."""
    now = now or timezone.now()
    commitment = _locked(commitment)
    if not commitment.waits_on.filter(pk=on.pk).exists():
        raise DomainError(f"It does not wait on “{on.title}”.", field="on")
    commitment.waits_on.remove(on)
    activity_add(
        commitment=commitment,
        kind=Activity.Kind.WAITING,
        actor=member,
        text=on.title,
        data={"on": on.pk, "added": False},
        at=now,
    )
    return commitment
