"""Escalation: past a program's thresholds, the circle's lead takes a commitment to the program's
sponsor. The owner is told first and sees the same documentation; they have a period of working
days to add their side before the escalation reaches the sponsor's queue. The sponsor comments
and resolves it (a new date the owner is asked to set, a reassignment, or dropping it), and the
outcome is recorded. Every step is appended to the commitment's activity log."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from roundtable.commitments.models import Activity, Commitment, CommitmentSettings, Escalation
from roundtable.commitments.selectors.escalations import (
    commitment_settings_of,
    escalation_grounds,
    escalation_open_of,
    escalations_due_to_sponsor,
)
from roundtable.commitments.services.activity import activity_add
from roundtable.commitments.services.commitments import clean, commitment_ask, takes_part
from roundtable.commitments.services.notify import commitment_url, waiting_people
from roundtable.commitments.services.nudges import nudges_replan
from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

REASSIGNED_REASON = "reassigned at escalation"
ALREADY = "This commitment is already escalated: one escalation at a time."
OWNER_SIDE_MAX_CHARS = 5000
NOTE_MAX_CHARS = 2000
SETTINGS_MAX = {"overdue_days": 365, "moves": 50, "owner_period_days": 20}


def working_days_after(start: dt.datetime, days: int, zone: str) -> dt.datetime:
    """The same wall-clock time `days` working days (Monday to Friday, in `zone`; public holidays
    are not known) after `start`. Raised on a Friday with 2 days: the Tuesday after. Raised at a
    weekend, Monday counts as the first day. A time the clocks skip on the last day moves on
    with them (zoneinfo's fold rules)."""
    tz = ZoneInfo(zone or "UTC")
    local = timezone.localtime(start, tz)
    day = local.date()
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    wall = dt.datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=tz)
    return wall.astimezone(dt.UTC)


def escalation_url(escalation: Escalation) -> str:
    return reverse("commitments:escalation_detail", args=[escalation.pk])


def _tell(
    member: Member | None,
    *,
    escalation: Escalation,
    title: str,
    body: str,
    key: str,
    now: dt.datetime,
    kind: str = NoticeKind.COMMITMENT_ESCALATED,
    url: str = "",
) -> None:
    if member is None:
        return
    notice_send(
        member=member,
        kind=kind,
        title=title,
        body=body,
        url=url or escalation_url(escalation),
        key=f"escalation:{escalation.pk}:{key}:{member.pk}",
        now=now,
    )


def _locked(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related(
            "commitment__circle__program__sponsor__user",
            "commitment__owner__user",
            "raised_by__user",
        )
        .get(pk=escalation.pk)
    )


def _require_unresolved(escalation: Escalation) -> None:
    if escalation.resolved_at is not None:
        raise DomainError(
            f"This escalation was resolved on {escalation.resolved_at:%d %b %Y}: "
            "nothing more can be added to it."
        )


# --- raising ----------------------------------------------------------------------------------


