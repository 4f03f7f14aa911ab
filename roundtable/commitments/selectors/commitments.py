"""Reads for commitments: the permission-scoped getter, a member's own list (requests to answer
first, then overdue, then by date; what they asked of others), a circle's board with its overdue
count and on-time rate, one commitment's timeline, what a delay would hold up, the meeting
page's lists, the home page's week, and a member's busy periods with what falls inside them.

Every list costs a fixed number of queries, however many rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import Activity, BusyPeriod, Commitment, DateChange
from roundtable.commitments.times import days_bounds, due_local, week_bounds
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.ideas.models import Trial
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

Status = Commitment.Status
PENDING = (Status.REQUESTED, Status.COUNTERED)
LIVE = (Status.REQUESTED, Status.COUNTERED, Status.OPEN)
RECENTLY_CLOSED = dt.timedelta(days=30)

# --- permission-scoped getters ----------------------------------------------------------------


def _commitments() -> QuerySet[Commitment]:
    return Commitment.objects.select_related(
        "circle__program__organization",
        "owner__user",
        "asked_by__user",
        "meeting",
        "trial__idea",
    )


def commitment_get_for_user(
    *,
    user: Any,
    pk: Any,
    can: Callable[[Any, Commitment], bool] = permissions.can_view_commitment,
) -> Commitment:
    """The commitment, if the policy lets the user see it (or do `can` with it); else Http404."""
    return object_get_or_404(
        _commitments(), pk=pk, can=lambda c: can(user, c), message="No such commitment."
    )


def commitment_in_circle_get(*, circle: Circle, pk: Any) -> Commitment:
    """Another commitment of a circle the user already came through (what one waits on)."""
    return object_get_or_404(
        Commitment.objects.filter(circle=circle), pk=pk, message="No such commitment."
    )


def busy_period_get_for_user(*, user: Any, pk: Any) -> BusyPeriod:
    """One of the user's own busy periods; Http404 for anyone else's."""
    return object_get_or_404(
        BusyPeriod.objects.select_related("member__user"),
        pk=pk,
        can=lambda p: permissions.can_manage_busy_period(user, p),
        message="No such busy period.",
    )


# --- what a delay would hold up -------------------------------------------------------------


@dataclass(frozen=True)
class HoldUp:
    """Who waits on a commitment (the owners of what waits on it, and the asker), and the trial
    reviews that depend on it (its own trial's, and those of what waits on it)."""

    people: tuple[Member, ...] = ()
    reviews: tuple[dt.date, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.people or self.reviews)

    @property
    def text(self) -> str:
        parts = []
        if self.people:
            n = len(self.people)
            parts.append(f"{n} {'person waits' if n == 1 else 'people wait'} on this")
        for review in self.reviews:
            parts.append(f"the trial review on {review.day} {review:%b} depends on it")
        return "; ".join(parts)


def _waiting_prefetch() -> Prefetch:
    return Prefetch(
        "waited_on_by",
        queryset=Commitment.objects.filter(status__in=LIVE)
        .select_related("owner__user", "trial")
        .order_by("due_at", "id"),
        to_attr="waiting",
    )


def _review(trial: Trial | None) -> dt.date | None:
    return trial.review_on if trial is not None and not trial.result else None


def hold_up(commitment: Commitment) -> HoldUp:
    """From the prefetched `waiting` (see `_waiting_prefetch`) and the commitment's trial."""
    people: dict[int, Member] = {}
    if commitment.asked_by is not None:
        people[commitment.asked_by.pk] = commitment.asked_by
    reviews = {_review(commitment.trial)}
    for waiter in getattr(commitment, "waiting", []):
        people.setdefault(waiter.owner.pk, waiter.owner)
        reviews.add(_review(waiter.trial))
    people.pop(commitment.owner_id, None)
    return HoldUp(
        people=tuple(people.values()), reviews=tuple(sorted(r for r in reviews if r is not None))
    )


def _mark(commitments: Iterable[Commitment], now: dt.datetime) -> list[Commitment]:
    marked = []
    for c in commitments:
        c.is_overdue = c.status == Status.OPEN and c.due_at is not None and c.due_at < now  # type: ignore[attr-defined]
        c.hold_up = hold_up(c)  # type: ignore[attr-defined]
        marked.append(c)
    return marked


# --- a member's own --------------------------------------------------------------------------


@dataclass
class MyCommitments:
    to_answer: list[Commitment] = field(default_factory=list)
    open: list[Commitment] = field(default_factory=list)
    proposed: list[Commitment] = field(default_factory=list)
    asked_of_others: list[Commitment] = field(default_factory=list)
    closed: list[Commitment] = field(default_factory=list)
    busy_periods: list[BusyPeriod] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for c in self.open if getattr(c, "is_overdue", False))


