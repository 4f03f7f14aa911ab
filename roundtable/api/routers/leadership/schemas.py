"""What the leadership endpoints take and give: a circle's working agreement (versions,
acknowledgements, amendments), recognition, and a lead's own private notes (reflections, peer
notes, support plans).

Private notes are their author's alone: every output here is built from rows already fetched by
author = the caller, so nothing in these schemas reaches another person's notes."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from roundtable.api.schemas import (
    Bool,
    Date,
    Id,
    MemberRef,
    RequiredText,
    Text,
    choices,
    not_nullable,
)
from roundtable.core.errors import DomainError
from roundtable.leadership.models import (
    AgreementAmendment,
    AgreementVersion,
    Recognition,
    Reflection,
    SupportPlan,
)

TAKE_PART_ONLY = "Only the circle's members and its lead agree to its agreement: you can read it."
PROPOSE_ONLY = "Only the circle's members and its lead propose a change to its agreement."
DRAFTERS_ONLY = "Only the circle's lead, the program's coordinators and admins decide this."
PROPOSER_ONLY = "Only the person who proposed this amendment can withdraw it."
RECOGNISE_ONLY = (
    "Recognition is given by the circle's members and lead (and the program's coordinators "
    "and admins)."
)
RECIPIENT_ONLY = "Only the person recognised can choose who else sees it."
READ_ONLY = (
    "You no longer lead this circle: what you wrote there stays yours to read, but it cannot "
    "change."
)


@contextmanager
def field_named(name: str, *, when: tuple[str | None, ...] = (None,)) -> Iterator[None]:
    """A service's refusal about `when` (by default: no field) reported against `name`, the
    field the client sent."""
    try:
        yield
    except DomainError as exc:
        if exc.field in when:
            exc.field = name
        raise


# --- enums ------------------------------------------------------------------------------------

AmendmentStatus = Annotated[
    AgreementAmendment.Status, choices(AgreementAmendment.Status, "AgreementAmendmentStatus")
]
RecognitionKind = Annotated[Recognition.Kind, choices(Recognition.Kind, "RecognitionKind")]
SupportApproach = Annotated[
    SupportPlan.Approach, choices(SupportPlan.Approach, "SupportPlanApproach")
]

# --- working agreements -----------------------------------------------------------------------

SECTION_KEY = r"^[a-z0-9_-]{1,40}$"


class AgreementSectionIn(Schema):
    key: Annotated[str, Field(pattern=SECTION_KEY)] | None = Field(
        None,
        description="The section's key as the current version has it, to compare versions "
        "section by section; leave it out for a new section.",
    )
    title: RequiredText = Field(max_length=120)
    text: RequiredText = Field(max_length=3000)


class AgreementSectionOut(Schema):
    key: str
    title: str
    text: str


class AcknowledgeIn(Schema):
    version: Id = Field(description="The version you read: it must be the current one.")


class AmendmentIn(Schema):
    """The whole agreement as you would have it, and why."""

    based_on: Id = Field(description="The version you started from: it must be the current one.")
    sections: list[AgreementSectionIn] = Field(min_length=1, max_length=20)
    reason: RequiredText = Field(max_length=500, description="Why you propose this change.")


class AmendmentDeclineIn(Schema):
    reason: RequiredText = Field(max_length=500, description="Why: its proposer reads it.")


class AcknowledgerOut(Schema):
    id: int = Field(description="The member id.")
    name: str
    acknowledged_at: dt.datetime


class AgreementVersionOut(Schema):
    number: int
    sections: list[AgreementSectionOut]
    written_at: dt.datetime
    written_by: MemberRef | None
    change_note: str

    @staticmethod
    def resolve_written_at(obj: AgreementVersion | dict[str, Any]) -> dt.datetime:
        return obj["written_at"] if isinstance(obj, dict) else obj.created_at


class AgreementOut(AgreementVersionOut):
    """The circle's current version, who agreed to it, and when the circle revisits it."""

    circle_id: int
    revisit_months: int
    revisit_on: dt.date | None
    asked_count: int = Field(description="How many are asked to agree: its members and lead.")
    acknowledged_count: int
    acknowledged_by: list[AcknowledgerOut] | None = Field(
        description="Who agreed, by name: for the circle's members, lead, coordinators and "
        "admins (null for the sponsor, who sees how many)."
    )
    you_are_asked: bool
    you_acknowledged: bool


class AmendmentOut(Schema):
    id: int
    circle_id: int
    based_on: int = Field(description="The version it was written on.")
    outdated: bool = Field(
        description="Still proposed, but the agreement changed since: it cannot be accepted."
    )
    proposed_by: MemberRef | None
    sections: list[AgreementSectionOut]
    reason: str
    status: AmendmentStatus
    decided_by: MemberRef | None
    decided_at: dt.datetime | None
    decision_reason: str
    resulting_version: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_circle_id(obj: AgreementAmendment) -> int:
        return obj.agreement.circle_id

    @staticmethod
    def resolve_based_on(obj: AgreementAmendment) -> int:
        return obj.based_on.number

    @staticmethod
    def resolve_outdated(obj: AgreementAmendment) -> bool:
        current = getattr(obj, "current_number", None)
        return (
            obj.status == AgreementAmendment.Status.PROPOSED
            and current is not None
            and current != obj.based_on.number
        )

    @staticmethod
    def resolve_resulting_version(obj: AgreementAmendment) -> int | None:
        version = obj.resulting_version
        return version.number if version is not None else None


# --- recognition ------------------------------------------------------------------------------


