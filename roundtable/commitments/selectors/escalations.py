"""Reads for escalations: the permission-scoped getter, a program's thresholds (or the defaults),
whether a commitment may be escalated and on what grounds, the panel a commitment page shows,
the sponsor's queue, and the documentation: one plain structure that the page, the print view
and the PDF all show, the same for the owner and the sponsor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from roundtable.commitments.models import (
    Activity,
    Commitment,
    CommitmentSettings,
    DateChange,
    Escalation,
)
from roundtable.commitments.selectors.commitments import commitment_timeline
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.ideas.models import IdeaVersion
from roundtable.meetings.models import Meeting
from roundtable.programs.models import Program

# Meeting notes that mention the commitment: at most this many, newest first, each excerpt cut.
MENTIONS_MAX = 20
EXCERPT_MAX_CHARS = 400
RESOLVED_SHOWN_DAYS = 90

_ESCALATION_RELATED = (
    "commitment__circle__program__organization",
    "commitment__circle__program__sponsor__user",
    "commitment__owner__user",
    "commitment__asked_by__user",
    "raised_by__user",
    "resolved_by__user",
)

# --- getters ----------------------------------------------------------------------------------


def escalation_get_for_user(
    *,
    user: Any,
    pk: Any,
    can: Callable[[Any, Escalation], bool] = permissions.can_view_escalation,
) -> Escalation:
    """The escalation, if the policy lets the user see it (or do `can` with it); else Http404.
    The sponsor gets Http404 before the owner's period has passed: it does not exist for them
    yet."""
    return object_get_or_404(
        Escalation.objects.select_related(*_ESCALATION_RELATED),
        pk=pk,
        can=lambda escalation: can(user, escalation),
        message="No such escalation.",
    )


def commitment_get_for_escalation(*, user: Any, pk: Any) -> Commitment:
    """The commitment to escalate, if the user may see it (`can_view_commitment`); else Http404.
    Whether they may escalate it is asked separately (a 403 for someone who sees it)."""
    return object_get_or_404(
        Commitment.objects.select_related(
            "circle__program__organization", "owner__user", "asked_by__user"
        ),
        pk=pk,
        can=lambda commitment: permissions.can_view_commitment(user, commitment),
        message="No such commitment.",
    )


def program_get_for_settings(
    *, user: Any, pk: Any, can: Callable[[Any, Program], bool] = permissions.can_view_program
) -> Program:
    """The program, if the policy lets the user see it (or do `can` with it); else Http404."""
    return object_get_or_404(
        permissions.with_viewer_capacities(
            Program.objects.select_related("organization", "sponsor__user"), user
        ),
        pk=pk,
        can=lambda program: can(user, program),
        message="No such program.",
    )


# --- thresholds -------------------------------------------------------------------------------


def commitment_settings_of(*, program: Program) -> CommitmentSettings:
    """The program's escalation rules, or the defaults (unsaved) while it has none."""
    return CommitmentSettings.objects.filter(program=program).first() or CommitmentSettings(
        program=program
    )


def moves_count(*, commitment: Commitment) -> int:
    """How often the owner moved the date (the first choice is not a move)."""
    return DateChange.objects.filter(commitment=commitment, from_due_at__isnull=False).count()


def days_overdue(*, commitment: Commitment, now: dt.datetime) -> int:
    """Whole days since the date passed; 0 when it has not (or there is none)."""
    if commitment.due_at is None or commitment.due_at >= now:
        return 0
    return (now - commitment.due_at).days


@dataclass(frozen=True)
class Grounds:
    """Why a commitment may (or may not yet) be escalated, in words for the lead."""

    overdue_days: int
    moves: int
    settings: CommitmentSettings
    reasons: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return bool(self.reasons)

    @property
    def not_yet(self) -> str:
        s = self.settings
        return (
            f"It can be escalated once it is {s.overdue_days} days overdue (now "
            f"{self.overdue_days}) or after more than {s.moves} date changes (now {self.moves})."
        )


def escalation_grounds(*, commitment: Commitment, now: dt.datetime) -> Grounds:
    """The program's thresholds applied to the commitment: overdue for at least `overdue_days`
    whole days, or moved more than `moves` times. Only an open commitment (one with a date that
    is neither done nor dropped) has grounds."""
    settings = commitment_settings_of(program=commitment.circle.program)
    overdue = days_overdue(commitment=commitment, now=now)
    moves = moves_count(commitment=commitment)
    reasons: list[str] = []
    if commitment.status == Commitment.Status.OPEN:
        past_due = commitment.due_at is not None and commitment.due_at < now
        if past_due and overdue >= settings.overdue_days:
            reasons.append(
                f"Overdue by {overdue} day{'s' * (overdue != 1)} "
                f"(the program's threshold: {settings.overdue_days})."
            )
        if moves > settings.moves:
            reasons.append(
                f"The date was moved {moves} times (the program's threshold: more than "
                f"{settings.moves})."
            )
    return Grounds(overdue_days=overdue, moves=moves, settings=settings, reasons=tuple(reasons))