def _in_period(c: Commitment, periods: Sequence[BusyPeriod]) -> BusyPeriod | None:
    if c.due_at is None:
        return None
    for period in periods:
        if period.member_id != c.owner_id:
            continue
        day = due_local(c.due_at, period.member.time_zone).date()
        if period.starts_on <= day <= period.ends_on:
            return period
    return None


def my_commitments(*, members: Sequence[Member], now: dt.datetime | None = None) -> MyCommitments:
    """What the user (through each of their memberships) owns and asked for: requests waiting
    for their answer on top; open ones overdue first, then by date, each flagged when it falls
    in one of their busy periods; their counter-proposals waiting for the asker; what they asked
    of others (answers needing them first); and what closed in the last 30 days. Four queries."""
    now = now or timezone.now()
    ids = [m.pk for m in members]
    recent = Q(status=Status.DONE, done_at__gte=now - RECENTLY_CLOSED) | Q(
        status=Status.DROPPED, dropped_at__gte=now - RECENTLY_CLOSED
    )
    owned = _mark(
        _commitments()
        .filter(owner_id__in=ids)
        .filter(Q(status__in=LIVE) | recent)
        .prefetch_related(_waiting_prefetch()),
        now,
    )
    result = MyCommitments(
        busy_periods=list(
            BusyPeriod.objects.filter(
                member_id__in=ids, ends_on__gte=timezone.localdate(now) - dt.timedelta(days=1)
            ).select_related("member")
        )
    )
    for c in owned:
        if c.status == Status.REQUESTED:
            result.to_answer.append(c)
        elif c.status == Status.COUNTERED:
            result.proposed.append(c)
        elif c.status == Status.OPEN:
            c.busy_period = _in_period(c, result.busy_periods)  # type: ignore[attr-defined]
            result.open.append(c)
        else:
            result.closed.append(c)
    result.to_answer.sort(key=lambda c: c.created_at)
    result.open.sort(key=lambda c: (not c.is_overdue, c.due_at, c.pk))  # type: ignore[attr-defined]
    result.closed.sort(key=lambda c: c.done_at or c.dropped_at or now, reverse=True)
    needs_me: dict[str, int] = {Status.COUNTERED: 0, Status.DECLINED: 1}
    asked = _mark(
        _commitments()
        .filter(asked_by_id__in=ids)
        .exclude(owner_id__in=ids)
        .filter(Q(status__in=[*LIVE, Status.DECLINED]) | recent)
        .prefetch_related(_waiting_prefetch()),
        now,
    )
    result.asked_of_others = sorted(
        asked,
        key=lambda c: (
            needs_me.get(c.status, 2),
            c.due_at is None,
            c.due_at or c.created_at,
            c.pk,
        ),
    )
    return result


# --- a circle's board --------------------------------------------------------------------------


BOARD_COLUMNS = (
    ("asked", "Asked", PENDING),
    ("open", "Open", (Status.OPEN,)),
    ("done", "Done", (Status.DONE,)),
    ("closed", "Declined or dropped", (Status.DECLINED, Status.DROPPED)),
)


@dataclass
class BoardRow:
    owner: Member
    columns: dict[str, list[Commitment]]
    overdue: int = 0


@dataclass
class Board:
    rows: list[BoardRow]
    overdue_count: int
    done_count: int
    on_time_count: int

    @property
    def on_time_rate(self) -> int | None:
        """Done on or before their date, among those done, as a whole percentage."""
        if not self.done_count:
            return None
        return round(100 * self.on_time_count / self.done_count)


