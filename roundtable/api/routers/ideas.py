"""/api ideas (open critique): challenges posed to a circle or a whole program, the ideas proposed
for them with their versions, critiques and replies, endorsements, the lead's hiding, the
temperature check, decisions (a trial with its plan) and a trial's outcome; seen and changed with
the same policy as the idea pages: 404 for what the caller may not see, 403 for what they see but
may not do.

Anonymity: an anonymous idea or critique has no author to show (`author` is null) and only its
day. Its author changes or withdraws it with the `edit_token` the creation response returned
once: the same signed, timestamped capability the pages keep in the author's browser
(`core.anonymity`), good for 24 hours from writing. The token is the proof: whoever sends it, and
may take part in the circle, acts as the author; nothing else does, since nothing on the server
knows whose it was."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import datetime as dt
import uuid
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id
from roundtable.api.schemas import (
    Date,
    Id,
    MemberRef,
    PathId,
    RequiredText,
    Text,
    choices,
)
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.anonymity import CapabilityRefused, capability_sign, capability_unsign
from roundtable.core.errors import DomainError, PermissionDenied
from roundtable.ideas.models import (
    Challenge,
    Critique,
    Decision,
    Idea,
    IdeaVersion,
    Stage,
    Temperature,
    Trial,
)
from roundtable.ideas.selectors.decisions import idea_decision_panel, trial_get_for_decision
from roundtable.ideas.selectors.ideas import (
    challenge_get_for_user,
    challenge_ideas,
    circle_challenges,
    contribution_is_mine,
    critique_get_for_user,
    idea_get_for_user,
    idea_page,
    program_challenges,
    proposing_circles,
)
from roundtable.ideas.services import challenges as challenge_services
from roundtable.ideas.services import critiques as critique_services
from roundtable.ideas.services import ideas as idea_services
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.temperature import vote_set, votes_hide, votes_reveal
from roundtable.ideas.services.trials import trial_outcome_record, trial_start
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member
from roundtable.programs.selectors import program_get_for_user

router = Router(tags=["ideas"])

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


def _ref(member: Member | None) -> MemberRef | None:
    return MemberRef(id=member.pk, name=member.name) if member is not None else None


def _contribution(obj: Idea | Critique) -> dict[str, Any]:
    return {
        "anonymous": obj.anonymous,
        "author": None if obj.anonymous else _ref(obj.author),
        "created_on": obj.created_on,
        "withdrawn": obj.withdrawn,
        "hidden_reason": obj.hidden_reason or None,
    }


def _shows_text(obj: Idea | Critique) -> bool:
    return not (obj.is_hidden or obj.withdrawn)


def _idea_list_out(idea: Idea) -> IdeaListOut:
    return IdeaListOut(
        id=idea.pk,
        challenge_id=idea.challenge_id,
        circle_id=idea.circle_id,
        summary=idea.summary if _shows_text(idea) else None,  # type: ignore[attr-defined]
        stage=idea.stage,
        version=idea.version,
        critique_count=idea.critique_count,  # type: ignore[attr-defined]
        **_contribution(idea),
    )


def _critique_out(critique: Critique) -> CritiqueOut:
    shown = _shows_text(critique)
    return CritiqueOut(
        id=critique.pk,
        parent_id=critique.parent_id,
        stance=critique.stance or None,
        reasoning=critique.reasoning if shown else None,
        evidence=critique.evidence if shown else None,
        version=critique.version.number,
        endorsement_count=getattr(critique, "endorsement_count", 0),
        endorsed_by_me=getattr(critique, "endorsed_by_me", False),
        **_contribution(critique),
    )


def _idea_out(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    """The idea with its versions and its critiques (in three queries, however many rows)."""
    me = permissions.member_in(caller(request), idea.circle.program.organization_id)
    page = idea_page(idea=idea, me=me, capabilities={})
    shown = _shows_text(idea)
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
        "critiques": [_critique_out(c) for c in critiques],
        **_contribution(idea),
    }


def _decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        from_stage=decision.from_stage,
        to_stage=decision.to_stage,
        rationale=decision.rationale,
        decided_by=_ref(decision.decided_by),
        decided_on=decision.decided_at.astimezone(dt.UTC).date(),
        meeting_id=decision.meeting_id,
    )


def _trial_out(trial: Trial | None) -> TrialOut | None:
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
        outcome_by=_ref(trial.outcome_by),
    )


def _panel_out(request: HttpRequest, idea: Idea) -> DecisionPanelOut:
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
        decisions=[_decision_out(d) for d in panel["decisions"]],
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
        trial=_trial_out(panel["trial"]),
    )


# --- fetching with access ---------------------------------------------------------------------


def _managed_challenge(request: HttpRequest, challenge_id: int) -> Challenge:
    user = caller(request)
    challenge = challenge_get_for_user(user=user, pk=challenge_id)
    permission_require(permissions.can_manage_challenge(user, challenge), CHALLENGE_MANAGERS_ONLY)
    return challenge


def _idea(request: HttpRequest, idea_id: uuid.UUID, *, can: Any = None, refusal: str = "") -> Idea:
    """An idea the caller sees (else 404) and, with `can`, may act on in its circle (else 403)."""
    user = caller(request)
    idea = idea_get_for_user(user=user, pk=idea_id)
    if can is not None:
        permission_require(can(user, idea.circle), refusal)
    return idea


def _me(request: HttpRequest, idea: Idea) -> Member:
    return permissions.acting_member(caller(request), idea.circle.program.organization_id)


def _capability(contribution: Idea | Critique, edit_token: str | None) -> str | None:
    """The secret inside the caller's edit token, checked against this contribution: a token
    that expired, was altered or belongs to something else is refused (403), nothing changed."""
    if not contribution.anonymous or edit_token is None:
        return None
    try:
        return capability_unsign(edit_token, key=str(contribution.pk))
    except CapabilityRefused as exc:
        raise PermissionDenied(str(exc)) from exc


def _authored(
    request: HttpRequest, contribution: Idea | Critique, edit_token: str | None
) -> tuple[Member, str | None]:
    """The acting member and capability of the caller changing `contribution`: its named author,
    or whoever holds a valid edit token for an anonymous one (else 403)."""
    idea = contribution if isinstance(contribution, Idea) else contribution.idea
    me = _me(request, idea)
    capability = _capability(contribution, edit_token)
    permission_require(contribution_is_mine(contribution, me=me, capability=capability), NOT_YOURS)
    return me, capability


def _critique(request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID) -> Critique:
    idea = _idea(request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY)
    critique = critique_get_for_user(user=caller(request), idea=idea, pk=critique_id)
    critique.idea = idea
    return critique


def _critique_fresh(critique: Critique) -> CritiqueOut:
    """A critique read again with its endorsement count, after a change."""
    found = (
        critique.idea.critiques.filter(pk=critique.pk)
        .select_related("author__user", "version")
        .first()
    )
    if found is None:  # a critique is never deleted, only withdrawn or hidden
        raise Http404("No such critique.")
    found.endorsement_count = found.endorsements.count()  # type: ignore[attr-defined]
    return _critique_out(found)


def _token(contribution: Idea | Critique, capability: str | None) -> str | None:
    """The edit token handed out once: the capability signed now, as the pages' cookie holds it."""
    return capability_sign(key=str(contribution.pk), token=capability) if capability else None


