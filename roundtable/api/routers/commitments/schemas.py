"""What the commitments endpoints take and give: strict input types, the output schemas and the
functions that build them.

Dates go in as the owner's own: a day `YYYY-MM-DD` and a wall-clock time `HH:MM` in the owner's
time zone (17:00 when left out). They come back as `due_at`, the instant, with `due_time_zone`, the
zone the owner chose it in, to show it on the owner's clock."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from roundtable.api.schemas import Date, Id, MemberRef, RequiredText, Text, WallTime, choices
from roundtable.commitments.models import Activity, Commitment, DateChange, Escalation
from roundtable.commitments.selectors.commitments import (
    CommitmentPage,
    TimelineEntry,
    timeline_seen,
)
from roundtable.commitments.selectors.escalations import Documentation
from roundtable.orgs.models import Member

OWNER_ONLY = "Only the commitment's owner can do this: they alone choose and change its date."
ASKER_ONLY = "Only the person who asked for this commitment answers its owner's proposal."
TAKERS_ONLY = "Only the circle's members and its lead take a commitment on themselves."
ASKERS_ONLY = "Only the circle's members, its lead, the program's coordinators and admins ask."
LINKERS_ONLY = "Only its owner, the circle's lead, coordinators and admins say what it waits on."
LEAD_ONLY = "Only the circle's lead escalates a commitment to the sponsor."
OWNER_SIDE_ONLY = "Only the commitment's owner adds their side."
SPONSOR_ONLY = (
    "Only the program's sponsor comments on and resolves an escalation, once the owner's "
    "period has passed."
)

DUE_ON = "The day, YYYY-MM-DD, on the owner's calendar (in their time zone); still to come."
DUE_TIME = (
    "Wall-clock time HH:MM on that day in the owner's time zone; 17:00 when left out. A time "
    "the clocks skip (the spring change) is refused."
)
DUE_AT = "The owner's chosen day and time, as an instant (null while no date is chosen)."
DUE_ZONE = "The time zone the owner chose the date in: show due_at on this clock."

# --- input types ------------------------------------------------------------------------------

CommitmentStatus = Annotated[Commitment.Status, choices(Commitment.Status, "CommitmentStatus")]
CommitmentActivityKind = Annotated[Activity.Kind, choices(Activity.Kind, "CommitmentActivityKind")]
EscalationResolution = Annotated[
    Escalation.Resolution, choices(Escalation.Resolution, "EscalationResolution")
]
# An http(s) address without ASCII spaces or control characters (a class both JSON Schema and
# pydantic read alike); the service checks it as a URL.
Link = Annotated[
    str,
    Field(
        max_length=500,
        pattern=r"^https?://[^\x00-\x20\x7f]+$",
        description="An http(s) address: where to see the result.",
    ),
]


class CommitmentIn(Schema):
    """Take it on yourself, with your date (leave `owner_id` out, or send your own member id),
    or ask someone of the circle (`owner_id`), without a date: they choose it."""

    title: RequiredText = Field(max_length=200, description="What will be done.")
    details: Text = Field("", max_length=2000)
    owner_id: Id | None = Field(
        None, description="Ask this member (the circle's lead or one of its members)."
    )
    due_on: Date | None = Field(None, description=f"Taking it on only: {DUE_ON}")
    due_time: WallTime | None = Field(None, description=f"Taking it on only: {DUE_TIME}")
    meeting_id: Id | None = Field(None, description="The circle's meeting it was made in.")
    trial_id: Id | None = Field(None, description="The circle's trial it serves.")


class DueIn(Schema):
    due_on: Date = Field(description=DUE_ON)
    due_time: WallTime | None = Field(None, description=DUE_TIME)


class MoveIn(DueIn):
    reason: RequiredText = Field(max_length=1000, description="Why the date moves.")


class ReasonIn(Schema):
    reason: RequiredText = Field(max_length=2000)


class CounterIn(Schema):
    proposal: RequiredText = Field(max_length=2000, description="What you propose instead.")
    due_on: Date | None = Field(None, description=f"If you can say yet: {DUE_ON}")
    due_time: WallTime | None = Field(None, description=DUE_TIME)


class ReplyIn(Schema):
    text: RequiredText = Field(max_length=2000, description="Your answer: it asks again.")


class DoneIn(Schema):
    note: Text = Field("", max_length=2000)
    link: Link | None = None


class RaiseIn(Schema):
    reason: RequiredText = Field(
        max_length=2000,
        description="What you tried, and what you need from the sponsor. The owner reads it first.",
    )


class OwnerSideIn(Schema):
    text: RequiredText = Field(max_length=5000, description="Your side of the story.")


class CommentIn(Schema):
    text: RequiredText = Field(max_length=2000)


class ResolveIn(Schema):
    resolution: EscalationResolution
    note: Text = Field("", max_length=2000, description="Required when dropping it.")
    reassign_to_id: Id | None = Field(
        None, description="Reassigned only: the member of the circle now asked for it."
    )


# --- output -----------------------------------------------------------------------------------


def member_ref(member: Member | None) -> MemberRef | None:
    return MemberRef(id=member.pk, name=member.name) if member is not None else None


class CommitmentOut(Schema):
    id: int
    circle_id: int
    title: str
    details: str
    status: CommitmentStatus
    owner: MemberRef
    asked_by: MemberRef | None = Field(description="Null: the owner took it on themselves.")
    due_at: dt.datetime | None = Field(description=DUE_AT)
    due_time_zone: str = Field(description=DUE_ZONE)
    is_overdue: bool
    answer: str = Field(description="The owner's reason for declining, or their proposal.")
    done_note: str
    done_link: str
    done_at: dt.datetime | None
    dropped_reason: str
    dropped_at: dt.datetime | None
    meeting_id: int | None
    trial_id: int | None
    created_at: dt.datetime
    holds_up: str = Field(description="Who and which trial reviews wait on it, in words.")


class MyCommitmentOut(CommitmentOut):
    section: Annotated[
        str,
        Field(
            json_schema_extra={
                "enum": ["to_answer", "open", "proposed", "closed", "asked_of_others"]
            },
            description="to_answer: asked of you, waiting for your date; open: yours, overdue "
            "first; proposed: your counter-proposals; closed: done or dropped in the last 30 "
            "days; asked_of_others: what you asked, the answers needing you first.",
        ),
    ]


class BoardCommitmentOut(CommitmentOut):
    column: Annotated[
        str,
        Field(
            json_schema_extra={"enum": ["asked", "open", "done", "closed"]},
            description="The board's column: asked (waiting for the owner or the asker), "
            "open, done, closed (declined or dropped).",
        ),
    ]


def _is_overdue(c: Commitment) -> bool:
    overdue = getattr(c, "is_overdue", None)
    if overdue is None:
        now = timezone.now()
        return bool(c.status == Commitment.Status.OPEN and c.due_at and c.due_at < now)
    return bool(overdue)


def commitment_fields(c: Commitment) -> dict[str, Any]:
    hold_up = getattr(c, "hold_up", None)
    return {
        "id": c.pk,
        "circle_id": c.circle_id,
        "title": c.title,
        "details": c.details,
        "status": c.status,
        "owner": member_ref(c.owner),
        "asked_by": member_ref(c.asked_by),
        "due_at": c.due_at,
        "due_time_zone": c.due_time_zone,
        "is_overdue": _is_overdue(c),
        "answer": c.answer,
        "done_note": c.done_note,
        "done_link": c.done_link,
        "done_at": c.done_at,
        "dropped_reason": c.dropped_reason,
        "dropped_at": c.dropped_at,
        "meeting_id": c.meeting_id,
        "trial_id": c.trial_id,
        "created_at": c.created_at,
        "holds_up": hold_up.text if hold_up else "",
    }


class CommitmentRef(Schema):
    """Another commitment of the circle (what one waits on, or what waits on it)."""

    id: int
    title: str
    status: CommitmentStatus
    owner: MemberRef
    due_at: dt.datetime | None = Field(description=DUE_AT)
    due_time_zone: str = Field(description=DUE_ZONE)


def commitment_ref(c: Commitment) -> CommitmentRef:
    return CommitmentRef(
        id=c.pk,
        title=c.title,
        status=c.status,  # type: ignore[arg-type]
        owner=MemberRef(id=c.owner.pk, name=c.owner.name),
        due_at=c.due_at,
        due_time_zone=c.due_time_zone,
    )


class DateChangeOut(Schema):
    from_due_at: dt.datetime
    to_due_at: dt.datetime
    reason: str
    changed_by: MemberRef
    changed_at: dt.datetime


class TimelineEntryOut(Schema):
    at: dt.datetime
    kind: CommitmentActivityKind
    label: str
    actor: MemberRef | None = Field(description="Null: Roundtable did it (reminders, nudges).")
    text: str
    due_from: dt.datetime | None = Field(description="A move: the date before, as an instant.")
    due_to: dt.datetime | None = Field(description="A date chosen or moved to, as an instant.")
    escalation_id: int | None


class EscalationRef(Schema):
    id: int
    raised_at: dt.datetime
    resolved_at: dt.datetime | None


class CommitmentDetailOut(CommitmentOut):
    date_changes: list[DateChangeOut] = Field(
        description="Every move of the date after the owner's first choice, with its reason."
    )
    timeline: list[TimelineEntryOut] = Field(
        description="Everything that happened to it, oldest first (the escalations you may "
        "see included)."
    )
    waits_on: list[CommitmentRef]
    waited_on_by: list[CommitmentRef] = Field(description="What waits on it and is still live.")
    escalations: list[EscalationRef] = Field(description="Its escalations that you may see.")


def _change_out(change: DateChange) -> DateChangeOut:
    return DateChangeOut(
        from_due_at=change.from_due_at,  # type: ignore[arg-type]
        to_due_at=change.to_due_at,
        reason=change.reason,
        changed_by=MemberRef(id=change.changed_by.pk, name=change.changed_by.name),
        changed_at=change.changed_at,
    )


def _entry_out(e: TimelineEntry) -> TimelineEntryOut:
    return TimelineEntryOut(
        at=e.at,
        kind=e.kind,  # type: ignore[arg-type]
        label=e.label,
        actor=member_ref(e.actor),
        text=e.text,
        due_from=e.due_from,
        due_to=e.due_to,
        escalation_id=e.escalation_id,
    )


def commitment_detail_out(page: CommitmentPage, escalations: list[Escalation]) -> dict[str, Any]:
    """The commitment page's content; timeline entries of escalations the caller may not see
    (a sponsor's, coordinator's or admin's before the owner's period has passed) are left out."""
    c = page.commitment
    c.is_overdue = page.is_overdue  # type: ignore[attr-defined]
    c.hold_up = page.hold_up  # type: ignore[attr-defined]
    return commitment_fields(c) | {
        "date_changes": [_change_out(change) for change in page.moves],
        "timeline": [
            _entry_out(e)
            for e in timeline_seen(page.timeline, escalation_ids={x.pk for x in escalations})
        ],
        "waits_on": [commitment_ref(w) for w in page.waits_on],
        "waited_on_by": [commitment_ref(w) for w in page.waited_on_by],
        "escalations": [
            EscalationRef(id=e.pk, raised_at=e.raised_at, resolved_at=e.resolved_at)
            for e in escalations
        ],
    }


# --- escalations ------------------------------------------------------------------------------


class EscalationOut(Schema):
    id: int
    commitment_id: int
    commitment_title: str
    circle_id: int
    owner: MemberRef
    raised_by: MemberRef
    raised_at: dt.datetime
    reason: str
    owner_period_ends_at: dt.datetime = Field(
        description="Until then only the owner and the circle's lead see it; then the sponsor."
    )
    owner_side_at: dt.datetime | None
    resolution: EscalationResolution | None
    resolution_note: str
    resolved_at: dt.datetime | None


def escalation_out(e: Escalation) -> EscalationOut:
    c = e.commitment
    return EscalationOut(
        id=e.pk,
        commitment_id=c.pk,
        commitment_title=c.title,
        circle_id=c.circle_id,
        owner=MemberRef(id=c.owner.pk, name=c.owner.name),
        raised_by=MemberRef(id=e.raised_by.pk, name=e.raised_by.name),
        raised_at=e.raised_at,
        reason=e.reason,
        owner_period_ends_at=e.owner_period_ends_at,
        owner_side_at=e.owner_side_at,
        resolution=e.resolution or None,  # type: ignore[arg-type]
        resolution_note=e.resolution_note,
        resolved_at=e.resolved_at,
    )


class DocEntryOut(Schema):
    at: dt.datetime
    what: str
    who: str
    text: str
    detail: str = Field(description="A date chosen or moved, on the owner's clock, in words.")


class MentionOut(Schema):
    meeting_id: int
    starts_at: dt.datetime
    cancelled: bool
    excerpt: str


class WaitingOut(Schema):
    title: str
    owner: str
    due_at: dt.datetime | None
    due_time_zone: str
    status: str


class DocumentationOut(Schema):
    """The same documentation as the escalation's page, print view and PDF."""

    title: str
    details: str
    owner: str
    circle: str
    program: str
    sponsor: str
    time_zone: str = Field(description="The circle's time zone.")
    asked_by: str
    asked_at: dt.datetime
    status: str
    due_at: dt.datetime | None = Field(description=DUE_AT)
    due_time_zone: str = Field(description=DUE_ZONE)
    days_overdue: int = Field(description="Whole days overdue when it was escalated.")
    moves: int
    overdue_threshold: int
    moves_threshold: int
    raised_by: str
    raised_at: dt.datetime
    reason: str
    owner_period_ends_at: dt.datetime
    timeline: list[DocEntryOut]
    mentions: list[MentionOut] = Field(description="Meeting notes that mention it.")
    waiting: list[WaitingOut] = Field(description="What waits on it.")
    holds_up: list[str] = Field(description="The trial reviews it holds up.")
    owner_side: str
    owner_side_at: dt.datetime | None
    comments: list[DocEntryOut] = Field(description="The sponsor's comments.")
    resolved: bool
    resolution: str
    resolution_note: str
    resolved_by: str
    resolved_at: dt.datetime | None


class EscalationDetailOut(EscalationOut):
    documentation: DocumentationOut
    can_add_owner_side: bool
    can_resolve: bool


def documentation_out(doc: Documentation) -> DocumentationOut:
    fields = {
        name: getattr(doc, name)
        for name in DocumentationOut.model_fields
        if name not in ("timeline", "mentions", "waiting", "comments")
    }
    return DocumentationOut(
        **fields,
        timeline=[DocEntryOut(**vars(e)) for e in doc.timeline],
        mentions=[MentionOut(**vars(m)) for m in doc.mentions],
        waiting=[WaitingOut(**vars(w)) for w in doc.waiting],
        comments=[DocEntryOut(**vars(e)) for e in doc.comments],
    )