def circle_board(*, circle: Circle, now: dt.datetime | None = None) -> Board:
    """The circle's commitments by owner and status, with how many are overdue and how many of
    those done were done on time. Two queries."""
    now = now or timezone.now()
    commitments = _mark(
        _commitments()
        .filter(circle=circle)
        .prefetch_related(_waiting_prefetch())
        .order_by("owner__user__full_name", "owner_id", "due_at", "id"),
        now,
    )
    rows: dict[int, BoardRow] = {}
    overdue = done = on_time = 0
    for c in commitments:
        row = rows.setdefault(
            c.owner_id, BoardRow(owner=c.owner, columns={key: [] for key, *_ in BOARD_COLUMNS})
        )
        column = next(key for key, _, statuses in BOARD_COLUMNS if c.status in statuses)
        row.columns[column].append(c)
        if c.is_overdue:  # type: ignore[attr-defined]
            row.overdue += 1
            overdue += 1
        if c.status == Status.DONE:
            done += 1
            on_time += bool(c.due_at and c.done_at and c.done_at <= c.due_at)
    return Board(
        rows=list(rows.values()), overdue_count=overdue, done_count=done, on_time_count=on_time
    )


# --- one commitment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str
    label: str
    actor: Member | None
    text: str
    due_from: dt.datetime | None = None
    due_to: dt.datetime | None = None
    escalation_id: int | None = None