def escalation_open_of(*, commitment: Commitment) -> Escalation | None:
    return Escalation.objects.filter(commitment=commitment, resolved_at__isnull=True).first()


# --- the commitment page's panel --------------------------------------------------------------


def escalation_panel(*, commitment: Commitment, user: Any) -> dict[str, Any]:
    """What the commitment page shows about escalation to this viewer: the lead, whether and why
    they may escalate (or what is missing); anyone, the escalations they may see."""
    now = timezone.now()
    can_escalate = permissions.can_escalate_commitment(user, commitment)
    escalations = [
        e
        for e in Escalation.objects.select_related(*_ESCALATION_RELATED).filter(
            commitment=commitment
        )
        if permissions.can_view_escalation(user, e)
    ]
    open_one = next((e for e in escalations if e.resolved_at is None), None)
    grounds = escalation_grounds(commitment=commitment, now=now) if can_escalate else None
    return {
        "commitment": commitment,
        "can_escalate": can_escalate and open_one is None and bool(grounds and grounds.eligible),
        "grounds": grounds,
        "open": open_one,
        "escalations": escalations,
        "shown": can_escalate or bool(escalations),
    }


# --- the sponsor's queue ----------------------------------------------------------------------


def _sponsored(user: Any) -> QuerySet[Escalation]:
    ids = [m.pk for m in permissions.memberships(user).values()]
    return (
        Escalation.objects.filter(commitment__circle__program__sponsor_id__in=ids)
        .select_related(*_ESCALATION_RELATED, "commitment__circle")
        .annotate(
            moves=Count(
                "commitment__date_changes",
                filter=Q(commitment__date_changes__from_due_at__isnull=False),
            )
        )
    )


