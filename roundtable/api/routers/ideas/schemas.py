"""What the ideas endpoints take and give: strict input types, the output schemas, and the
functions that build the output (an anonymous contribution's author is never read into it)."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import datetime as dt
import uuid
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.schemas import Date, Id, MemberRef, RequiredText, Text, choices
from roundtable.core import permissions
from roundtable.ideas.models import Challenge, Critique, Decision, Idea, Stage, Temperature, Trial
from roundtable.ideas.selectors.decisions import idea_decision_panel
from roundtable.ideas.selectors.ideas import idea_page
from roundtable.orgs.models import Member

TAKE_PART_ONLY = "Only the circle's members and its lead take part in its ideas."
MODERATORS_ONLY = "Only the circle's lead, the program's coordinators and admins hide this."
CHALLENGE_MANAGERS_ONLY = "Only those who may pose a challenge here may change or close it."
DECIDERS_ONLY = "Only the circle's lead, the program's coordinators and admins decide on ideas."
VOTERS_ONLY = "Only the circle's members and its lead vote on its ideas."
OUTCOME_ONLY = "Only the trial's owner, the circle's lead, coordinators and admins record it."
NOT_YOURS = (
    "Only its author can change this. Something written anonymously is changed by sending the "
    "edit_token its creation returned, within 24 hours."
)

SHOWN_ONCE = (
    "For an anonymous contribution only (null otherwise): the capability to edit or withdraw "
    "it. Shown once, here, and never again: keep it. It expires 24 hours after writing. Only "
    "the hash of the secret inside it is stored, so nobody, an administrator included, can "
    "recover it or tell whose it is."
)
NEEDED_FOR_ANONYMOUS = (
    "Needed to change an anonymous contribution: the edit_token its creation response "
    "returned (24 hours from writing). Ignored for a named one, which its author changes."
)

# --- input types ------------------------------------------------------------------------------

ChallengeStatus = Annotated[Challenge.Status, choices(Challenge.Status, "ChallengeStatus")]
IdeaStage = Annotated[Stage, choices(Stage, "IdeaStage")]
CritiqueStance = Annotated[Critique.Stance, choices(Critique.Stance, "CritiqueStance")]
TemperatureValue = Annotated[Temperature, choices(Temperature, "TemperatureValue")]
TrialResult = Annotated[Trial.Result, choices(Trial.Result, "TrialResult")]
# A signed capability: "<id>~<secret>:<timestamp>:<signature>", URL-safe characters only.
EditToken = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        pattern=r"^[A-Za-z0-9_~:\-]+$",
        description=NEEDED_FOR_ANONYMOUS,
    ),
]


class ChallengeIn(Schema):
    title: RequiredText = Field(max_length=200)
    description: RequiredText = Field(max_length=5000)
    context: Text = Field("", max_length=5000, description="Numbers, links, what was tried.")


class ChallengeCloseIn(Schema):
    summary: RequiredText = Field(max_length=5000, description="Where the challenge landed.")


class IdeaIn(Schema):
    circle_id: Id | None = Field(
        None,
        description="The circle proposing it: needed for a program-wide challenge when you take "
        "part in more than one of its circles.",
    )
    summary: RequiredText = Field(max_length=200)
    how: RequiredText = Field(max_length=5000, description="How it would work.")
    effect: RequiredText = Field(max_length=2000, description="The effect expected.")


class EditTokenIn(Schema):
    edit_token: EditToken | None = None


class IdeaReviseIn(EditTokenIn):
    summary: RequiredText = Field(max_length=200)
    how: RequiredText = Field(max_length=5000)
    effect: RequiredText = Field(max_length=2000)


class CritiqueIn(Schema):
    stance: CritiqueStance | None = Field(
        None, description="Required for a critique; a reply (`parent_id`) takes none."
    )
    reasoning: RequiredText = Field(
        max_length=5000, description="A claim and why: at least six words, not a bare verdict."
    )
    evidence: Text = Field("", max_length=2000, description="A link, data, or an experience.")
    parent_id: uuid.UUID | None = Field(None, description="The critique this replies to.")


class CritiqueEditIn(EditTokenIn):
    stance: CritiqueStance | None = Field(None, description="Left out: kept. Replies take none.")
    reasoning: RequiredText = Field(max_length=5000)
    evidence: Text = Field("", max_length=2000)


class HideIn(Schema):
    reason: RequiredText = Field(
        max_length=300, description="Why it is hidden, in a few words the circle will read."
    )


class VoteIn(Schema):
    value: TemperatureValue
    reason: Text = Field("", max_length=300)


class DecisionIn(Schema):
    """One step of the idea; moving to `trial` also needs the trial's owner, period, measure
    and review date."""

    to_stage: IdeaStage
    rationale: RequiredText = Field(max_length=5000, description="Why the idea moves on.")
    meeting_id: Id | None = Field(None, description="The circle's meeting that decided it.")
    owner_id: Id | None = Field(None, description="Trial only: its owner, in the circle.")
    starts_on: Date | None = None
    ends_on: Date | None = None
    review_on: Date | None = None
    measure: RequiredText | None = Field(
        None, max_length=2000, description="Trial only: what success looks like, measurably."
    )


class OutcomeIn(Schema):
    result: TrialResult
    outcome: RequiredText = Field(max_length=5000, description="What happened against the measure.")


# --- output -----------------------------------------------------------------------------------

ANONYMOUS_AUTHOR = "Null when written anonymously: no author is stored, and none is shown."


class ChallengeOut(Schema):
    id: int
    program_id: int
    circle_id: int | None = Field(description="Null: posed to every circle of the program.")
    title: str
    description: str
    context: str
    status: str
    summary: str
    closed_on: dt.date | None
    posed_by: MemberRef | None


class ChallengeListOut(ChallengeOut):
    idea_count: int = Field(description="The ideas proposed for it that you may see.")


class IdeaVersionOut(Schema):
    number: int
    summary: str
    how: str
    effect: str
    created_on: dt.date


class ContributionOut(Schema):
    anonymous: bool
    author: MemberRef | None = Field(description=ANONYMOUS_AUTHOR)
    created_on: dt.date = Field(description="The day only: no finer time is kept.")
    withdrawn: bool
    hidden_reason: str | None = Field(description="Why the lead hid it; null unless hidden.")


class IdeaListOut(ContributionOut):
    id: uuid.UUID
    challenge_id: int
    circle_id: int
    summary: str | None = Field(description="The current version's; null if hidden or withdrawn.")
    stage: str
    version: int
    critique_count: int


class CritiqueOut(ContributionOut):
    id: uuid.UUID
    parent_id: uuid.UUID | None = Field(description="The critique this replies to.")
    stance: str | None = Field(description="Null for a reply.")
    reasoning: str | None = Field(description="Null if hidden or withdrawn.")
    evidence: str | None = Field(description="Null if hidden or withdrawn.")
    version: int = Field(description="The version of the idea it answered.")
    endorsement_count: int
    endorsed_by_me: bool


class CritiqueCreatedOut(CritiqueOut):
    edit_token: str | None = Field(description=SHOWN_ONCE)


class IdeaOut(IdeaListOut):
    versions: list[IdeaVersionOut] = Field(
        description="Newest first; empty if hidden or withdrawn."
    )
    critiques: list[CritiqueOut] = Field(
        description="As the idea page groups them: strengths, concerns, questions, then "
        "alternatives, the most endorsed first within each; every reply right after its critique."
    )


class IdeaCreatedOut(IdeaOut):
    edit_token: str | None = Field(description=SHOWN_ONCE)


class EndorsementOut(Schema):
    critique_id: uuid.UUID
    endorsement_count: int
    endorsed_by_me: bool


class TallyOut(Schema):
    value: str
    count: int
    percent: int


class VoteReasonOut(Schema):
    value: str
    reason: str
    name: str | None = Field(description="Null unless the circle and the idea show names.")


class TemperatureOut(Schema):
    revealed: bool
    count: int = Field(description="How many have voted; shown even while results are hidden.")
    named: bool
    tally: list[TallyOut] | None = Field(description="Null while the results are hidden.")
    reasons: list[VoteReasonOut] | None = Field(description="Null while the results are hidden.")


class VoteChangeOut(Schema):
    value: str
    reason: str
    changed_on: dt.date


class MyVoteOut(Schema):
    value: str
    reason: str
    history: list[VoteChangeOut] = Field(description="Your earlier readings, newest first.")


class DecisionOut(Schema):
    from_stage: str
    to_stage: str
    rationale: str
    decided_by: MemberRef | None
    decided_on: dt.date
    meeting_id: int | None


class TrialOut(Schema):
    owner: MemberRef
    starts_on: dt.date
    ends_on: dt.date
    review_on: dt.date
    measure: str
    result: str | None = Field(description="Null until the outcome is recorded.")
    outcome: str
    outcome_recorded_on: dt.date | None
    outcome_by: MemberRef | None


class DecisionPanelOut(Schema):
    stage: str
    withdrawn: bool
    next_stages: list[str] = Field(description="The steps you may take now.")
    can_decide: bool
    can_vote: bool
    can_record_outcome: bool
    decisions: list[DecisionOut] = Field(description="Newest first.")
    temperature: TemperatureOut
    my_vote: MyVoteOut | None
    trial: TrialOut | None


class DecidedOut(Schema):
    decision: DecisionOut
    trial: TrialOut | None


# --- building the output ----------------------------------------------------------------------


def member_ref(member: Member | None) -> MemberRef | None:
    return MemberRef(id=member.pk, name=member.name) if member is not None else None


def contribution_fields(obj: Idea | Critique) -> dict[str, Any]:
    return {
        "anonymous": obj.anonymous,
        "author": None if obj.anonymous else member_ref(obj.author),
        "created_on": obj.created_on,
        "withdrawn": obj.withdrawn,
        "hidden_reason": obj.hidden_reason or None,
    }


def shows_text(obj: Idea | Critique) -> bool:
    return not (obj.is_hidden or obj.withdrawn)


def idea_list_out(idea: Idea) -> IdeaListOut:
    return IdeaListOut(
        id=idea.pk,
        challenge_id=idea.challenge_id,
        circle_id=idea.circle_id,
        summary=idea.summary if shows_text(idea) else None,  # type: ignore[attr-defined]
        stage=idea.stage,
        version=idea.version,
        critique_count=idea.critique_count,  # type: ignore[attr-defined]
        **contribution_fields(idea),
    )


def critique_out(critique: Critique) -> CritiqueOut:
    shown = shows_text(critique)
    return CritiqueOut(
        id=critique.pk,
        parent_id=critique.parent_id,
        stance=critique.stance or None,
        reasoning=critique.reasoning if shown else None,
        evidence=critique.evidence if shown else None,
        version=critique.version.number,
        endorsement_count=getattr(critique, "endorsement_count", 0),
        endorsed_by_me=getattr(critique, "endorsed_by_me", False),
        **contribution_fields(critique),
    )


def idea_out(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    """The idea with its versions and its critiques (in three queries, however many rows)."""
    me = permissions.member_in(caller(request), idea.circle.program.organization_id)
    page = idea_page(idea=idea, me=me, capabilities={})
    shown = shows_text(idea)
    critiques = [
        c
        for group in (page.strengths, page.concerns, page.questions, page.alternatives)
        for top in group
        for c in (top, *top.reply_list)  # type: ignore[attr-defined]
    ]
    return {
        "id": idea.pk,
        "challenge_id": idea.challenge_id,
        "circle_id": idea.circle_id,
        "summary": page.current.summary if shown else None,
        "stage": idea.stage,
        "version": idea.version,
        "critique_count": page.critique_count,
        "versions": [IdeaVersionOut.from_orm(v.version) for v in page.versions] if shown else [],
        "critiques": [critique_out(c) for c in critiques],
        **contribution_fields(idea),
    }


def decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        from_stage=decision.from_stage,
        to_stage=decision.to_stage,
        rationale=decision.rationale,
        decided_by=member_ref(decision.decided_by),
        decided_on=decision.decided_at.astimezone(dt.UTC).date(),
        meeting_id=decision.meeting_id,
    )


def trial_out(trial: Trial | None) -> TrialOut | None:
    if trial is None:
        return None
    return TrialOut(
        owner=MemberRef(id=trial.owner.pk, name=trial.owner.name),
        starts_on=trial.starts_on,
        ends_on=trial.ends_on,
        review_on=trial.review_on,
        measure=trial.measure,
        result=trial.result or None,
        outcome=trial.outcome,
        outcome_recorded_on=trial.outcome_recorded_on,
        outcome_by=member_ref(trial.outcome_by),
    )


def panel_out(request: HttpRequest, idea: Idea) -> DecisionPanelOut:
    panel = idea_decision_panel(idea=idea, user=caller(request))
    temperature = panel["temperature"]
    mine = panel["my_vote"]
    return DecisionPanelOut(
        stage=panel["stage"],
        withdrawn=panel["withdrawn"],
        next_stages=[step["value"] for step in panel["next_steps"]],
        can_decide=panel["can_decide"],
        can_vote=panel["can_vote"],
        can_record_outcome=panel["can_record_outcome"],
        decisions=[decision_out(d) for d in panel["decisions"]],
        temperature=TemperatureOut(
            revealed=temperature["revealed"],
            count=temperature["count"],
            named=temperature["named"],
            tally=temperature.get("tally"),
            reasons=temperature.get("reasons"),
        ),
        my_vote=None
        if mine is None
        else MyVoteOut(
            value=mine.value,
            reason=mine.reason,
            history=[
                VoteChangeOut(
                    value=c.value,
                    reason=c.reason,
                    changed_on=c.changed_at.astimezone(dt.UTC).date(),
                )
                for c in panel["my_vote_history"]
            ],
        ),
        trial=trial_out(panel["trial"]),
    )