@transaction.atomic
def escalation_raise(
    *, commitment: Commitment, by: Member, reason: str, now: dt.datetime | None = None
) -> Escalation:
    """Take the commitment to its program's sponsor. Refused unless it is past a threshold
    (overdue for the program's days, or moved more than its number of times) and no other
    escalation of it is open. The owner is told at once; the sponsor once the owner's period
    (the program's working days, on the owner's calendar) has passed (`escalations_sponsor_tell`).
    Whether `by` may escalate is the policy's (`can_escalate_commitment`), asked by the caller."""
    now = now or timezone.now()
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("circle__program__sponsor__user", "owner__user")
        .get(pk=commitment.pk)
    )
    reason = clean(reason, field="reason", label="The reason", limit=NOTE_MAX_CHARS)
    if escalation_open_of(commitment=commitment) is not None:
        raise DomainError(ALREADY)
    grounds = escalation_grounds(commitment=commitment, now=now)
    if not grounds.eligible:
        if commitment.status != Commitment.Status.OPEN:
            raise DomainError(
                f"Only an open commitment can be escalated; this one is "
                f"“{commitment.get_status_display().lower()}”."
            )
        raise DomainError(
            f"This commitment is not past the program's thresholds. {grounds.not_yet}"
        )
    escalation = Escalation(
        commitment=commitment,
        raised_by=by,
        raised_at=now,
        reason=reason,
        owner_period_ends_at=working_days_after(
            now, grounds.settings.owner_period_days, commitment.owner.time_zone
        ),
    )
    full_clean_or_raise(escalation)
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError as exc:  # a twin raised at the same moment
        raise DomainError(
            "This commitment is already escalated: one escalation at a time."
        ) from exc
    activity_add(
        commitment=commitment,
        escalation=escalation,
        kind=Activity.Kind.ESCALATED,
        actor=by,
        text=reason,
        data={
            "grounds": list(grounds.reasons),
            "owner_period_ends_at": escalation.owner_period_ends_at.isoformat(),
        },
        at=now,
    )
    ends = timezone.localtime(escalation.owner_period_ends_at, ZoneInfo(commitment.owner.time_zone))
    _tell(
        commitment.owner,
        escalation=escalation,
        title=f"{by} escalated “{commitment.title}” to {commitment.circle.program.sponsor}",
        body=(
            f"You see it first: add your side before {ends:%a} {ends.day} {ends:%b, %H:%M}, "
            f"when it reaches the sponsor. Why: {reason}"
        ),
        key="owner",
        now=now,
    )
    return escalation


def escalations_sponsor_tell(*, now: dt.datetime | None = None) -> int:
    """Tell each sponsor of the escalations whose owner's period has passed (the periodic task).
    The notice's key tells them once however often this runs, on however many workers. Returns
    how many escalations were due."""
    now = now or timezone.now()
    due = list(escalations_due_to_sponsor(now=now))
    for escalation in due:
        commitment = escalation.commitment
        with transaction.atomic():
            _tell(
                commitment.circle.program.sponsor,
                escalation=escalation,
                title=f"An escalation for you to resolve: “{commitment.title}”",
                body=(
                    f"{escalation.raised_by} escalated {commitment.owner}'s commitment in "
                    f"{commitment.circle}. The documentation"
                    + (" includes the owner's side." if escalation.owner_side else " is ready.")
                ),
                key="sponsor",
                now=now,
            )
    return len(due)


# --- the owner's side, the sponsor's comments -------------------------------------------------


@transaction.atomic
def escalation_owner_side(
    *, escalation: Escalation, owner: Member, text: str, now: dt.datetime | None = None
) -> Escalation:
    """The owner adds (or rewrites) their side, at any time until it is resolved; the sponsor
    sees it from the end of the owner's period, like everything else. Each version is kept in the
    activity log."""
    now = now or timezone.now()
    escalation = _locked(escalation)
    if escalation.commitment.owner_id != owner.pk:
        raise DomainError("Only the commitment's owner adds their side.")
    _require_unresolved(escalation)
    text = clean(text, field="text", label="Your side", limit=OWNER_SIDE_MAX_CHARS)
    escalation.owner_side, escalation.owner_side_at = text, now
    escalation.save(update_fields=["owner_side", "owner_side_at", "updated_at"])
    activity_add(
        commitment=escalation.commitment,
        escalation=escalation,
        kind=Activity.Kind.OWNER_SIDE,
        actor=owner,
        text=text,
        at=now,
    )
    return escalation


@transaction.atomic
def escalation_comment(
    *, escalation: Escalation, sponsor: Member, text: str, now: dt.datetime | None = None
) -> Activity:
    """The sponsor comments (asks a question, says what they heard); the owner and the lead who
    raised it are told."""
    now = now or timezone.now()
    escalation = _locked(escalation)
    _require_sponsor(escalation, sponsor, now)
    _require_unresolved(escalation)
    text = clean(text, field="text", label="The comment", limit=NOTE_MAX_CHARS)
    activity = activity_add(
        commitment=escalation.commitment,
        escalation=escalation,
        kind=Activity.Kind.SPONSOR_COMMENT,
        actor=sponsor,
        text=text,
        at=now,
    )
    for member in (escalation.commitment.owner, escalation.raised_by):
        _tell(
            member,
            escalation=escalation,
            title=f"{sponsor} commented on the escalation of “{escalation.commitment.title}”",
            body=text,
            key=f"comment:{activity.pk}",
            now=now,
        )
    return activity