def _instant(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def commitment_timeline(*, commitment: Commitment) -> list[TimelineEntry]:
    """Everything that happened to the commitment (its escalations included), oldest first, from
    the append-only activity log. One query. A date chosen or moved carries its instants, to
    show on the owner's wall clock."""
    activity = (
        Activity.objects.filter(commitment_id=commitment.pk)
        .select_related("actor__user")
        .order_by("at", "id")
    )
    entries = []
    for row in activity:
        data = row.data or {}
        entries.append(
            TimelineEntry(
                at=row.at,
                kind=row.kind,
                label=row.get_kind_display(),
                actor=row.actor,
                text=row.text,
                due_from=_instant(data.get("from")),
                due_to=_instant(data.get("to") or data.get("due_at")),
                escalation_id=row.escalation_id,
            )
        )
    return entries


def timeline_seen(
    timeline: list[TimelineEntry], *, escalation_ids: set[int]
) -> list[TimelineEntry]:
    """The entries a viewer may read: those of an escalation only when they may see that
    escalation (`escalation_ids`, from selectors.escalations); the sponsor, coordinators and
    admins read nothing of one before the owner's period has passed. Pages and API alike."""
    return [e for e in timeline if e.escalation_id is None or e.escalation_id in escalation_ids]


def commitment_moves(*, commitment: Commitment) -> list[DateChange]:
    """The renegotiations: every date change after the first, with its reason. One query."""
    return list(
        DateChange.objects.filter(commitment=commitment, from_due_at__isnull=False)
        .select_related("changed_by__user", "busy_period")
        .order_by("changed_at", "id")
    )


@dataclass
class CommitmentPage:
    commitment: Commitment
    timeline: list[TimelineEntry]
    moves: list[DateChange]
    waits_on: list[Commitment]
    waited_on_by: list[Commitment]
    hold_up: HoldUp
    can_wait_on: list[Commitment]
    is_overdue: bool


def commitment_page(*, commitment: Commitment, now: dt.datetime | None = None) -> CommitmentPage:
    """The commitment with its timeline, its moves, what it waits on, what waits on it and what
    that holds up, and what else in the circle it could wait on."""
    now = now or timezone.now()
    waits_on = list(commitment.waits_on.select_related("owner__user").order_by("due_at", "id"))
    waiting = list(
        commitment.waited_on_by.select_related("owner__user", "trial").order_by("due_at", "id")
    )
    commitment.waiting = [c for c in waiting if c.status in LIVE]  # type: ignore[attr-defined]
    taken = {c.pk for c in waits_on} | {commitment.pk}
    candidates = [
        c
        for c in Commitment.objects.filter(circle_id=commitment.circle_id, status__in=LIVE)
        .select_related("owner__user")
        .order_by("due_at", "id")
        if c.pk not in taken
    ]
    return CommitmentPage(
        commitment=commitment,
        timeline=commitment_timeline(commitment=commitment),
        moves=commitment_moves(commitment=commitment),
        waits_on=waits_on,
        waited_on_by=waiting,
        hold_up=hold_up(commitment),
        can_wait_on=candidates,
        is_overdue=commitment.status == Status.OPEN
        and commitment.due_at is not None
        and commitment.due_at < now,
    )


# --- forms' choices -----------------------------------------------------------------------------


def circle_people(*, circle: Circle) -> list[Member]:
    """Who may be asked in the circle: its lead and its current members, by name. One query."""
    return list(
        Member.objects.filter(
            Q(pk=circle.lead_id)
            | Q(circle_memberships__circle=circle, circle_memberships__left_on__isnull=True)
        )
        .select_related("user")
        .distinct()
        .order_by("user__full_name", "pk")
    )


def circle_trials(*, circle: Circle) -> list[Trial]:
    """The circle's trials still waiting for their outcome, a commitment can serve."""
    return list(
        Trial.objects.filter(idea__circle=circle, result="")
        .select_related("idea")
        .order_by("review_on", "pk")
    )


# --- the meeting page and the home page -----------------------------------------------------------


def meeting_commitments(*, meeting: Meeting, now: dt.datetime | None = None) -> dict[str, Any]:
    """The commitments made in this meeting, and those due since the circle's previous meeting
    (up to this one's start). Three queries."""
    now = now or timezone.now()
    previous = (
        Meeting.objects.filter(
            circle_id=meeting.circle_id,
            status=Meeting.Status.SCHEDULED,
            starts_at__lt=meeting.starts_at,
        )
        .order_by("-starts_at")
        .first()
    )
    made = _mark(_commitments().filter(meeting=meeting).order_by("created_at", "id"), now)
    due = _commitments().filter(
        circle_id=meeting.circle_id,
        status__in=[Status.OPEN, Status.DONE, Status.DROPPED],
        due_at__lte=meeting.starts_at,
    )
    if previous is not None:
        due = due.filter(due_at__gt=previous.starts_at)
    return {
        "commitments_made": made,
        "commitments_due": _mark(due.order_by("due_at", "id"), now),
        "previous_meeting": previous,
    }


def due_this_week(*, members: Sequence[Member], now: dt.datetime | None = None) -> list[Commitment]:
    """The member's open commitments due before the end of their week (Sunday, in their time
    zone), overdue ones included and first. One query."""
    now = now or timezone.now()
    if not members:
        return []
    ends = Q()
    for member in members:
        _, end = week_bounds(now=now, zone=member.time_zone)
        ends |= Q(owner_id=member.pk, due_at__lt=end)
    return _mark(_commitments().filter(ends, status=Status.OPEN).order_by("due_at", "id"), now)


# --- busy periods -------------------------------------------------------------------------------


def busy_period_commitments(*, period: BusyPeriod) -> list[Commitment]:
    """The member's open commitments due inside the period (on their own calendar). One query."""
    start, end = days_bounds(
        first=period.starts_on, last=period.ends_on, zone=period.member.time_zone
    )
    return list(
        _commitments()
        .filter(owner_id=period.member_id, status=Status.OPEN, due_at__gte=start, due_at__lt=end)
        .order_by("due_at", "id")
    )


def busy_periods_for(*, member: Member) -> list[BusyPeriod]:
    """The member's busy periods, each with the open commitments falling inside it."""
    periods = list(member.busy_periods.select_related("member").order_by("starts_on", "id"))
    if not periods:
        return []
    commitments = list(
        _commitments()
        .filter(owner=member, status=Status.OPEN, due_at__isnull=False)
        .order_by("due_at", "id")
    )
    zone = ZoneInfo(member.time_zone)
    for period in periods:
        period.flagged = [  # type: ignore[attr-defined]
            c
            for c in commitments
            if c.due_at is not None
            and period.starts_on <= timezone.localdate(c.due_at, zone) <= period.ends_on
        ]
    return periods