# --- challenges -------------------------------------------------------------------------------


@router.get(
    "/circles/{circle_id}/challenges",
    response={200: list[ChallengeListOut], READ_ERRORS: ErrorOut},
    url_name="circle_challenge_list",
)
@paginate(Pagination)
def circle_challenge_list(request: HttpRequest, circle_id: PathId) -> QuerySet[Challenge]:
    """Challenges posed to the circle and to its whole program, open first."""
    circle = circle_get_for_user(user=caller(request), pk=circle_id)
    return circle_challenges(circle=circle)


@router.post(
    "/circles/{circle_id}/challenges",
    response={201: ChallengeOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_challenge_create",
)
def circle_challenge_create(
    request: HttpRequest, circle_id: PathId, payload: ChallengeIn
) -> Status[Challenge]:
    """Pose a challenge to one circle (its lead, the program's coordinators, admins)."""
    user = caller(request)
    circle = circle_get_for_user(user=user, pk=circle_id)
    permission_require(
        permissions.can_pose_circle_challenge(user, circle),
        "Only the circle's lead, the program's coordinators and admins pose its challenges.",
    )
    me = permissions.acting_member(user, circle.program.organization_id)
    challenge = challenge_services.challenge_create(
        program=circle.program, circle=circle, posed_by=me, **payload.model_dump()
    )
    return Status(201, challenge)


@router.get(
    "/programs/{program_id}/challenges",
    response={200: list[ChallengeListOut], READ_ERRORS: ErrorOut},
    url_name="program_challenge_list",
)
@paginate(Pagination)
def program_challenge_list(request: HttpRequest, program_id: PathId) -> QuerySet[Challenge]:
    """The program's challenges you may see: those posed to every circle, and each circle's own
    in the circles you see."""
    user = caller(request)
    program = program_get_for_user(user=user, pk=program_id)
    return program_challenges(program=program, user=user)


@router.post(
    "/programs/{program_id}/challenges",
    response={201: ChallengeOut, WRITE_ERRORS: ErrorOut},
    url_name="program_challenge_create",
)
def program_challenge_create(
    request: HttpRequest, program_id: PathId, payload: ChallengeIn
) -> Status[Challenge]:
    """Pose a challenge to every circle of a program (its coordinators and admins)."""
    user = caller(request)
    program = program_get_for_user(user=user, pk=program_id)
    permission_require(
        permissions.can_pose_program_challenge(user, program),
        "Only the program's coordinators and admins pose a challenge to all its circles.",
    )
    me = permissions.acting_member(user, program.organization_id)
    challenge = challenge_services.challenge_create(
        program=program, posed_by=me, **payload.model_dump()
    )
    return Status(201, challenge)


@router.get(
    "/challenges/{challenge_id}",
    response={200: ChallengeOut, READ_ERRORS: ErrorOut},
    url_name="challenge_detail",
)
def challenge_detail(request: HttpRequest, challenge_id: PathId) -> Challenge:
    return challenge_get_for_user(user=caller(request), pk=challenge_id)


@router.put(
    "/challenges/{challenge_id}",
    response={200: ChallengeOut, WRITE_ERRORS: ErrorOut},
    url_name="challenge_update",
)
def challenge_update(request: HttpRequest, challenge_id: PathId, payload: ChallengeIn) -> Challenge:
    """Rewrite the challenge (whoever may pose it where it is posed)."""
    challenge = _managed_challenge(request, challenge_id)
    return challenge_services.challenge_update(challenge=challenge, **payload.model_dump())


@router.post(
    "/challenges/{challenge_id}/close",
    response={200: ChallengeOut, WRITE_ERRORS: ErrorOut},
    url_name="challenge_close",
)
def challenge_close(
    request: HttpRequest, challenge_id: PathId, payload: ChallengeCloseIn
) -> Challenge:
    """Close it with a summary of where it landed; it then takes no new ideas or critiques."""
    challenge = _managed_challenge(request, challenge_id)
    return challenge_services.challenge_close(challenge=challenge, summary=payload.summary)


@router.post(
    "/challenges/{challenge_id}/reopen",
    response={200: ChallengeOut, WRITE_ERRORS: ErrorOut},
    url_name="challenge_reopen",
)
def challenge_reopen(request: HttpRequest, challenge_id: PathId) -> Challenge:
    challenge = _managed_challenge(request, challenge_id)
    return challenge_services.challenge_reopen(challenge=challenge)


# --- ideas ------------------------------------------------------------------------------------


@router.get(
    "/challenges/{challenge_id}/ideas",
    response={200: list[IdeaListOut], READ_ERRORS: ErrorOut},
    url_name="idea_list",
)
@paginate(Pagination)
def idea_list(request: HttpRequest, challenge_id: PathId) -> list[IdeaListOut]:
    """The challenge's ideas in the circles you see, by circle."""
    user = caller(request)
    challenge = challenge_get_for_user(user=user, pk=challenge_id)
    return [_idea_list_out(idea) for idea in challenge_ideas(challenge=challenge, user=user)]


@router.post(
    "/challenges/{challenge_id}/ideas",
    response={201: IdeaCreatedOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_propose",
)
def idea_propose(
    request: HttpRequest, challenge_id: PathId, payload: IdeaIn
) -> Status[IdeaCreatedOut]:
    """Propose an idea in a circle you take part in. In a circle whose ideas are anonymous, the
    response carries the `edit_token`, once."""
    user = caller(request)
    challenge = challenge_get_for_user(user=user, pk=challenge_id)
    circles = proposing_circles(challenge=challenge, user=user)
    permission_require(bool(circles), TAKE_PART_ONLY)
    if payload.circle_id is None and len(circles) > 1:
        raise DomainError(
            "Say which of your circles proposes it: circle_id, one of "
            + ", ".join(str(c.pk) for c in circles)
            + ".",
            field="circle_id",
        )
    wanted = payload.circle_id or circles[0].pk
    circle = next((c for c in circles if c.pk == wanted), None)
    if circle is None:
        raise DomainError(
            f"You take part in no circle {wanted} of this challenge.", field="circle_id"
        )
    me = permissions.acting_member(user, circle.program.organization_id)
    texts = payload.model_dump(exclude={"circle_id"})
    idea, capability = idea_services.idea_propose(
        challenge=challenge, circle=circle, member=me, **texts
    )
    idea = idea_get_for_user(user=user, pk=idea.pk)
    return Status(
        201, IdeaCreatedOut(**_idea_out(request, idea), edit_token=_token(idea, capability))
    )


@router.get(
    "/ideas/{idea_id}",
    response={200: IdeaOut, READ_ERRORS: ErrorOut},
    url_name="idea_detail",
)
def idea_detail(request: HttpRequest, idea_id: uuid.UUID) -> IdeaOut:
    """The idea, its versions and its critiques with their replies."""
    return IdeaOut(**_idea_out(request, _idea(request, idea_id)))


@router.post(
    "/ideas/{idea_id}/versions",
    response={201: IdeaVersionOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_revise",
)
def idea_revise(
    request: HttpRequest, idea_id: uuid.UUID, payload: IdeaReviseIn
) -> Status[IdeaVersion]:
    """Revise the idea: a new version, the earlier ones kept (its author; for an anonymous idea,
    whoever sends its edit_token)."""
    idea = _idea(request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY)
    me, capability = _authored(request, idea, payload.edit_token)
    version = idea_services.idea_revise(
        idea=idea, member=me, capability=capability, **payload.model_dump(exclude={"edit_token"})
    )
    return Status(201, version)


@router.post(
    "/ideas/{idea_id}/withdraw",
    response={200: IdeaOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_withdraw",
)
def idea_withdraw(request: HttpRequest, idea_id: uuid.UUID, payload: EditTokenIn) -> IdeaOut:
    """Take the idea back: it shows as withdrawn by its author; its critiques stay."""
    idea = _idea(request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY)
    me, capability = _authored(request, idea, payload.edit_token)
    idea_services.idea_withdraw(idea=idea, member=me, capability=capability)
    return IdeaOut(**_idea_out(request, _idea(request, idea_id)))


@router.post(
    "/ideas/{idea_id}/hide",
    response={200: IdeaOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_hide",
)
def idea_hide(request: HttpRequest, idea_id: uuid.UUID, payload: HideIn) -> IdeaOut:
    """Hide an abusive idea with a reason (the lead, coordinators, admins): it shows as hidden."""
    idea = _idea(request, idea_id, can=permissions.can_moderate_ideas, refusal=MODERATORS_ONLY)
    critique_services.contribution_hide(
        contribution=idea, by=_me(request, idea), reason=payload.reason
    )
    return IdeaOut(**_idea_out(request, _idea(request, idea_id)))


# --- critiques --------------------------------------------------------------------------------


@router.post(
    "/ideas/{idea_id}/critiques",
    response={201: CritiqueCreatedOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_add",
)
def critique_add(
    request: HttpRequest, idea_id: uuid.UUID, payload: CritiqueIn
) -> Status[CritiqueCreatedOut]:
    """Critique the idea's current version, or reply to a critique (`parent_id`). The reasoning
    must be a reason: a bare "+1" is refused with a hint (endorse instead). In a circle whose
    ideas are anonymous, the response carries the `edit_token`, once."""
    idea = _idea(request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY)
    parent = None
    if payload.parent_id is not None:
        try:
            parent = critique_get_for_user(user=caller(request), idea=idea, pk=payload.parent_id)
        except Http404 as exc:
            raise DomainError("This idea has no such critique.", field="parent_id") from exc
    critique, capability = critique_services.critique_add(
        idea=idea,
        member=_me(request, idea),
        parent=parent,
        stance=payload.stance or "",
        reasoning=payload.reasoning,
        evidence=payload.evidence,
    )
    out = _critique_fresh(critique)
    return Status(
        201, CritiqueCreatedOut(**out.model_dump(), edit_token=_token(critique, capability))
    )


@router.put(
    "/ideas/{idea_id}/critiques/{critique_id}",
    response={200: CritiqueOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_edit",
)
def critique_edit(
    request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID, payload: CritiqueEditIn
) -> CritiqueOut:
    """Rewrite your critique; it then answers the idea's current version."""
    critique = _critique(request, idea_id, critique_id)
    me, capability = _authored(request, critique, payload.edit_token)
    critique_services.critique_edit(
        critique=critique,
        member=me,
        capability=capability,
        reasoning=payload.reasoning,
        evidence=payload.evidence,
        stance=payload.stance,
    )
    return _critique_fresh(critique)


@router.post(
    "/ideas/{idea_id}/critiques/{critique_id}/withdraw",
    response={200: CritiqueOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_withdraw",
)
def critique_withdraw(
    request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID, payload: EditTokenIn
) -> CritiqueOut:
    """Take your critique back: it shows as withdrawn by its author; replies stay."""
    critique = _critique(request, idea_id, critique_id)
    me, capability = _authored(request, critique, payload.edit_token)
    critique_services.critique_withdraw(critique=critique, member=me, capability=capability)
    return _critique_fresh(critique)


def _endorsement_out(request: HttpRequest, critique: Critique) -> EndorsementOut:
    me = _me(request, critique.idea)
    endorsements = critique.endorsements.values_list("member_id", flat=True)
    members = set(endorsements)
    return EndorsementOut(
        critique_id=critique.pk, endorsement_count=len(members), endorsed_by_me=me.pk in members
    )


@router.post(
    "/ideas/{idea_id}/critiques/{critique_id}/endorsement",
    response={200: EndorsementOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_endorse",
)
def critique_endorse(
    request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID
) -> EndorsementOut:
    """Endorse another's argument: you find it convincing."""
    critique = _critique(request, idea_id, critique_id)
    critique_services.critique_endorse(critique=critique, member=_me(request, critique.idea))
    return _endorsement_out(request, critique)


@router.delete(
    "/ideas/{idea_id}/critiques/{critique_id}/endorsement",
    response={200: EndorsementOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_unendorse",
)
def critique_unendorse(
    request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID
) -> EndorsementOut:
    critique = _critique(request, idea_id, critique_id)
    critique_services.critique_unendorse(critique=critique, member=_me(request, critique.idea))
    return _endorsement_out(request, critique)


@router.post(
    "/ideas/{idea_id}/critiques/{critique_id}/hide",
    response={200: CritiqueOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_hide",
)
def critique_hide(
    request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID, payload: HideIn
) -> CritiqueOut:
    """Hide an abusive critique with a reason (the lead, coordinators, admins)."""
    idea = _idea(request, idea_id, can=permissions.can_moderate_ideas, refusal=MODERATORS_ONLY)
    critique = critique_get_for_user(user=caller(request), idea=idea, pk=critique_id)
    critique.idea = idea
    critique_services.contribution_hide(
        contribution=critique, by=_me(request, idea), reason=payload.reason
    )
    return _critique_fresh(critique)


# --- temperature check and decisions ----------------------------------------------------------


@router.get(
    "/ideas/{idea_id}/decisions",
    response={200: DecisionPanelOut, READ_ERRORS: ErrorOut},
    url_name="idea_decisions",
)
def idea_decisions(request: HttpRequest, idea_id: uuid.UUID) -> DecisionPanelOut:
    """The idea's stage and the steps you may take, its decisions with their rationales, the
    temperature check (while hidden, only how many voted: the lead included), your own vote and
    its history, and the trial."""
    return _panel_out(request, _idea(request, idea_id))


@router.put(
    "/ideas/{idea_id}/vote",
    response={200: DecisionPanelOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_vote",
)
def idea_vote(request: HttpRequest, idea_id: uuid.UUID, payload: VoteIn) -> DecisionPanelOut:
    """Give or change your reading (agree, unsure, disagree) while the idea is proposed or under
    discussion; every earlier reading is kept."""
    idea = _idea(request, idea_id, can=permissions.can_take_part_in_circle, refusal=VOTERS_ONLY)
    vote_set(idea=idea, member=_me(request, idea), value=payload.value, reason=payload.reason)
    return _panel_out(request, _idea(request, idea_id))


@router.post(
    "/ideas/{idea_id}/results/reveal",
    response={200: DecisionPanelOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_results_reveal",
)
def idea_results_reveal(request: HttpRequest, idea_id: uuid.UUID) -> DecisionPanelOut:
    """Show the temperature results to everyone who sees the idea."""
    idea = _idea(request, idea_id, can=permissions.can_decide_idea, refusal=DECIDERS_ONLY)
    votes_reveal(idea=idea)
    return _panel_out(request, _idea(request, idea_id))


@router.post(
    "/ideas/{idea_id}/results/hide",
    response={200: DecisionPanelOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_results_hide",
)
def idea_results_hide(request: HttpRequest, idea_id: uuid.UUID) -> DecisionPanelOut:
    """Hide the results: everyone, you included, sees only their own vote and how many voted."""
    idea = _idea(request, idea_id, can=permissions.can_decide_idea, refusal=DECIDERS_ONLY)
    votes_hide(idea=idea)
    return _panel_out(request, _idea(request, idea_id))


def _meeting(idea: Idea, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = Meeting.objects.filter(pk=meeting_id, circle=idea.circle).first()
    if meeting is None:
        raise DomainError("That meeting is not one of this circle's.", field="meeting_id")
    return meeting


def _trial_plan(idea: Idea, payload: DecisionIn) -> dict[str, Any]:
    needed = {
        "owner_id": "an owner",
        "starts_on": "a start",
        "ends_on": "an end",
        "review_on": "a review date",
        "measure": "a measure of success",
    }
    missing = [name for name in needed if getattr(payload, name) is None]
    if missing:
        words = [needed[name] for name in missing]
        raise DomainError(
            "A trial needs " + ", ".join(words[:-1]) + " and " * (len(words) > 1) + words[-1] + ".",
            field=missing[0],
        )
    return {
        "owner": member_from_id(
            organization=idea.circle.program.organization,
            pk=payload.owner_id or 0,
            field="owner_id",
        ),
        "starts_on": payload.starts_on,
        "ends_on": payload.ends_on,
        "review_on": payload.review_on,
        "measure": payload.measure,
    }


@router.post(
    "/ideas/{idea_id}/decisions",
    response={201: DecidedOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_decide",
)
def idea_decide_endpoint(
    request: HttpRequest, idea_id: uuid.UUID, payload: DecisionIn
) -> Status[DecidedOut]:
    """Move the idea one allowed step with its rationale (the lead, coordinators, admins):
    proposed → discussing → trial → adopted or set aside, back to discussing from a trial or
    from setting aside. To `trial`, with the trial's owner, period, measure and review date."""
    idea = _idea(request, idea_id, can=permissions.can_decide_idea, refusal=DECIDERS_ONLY)
    me, meeting = _me(request, idea), _meeting(idea, payload.meeting_id)
    trial = None
    if payload.to_stage == Stage.TRIAL:
        trial = trial_start(
            idea=idea,
            by=me,
            rationale=payload.rationale,
            meeting=meeting,
            **_trial_plan(idea, payload),
        )
        decision = idea.decisions.latest("decided_at", "id")
    else:
        decision = idea_decide(
            idea=idea,
            to_stage=payload.to_stage,
            rationale=payload.rationale,
            by=me,
            meeting=meeting,
        )
    return Status(201, DecidedOut(decision=_decision_out(decision), trial=_trial_out(trial)))


@router.post(
    "/ideas/{idea_id}/trial/outcome",
    response={200: TrialOut, WRITE_ERRORS: ErrorOut},
    url_name="trial_outcome",
)
def trial_outcome(request: HttpRequest, idea_id: uuid.UUID, payload: OutcomeIn) -> TrialOut | None:
    """Record (or correct, until the next decision) how the trial went against its measure: its
    owner, the circle's lead, coordinators and admins."""
    user = caller(request)
    idea = _idea(request, idea_id)
    trial = trial_get_for_decision(idea=idea)
    permission_require(
        permissions.can_record_trial_outcome(user, idea.circle, trial.owner_id), OUTCOME_ONLY
    )
    trial = trial_outcome_record(
        trial=trial, by=_me(request, idea), result=payload.result, outcome=payload.outcome
    )
    return _trial_out(trial)