def _require_sponsor(escalation: Escalation, sponsor: Member, now: dt.datetime) -> None:
    if escalation.commitment.circle.program.sponsor_id != sponsor.pk:
        raise DomainError("Only the program's sponsor comments on and resolves an escalation.")
    if escalation.owner_period_ends_at > now:
        raise DomainError("The owner's period to add their side has not passed yet.")


# --- resolving --------------------------------------------------------------------------------


@transaction.atomic
def escalation_resolve(
    *,
    escalation: Escalation,
    sponsor: Member,
    resolution: str,
    note: str = "",
    reassign_to: Member | None = None,
    now: dt.datetime | None = None,
) -> Escalation:
    """The sponsor resolves it, and the outcome is recorded:

    - a new date agreed: the owner is asked to set it (only the owner moves the date; it is not
      moved for them);
    - reassigned: the commitment is dropped ("reassigned at escalation") and the chosen member
      of the circle is asked for it, by the lead who raised it (by the sponsor if the chosen
      member is that lead); what waited on it now waits on the new request;
    - dropped: the commitment is dropped with the sponsor's note as its reason.

    Refused, nothing changed, without an outcome, without a note when dropping, without a member
    when reassigning, or once resolved."""
    now = now or timezone.now()
    escalation = _locked(escalation)
    _require_sponsor(escalation, sponsor, now)
    _require_unresolved(escalation)
    if resolution not in Escalation.Resolution.values:
        raise DomainError(
            "Choose the outcome: a new date agreed, reassigned, or dropped.", field="resolution"
        )
    note = clean(
        note,
        field="note",
        label="The note",
        required=resolution == Escalation.Resolution.DROPPED,
        limit=NOTE_MAX_CHARS,
    )
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("circle__program", "owner__user", "asked_by__user", "meeting", "trial")
        .get(pk=escalation.commitment_id)
    )
    if commitment.status != Commitment.Status.OPEN:
        raise DomainError(
            f"The commitment is “{commitment.get_status_display().lower()}” now: "
            "it cannot be resolved this way."
        )
    new_request: Commitment | None = None
    if resolution == Escalation.Resolution.REASSIGNED:
        new_request = _reassign(
            commitment=commitment,
            escalation=escalation,
            sponsor=sponsor,
            to=reassign_to,
            note=note,
            now=now,
        )
    elif resolution == Escalation.Resolution.DROPPED:
        _drop(commitment=commitment, escalation=escalation, by=sponsor, reason=note, now=now)

    escalation.resolution, escalation.resolution_note = resolution, note
    escalation.resolved_by, escalation.resolved_at = sponsor, now
    escalation.save(
        update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at", "updated_at"]
    )
    label = str(Escalation.Resolution(resolution).label)
    data: dict[str, object] = {"resolution": resolution}
    if new_request is not None:
        data |= {"new_commitment": new_request.pk, "reassigned_to": new_request.owner_id}
    activity_add(
        commitment=commitment,
        escalation=escalation,
        kind=Activity.Kind.RESOLVED,
        actor=sponsor,
        text=f"{label}." + (f" {note}" if note else ""),
        data=data,
        at=now,
    )
    _resolution_told(escalation=escalation, commitment=commitment, label=label, note=note, now=now)
    return escalation