def escalation_queue(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The escalations of the programs the user sponsors whose owner's period has passed: those
    waiting for them (oldest first), and those resolved in the last 90 days; and whether they
    sponsor any program. Nothing of another program, nothing still in the owner's period."""
    now = now or timezone.now()
    visible = _sponsored(user).filter(owner_period_ends_at__lte=now)
    waiting = list(visible.filter(resolved_at__isnull=True).order_by("owner_period_ends_at", "id"))
    resolved = list(
        visible.filter(resolved_at__gte=now - dt.timedelta(days=RESOLVED_SHOWN_DAYS)).order_by(
            "-resolved_at", "id"
        )
    )
    ids = [m.pk for m in permissions.memberships(user).values()]
    sponsors = bool(ids) and Program.objects.filter(sponsor_id__in=ids).exists()
    return {"waiting": waiting, "resolved": resolved, "sponsors": sponsors}


def escalations_due_to_sponsor(*, now: dt.datetime) -> QuerySet[Escalation]:
    """Unresolved escalations whose owner's period has passed: the sponsor is to be told (the
    notice's key tells them once)."""
    return Escalation.objects.filter(
        resolved_at__isnull=True, owner_period_ends_at__lte=now
    ).select_related(*_ESCALATION_RELATED)


# --- the documentation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: dt.datetime
    what: str
    who: str = ""
    text: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Mention:
    meeting_id: int
    starts_at: dt.datetime
    cancelled: bool
    excerpt: str


@dataclass(frozen=True)
class Waiting:
    title: str
    owner: str
    due_at: dt.datetime | None
    due_time_zone: str
    status: str


@dataclass(frozen=True)
class Documentation:
    """Everything the sponsor needs, compiled from the record; shown alike to everyone who may
    see the escalation. Times are shown in `time_zone` (the circle's), so that the owner's page,
    the sponsor's page and the PDF read the same."""

    escalation_id: int
    title: str
    details: str
    owner: str
    circle: str
    program: str
    sponsor: str
    time_zone: str
    asked_by: str
    asked_at: dt.datetime
    status: str
    due_at: dt.datetime | None
    due_time_zone: str
    days_overdue: int
    moves: int
    overdue_threshold: int
    moves_threshold: int
    raised_by: str
    raised_at: dt.datetime
    reason: str
    owner_period_ends_at: dt.datetime
    timeline: list[Entry]
    mentions: list[Mention]
    waiting: list[Waiting]
    holds_up: list[str]
    owner_side: str
    owner_side_at: dt.datetime | None
    comments: list[Entry]
    resolved: bool
    resolution: str = ""
    resolution_note: str = ""
    resolved_by: str = ""
    resolved_at: dt.datetime | None = None


def _excerpt(notes: str, title: str) -> str:
    """The lines of the notes that name the commitment, cut to EXCERPT_MAX_CHARS."""
    needle = title.casefold()
    lines = [line.strip() for line in notes.splitlines() if needle in line.casefold()]
    text = " … ".join(lines) or notes.strip()
    return text if len(text) <= EXCERPT_MAX_CHARS else text[: EXCERPT_MAX_CHARS - 1] + "…"


def _mentions(commitment: Commitment) -> list[Mention]:
    """The circle's meetings whose notes name the commitment's title, and the meeting it was
    made in: newest first."""
    meetings = Meeting.objects.filter(circle_id=commitment.circle_id).filter(
        Q(notes__icontains=commitment.title) | Q(pk=commitment.meeting_id or 0)
    )
    return [
        Mention(
            meeting_id=m.pk,
            starts_at=m.starts_at,
            cancelled=m.status == Meeting.Status.CANCELLED,
            excerpt=_excerpt(m.notes, commitment.title) if m.notes else "(no notes)",
        )
        for m in meetings.order_by("-starts_at")[:MENTIONS_MAX]
    ]


def _holds_up(commitment: Commitment) -> list[str]:
    trial = commitment.trial
    if trial is None:
        return []
    version = IdeaVersion.objects.filter(idea_id=trial.idea_id, number=trial.idea.version).first()
    summary = version.summary if version is not None else "an idea"
    day = trial.review_on
    return [f"The trial of “{summary}”, due for review on {day:%a} {day.day} {day:%b %Y}."]


def escalation_documentation(*, escalation: Escalation) -> Documentation:
    """Compile the documentation of an escalation (fetched with access): the commitment's facts,
    who asked and when, each date chosen or moved with its reason, the reminders and nudges
    sent and everything else on its record, the meeting notes that mention it, who waits on it
    and what it holds up, the owner's side, the sponsor's comments and the outcome."""
    commitment = (
        Commitment.objects.select_related(
            "circle__program__sponsor__user",
            "owner__user",
            "asked_by__user",
            "trial__idea",
        )
        .prefetch_related("waited_on_by__owner__user")
        .get(pk=escalation.commitment_id)
    )
    program = commitment.circle.program
    settings = commitment_settings_of(program=program)
    zone = commitment.due_time_zone or commitment.owner.time_zone

    # The commitment's own timeline (the activity log, as its page shows it), with the meeting
    # notes that mention it woven in; the sponsor's comments on this escalation also get their
    # own section.
    timeline: list[Entry] = []
    comments: list[Entry] = []
    moves = 0
    asked_at = commitment.created_at
    for row in commitment_timeline(commitment=commitment):
        if row.kind in (Activity.Kind.ASKED, Activity.Kind.CREATED) and not timeline:
            asked_at = row.at
        detail = ""
        if row.due_from is not None and row.due_to is not None:
            detail = f"{_local(row.due_from, zone)} → {_local(row.due_to, zone)}"
            moves += 1
        elif row.due_to is not None:
            detail = _local(row.due_to, zone)
        entry = Entry(
            at=row.at,
            what=row.label,
            who=row.actor.name if row.actor is not None else "Roundtable",
            text=row.text,
            detail=detail,
        )
        if row.escalation_id == escalation.pk and row.kind == Activity.Kind.SPONSOR_COMMENT:
            comments.append(entry)
        timeline.append(entry)
    mentions = _mentions(commitment)
    for mention in mentions:
        timeline.append(
            Entry(
                at=mention.starts_at,
                what="Mentioned in meeting notes",
                text=mention.excerpt,
                detail="cancelled meeting" if mention.cancelled else "",
            )
        )
    timeline.sort(key=lambda e: e.at)

    waiting = [
        Waiting(
            title=w.title,
            owner=w.owner.name,
            due_at=w.due_at,
            due_time_zone=w.due_time_zone,
            status=w.get_status_display(),
        )
        for w in commitment.waited_on_by.all()
    ]
    return Documentation(
        escalation_id=escalation.pk,
        title=commitment.title,
        details=commitment.details,
        owner=commitment.owner.name,
        circle=commitment.circle.name,
        program=program.name,
        sponsor=program.sponsor.name,
        time_zone=commitment.circle.time_zone,
        asked_by=commitment.asked_by.name if commitment.asked_by else "",
        asked_at=asked_at,
        status=commitment.get_status_display(),
        due_at=commitment.due_at,
        due_time_zone=zone,
        days_overdue=days_overdue(commitment=commitment, now=escalation.raised_at),
        moves=moves,
        overdue_threshold=settings.overdue_days,
        moves_threshold=settings.moves,
        raised_by=escalation.raised_by.name,
        raised_at=escalation.raised_at,
        reason=escalation.reason,
        owner_period_ends_at=escalation.owner_period_ends_at,
        timeline=timeline,
        mentions=mentions,
        waiting=waiting,
        holds_up=_holds_up(commitment),
        owner_side=escalation.owner_side,
        owner_side_at=escalation.owner_side_at,
        comments=comments,
        resolved=escalation.resolved_at is not None,
        resolution=escalation.get_resolution_display() if escalation.resolution else "",
        resolution_note=escalation.resolution_note,
        resolved_by=escalation.resolved_by.name if escalation.resolved_by else "",
        resolved_at=escalation.resolved_at,
    )


def _local(moment: dt.datetime, zone: str) -> str:
    local = timezone.localtime(moment, ZoneInfo(zone or "UTC"))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