class RecognitionIn(Schema):
    """Credit someone in the circle now for what they did; link at most one item of the
    circle that it is about (an adopted idea of theirs, a commitment they delivered, a meeting
    they ran, a critique of theirs that changed a decision)."""

    recipient_id: Id = Field(description="A member (or the lead) of the circle, not you.")
    kind: RecognitionKind
    message: RequiredText = Field(max_length=1000, description="What they did, in a few words.")
    idea_id: uuid.UUID | None = Field(None, description="idea_adopted: their adopted idea.")
    critique_id: uuid.UUID | None = Field(None, description="critique: their critique.")
    commitment_id: Id | None = Field(
        None, description="commitment_delivered: their delivered commitment."
    )
    meeting_id: Id | None = Field(None, description="meeting_led: a meeting they ran.")


class RecognitionPatch(Schema):
    shared_with_manager: Bool = Field(
        description="Show it to your manager on your page (true), or stop (false)."
    )


class RecognitionOut(Schema):
    id: int
    circle_id: int
    recipient: MemberRef
    given_by: MemberRef | None = Field(description="Null: the giver is no longer here.")
    kind: RecognitionKind
    message: str
    idea_id: uuid.UUID | None
    critique_id: uuid.UUID | None
    commitment_id: int | None
    meeting_id: int | None
    created_at: dt.datetime
    shared_with_manager: bool | None = Field(
        description="Whether its recipient shows it to their manager: for the recipient "
        "alone (null for everyone else)."
    )

    @staticmethod
    def resolve_shared_with_manager(obj: Recognition) -> bool | None:
        return obj.shared_with_manager if getattr(obj, "is_mine", False) else None


def _linked(obj: Recognition, name: str) -> Any:
    # The linked item shows to those who see the circle (a recipient who left it sees what
    # they were credited for, not the circle's items).
    return getattr(obj, name) if getattr(obj, "viewer_sees_circle", True) else None


class MyRecognitionOut(RecognitionOut):
    circle_name: str

    @staticmethod
    def resolve_circle_name(obj: Recognition) -> str:
        return obj.circle.name

    @staticmethod
    def resolve_idea_id(obj: Recognition) -> Any:
        return _linked(obj, "idea_id")

    @staticmethod
    def resolve_critique_id(obj: Recognition) -> Any:
        return _linked(obj, "critique_id")

    @staticmethod
    def resolve_commitment_id(obj: Recognition) -> Any:
        return _linked(obj, "commitment_id")

    @staticmethod
    def resolve_meeting_id(obj: Recognition) -> Any:
        return _linked(obj, "meeting_id")


# --- the lead's own notes (private) ----------------------------------------------------------

PRIVATE = "Yours alone: nobody else, admins included, can read it."


class ReflectionIn(Schema):
    """A new dated entry; answer at least one of the three."""

    leader: Text = Field("", max_length=4000, description="The leader I want to be.")
    goals: Text = Field("", max_length=4000, description="My goals.")
    outcomes: Text = Field("", max_length=4000, description="The outcomes I want for the circle.")


class ReflectionOut(Schema):
    id: int
    circle_id: int
    circle_name: str
    written_on: dt.date
    leader: str
    goals: str
    outcomes: str
    editable: bool = Field(description="You still lead the circle: you may write there.")

    @staticmethod
    def resolve_circle_name(obj: Reflection) -> str:
        return obj.circle.name

    @staticmethod
    def resolve_editable(obj: Reflection) -> bool:
        return obj.circle.lead_id == obj.author_id


class PeerNoteIn(Schema):
    """The whole note: a field left out is emptied."""

    goals: Text = Field("", max_length=2000, description="Their goals: a promotion, a skill.")
    needs: Text = Field("", max_length=2000, description="Their needs and wants.")
    load: Text = Field("", max_length=2000, description="Their load and other deadlines.")
    support: Text = Field("", max_length=2000, description="How they like to be supported.")


class PeerNoteOut(Schema):
    circle_id: int
    peer: MemberRef
    goals: str
    needs: str
    load: str
    support: str
    updated_at: dt.datetime | None = Field(description="Null: you have written nothing yet.")
    editable: bool = Field(description="You lead the circle now: you may change it.")


class SupportPlanIn(Schema):
    peer_id: Id = Field(description="Someone in the circle now, not you.")
    approach: SupportApproach
    next_step: RequiredText = Field(max_length=1000)
    review_on: Date = Field(
        description="When to look again: today or later, on the circle's clock."
    )


_PLAN_FIELDS = ("approach", "next_step", "review_on", "closed")


class SupportPlanPatch(Schema):
    """Only the fields sent change; `closed: true` closes the plan (it stays on record). None
    may be set to null."""

    model_config = ConfigDict(json_schema_extra=not_nullable(*_PLAN_FIELDS))

    approach: SupportApproach | None = None
    next_step: Annotated[RequiredText, Field(max_length=1000)] | None = None
    review_on: Date | None = Field(None, description="Today or later, on the circle's clock.")
    closed: Bool | None = None

    @field_validator(*_PLAN_FIELDS)
    @classmethod
    def not_null(cls, value: Any) -> Any:
        # Validators skip defaults, so this only fires for an explicit null.
        if value is None:
            raise ValueError("may be left out but not set to null")
        return value


class SupportPlanOut(Schema):
    id: int
    circle_id: int
    circle_name: str
    peer: MemberRef
    approach: SupportApproach
    next_step: str
    review_on: dt.date
    closed_on: dt.date | None
    editable: bool = Field(description="Open, and you still lead the circle: you may change it.")

    @staticmethod
    def resolve_circle_name(obj: SupportPlan) -> str:
        return obj.circle.name

    @staticmethod
    def resolve_editable(obj: SupportPlan) -> bool:
        return obj.closed_on is None and obj.circle.lead_id == obj.author_id