def _resolution_told(
    *, escalation: Escalation, commitment: Commitment, label: str, note: str, now: dt.datetime
) -> None:
    title = f"“{commitment.title}”: {label.lower()}"
    for member in (commitment.owner, escalation.raised_by):
        body = note
        if (
            escalation.resolution == Escalation.Resolution.NEW_DATE
            and member.pk == commitment.owner_id
        ):
            title_for = f"Set the date agreed for “{commitment.title}”"
            body = (
                "The sponsor resolved the escalation with a new date: only you move it. "
                "Open the commitment and set the date agreed." + (f" Note: {note}" if note else "")
            )
            _tell(
                member,
                escalation=escalation,
                title=title_for,
                body=body,
                key="resolved",
                now=now,
                url=commitment_url(commitment),
            )
            continue
        _tell(member, escalation=escalation, title=title, body=body, key="resolved", now=now)


def _drop(
    *, commitment: Commitment, escalation: Escalation, by: Member, reason: str, now: dt.datetime
) -> None:
    waiting = waiting_people(commitment)
    commitment.status, commitment.dropped_reason, commitment.dropped_at = (
        Commitment.Status.DROPPED,
        reason,
        now,
    )
    commitment.save(update_fields=["status", "dropped_reason", "dropped_at", "updated_at"])
    nudges_replan(commitment=commitment, now=now)  # its unsent reminders and nudges go with it
    activity = activity_add(
        commitment=commitment,
        escalation=escalation,
        kind=Activity.Kind.DROPPED,
        actor=by,
        text=reason,
        at=now,
    )
    for member in waiting:
        if member.pk in (commitment.owner_id, escalation.raised_by_id):
            continue  # told of the outcome itself
        _tell(
            member,
            escalation=escalation,
            kind=NoticeKind.COMMITMENT_MOVED,
            title=f"“{commitment.title}” was dropped at escalation",
            body=f"Why: {reason}",
            key=f"dropped:{activity.pk}",
            now=now,
            url=commitment_url(commitment),
        )


def _reassign(
    *,
    commitment: Commitment,
    escalation: Escalation,
    sponsor: Member,
    to: Member | None,
    note: str,
    now: dt.datetime,
) -> Commitment:
    circle = commitment.circle
    if to is None:
        raise DomainError("Choose who takes it on.", field="reassign_to")
    if to.pk == commitment.owner_id:
        raise DomainError(f"{to} already owns it: choose someone else.", field="reassign_to")
    if to.organization_id != circle.program.organization_id or not takes_part(circle, to):
        raise DomainError(f"{to} is not in {circle}: choose someone in it.", field="reassign_to")
    waiters = list(commitment.waited_on_by.all())
    _drop(
        commitment=commitment,
        escalation=escalation,
        by=sponsor,
        reason=REASSIGNED_REASON + (f": {note}" if note else ""),
        now=now,
    )
    asker = escalation.raised_by if escalation.raised_by_id != to.pk else sponsor
    details = f"Reassigned from {commitment.owner} when the escalation was resolved."
    if commitment.details:
        details = f"{commitment.details}\n\n{details}"
    new_request = commitment_ask(
        circle=circle,
        asked_by=asker,
        owner=to,
        title=commitment.title,
        details=details[:NOTE_MAX_CHARS],
        meeting=commitment.meeting,
        trial=commitment.trial,
        now=now,
    )
    for waiter in waiters:
        waiter.waits_on.add(new_request)
    return new_request


# --- the program's settings -------------------------------------------------------------------


@transaction.atomic
def commitment_settings_set(
    *, program: Program, overdue_days: int, moves: int, owner_period_days: int
) -> CommitmentSettings:
    """Set the program's escalation thresholds and the owner's period (in working days).
    Whether the caller may is the policy's (`can_change_commitment_settings`)."""
    values = {"overdue_days": overdue_days, "moves": moves, "owner_period_days": owner_period_days}
    for name, value in values.items():
        if not 0 <= value <= SETTINGS_MAX[name]:
            raise DomainError(f"Between 0 and {SETTINGS_MAX[name]}.", field=name)
    settings = commitment_settings_of(program=program)
    for name, value in values.items():
        setattr(settings, name, value)
    full_clean_or_raise(settings)
    settings.save()
    return settings
