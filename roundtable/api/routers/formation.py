"""/api/programs/{id}/formations: circle formation for coordinators and admins, as in the app.

Start a run (it works in the background), poll it until `status` is `ready` or `failed`, move
or pin people, publish. Publishing refuses while a hard constraint is broken, and when people
already in circles would change circle unless `confirm_moves` is true.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import BaseModel, Field

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.references import member_from_id
from roundtable.api.schemas import (
    JSON_NUMBER,
    MAX_ID,
    Bool,
    Id,
    PathId,
    RequiredText,
    Text,
    choices,
)
from roundtable.circles.forming import pairs, selectors, services
from roundtable.circles.models import FormationRun, PairRule
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError
from roundtable.programs.models import Program
from roundtable.programs.selectors import program_get_for_user

router = Router(tags=["circle formation"])


Weight = Annotated[float, Field(ge=0, le=10), JSON_NUMBER]


class Weights(BaseModel):
    # A plain pydantic model, not a ninja Schema: those read attributes from any object, so
    # `"weights": [null]` would pass as "all defaults".

    department: Weight = 1.0
    location: Weight = 1.0
    approach: Weight = 1.0
    experience: Weight = 1.0
    tenure: Weight = 1.0
    skills: Weight = 1.0


CircleSize = Annotated[int, Field(ge=2, le=20), JSON_NUMBER]


class FormationIn(Schema):
    weights: Weights = Field(default_factory=lambda: Weights())
    size_min: CircleSize = 4
    size_max: CircleSize = 6
    same_role: Bool = False
    use_availability: Bool = True
    meeting_minutes: Annotated[int, Field(ge=15, le=240), JSON_NUMBER] = 60
    managers_apart: Bool = True
    rebalance: Bool = Field(
        default=False,
        description="Let the engine move people already in circles (listed as `moved`).",
    )
    seed: Annotated[int, Field(ge=0, le=MAX_ID), JSON_NUMBER] | None = Field(
        default=None, description="For a reproducible proposal."
    )


class CircleProposalOut(Schema):
    key: str
    name: str
    members: list[int]
    why: str
    slot: str | None
    existing: bool


class BalanceOut(Schema):
    feature: str
    mean_range: float
    sd_range: float
    worst: str


class FormationOut(Schema):
    id: int
    status: str
    progress: float
    settings: dict[str, Any]
    problems: list[str]
    circles: list[CircleProposalOut]
    balance: list[BalanceOut]
    constraints: dict[str, Any]
    issues: list[str]
    moved: list[int]
    pinned: list[int]
    objective: float | None
    created_at: dt.datetime
    published_at: dt.datetime | None


class FormationMoveIn(Schema):
    member_id: Id
    circle: RequiredText = Field(max_length=100, description="A circle `key` from the proposal.")


class PinIn(Schema):
    member_id: Id
    pinned: Bool = True


class PublishIn(Schema):
    confirm_moves: Bool = False


PairRuleKind = Annotated[PairRule.Kind, choices(PairRule.Kind, "PairRuleKind")]


class PairRuleIn(Schema):
    kind: PairRuleKind
    first_id: Id
    second_id: Id
    note: Text = Field("", max_length=200)


class PairRuleOut(Schema):
    id: int
    kind: str
    first_id: int
    second_id: int
    note: str


FORMERS_ONLY = "Only the program's coordinators and admins form circles."


def _formable_program(user: Any, program_id: int) -> Program:
    """The program (Http404 for those who may not see it), and 403 for those who may see it but
    may not form its circles; its runs and pair rules are then fetched through it."""
    program = program_get_for_user(user=user, pk=program_id)
    permission_require(permissions.can_form_circles(user, program), FORMERS_ONLY)
    return program


def _run(user: Any, program_id: int, run_id: int) -> FormationRun:
    return selectors.formation_run_get(program=_formable_program(user, program_id), pk=run_id)


def _out(run: FormationRun) -> FormationOut:
    proposal = run.proposal or {}
    return FormationOut(
        id=run.pk,
        status=run.status,
        progress=run.progress,
        settings=run.settings,
        problems=run.problems,
        circles=[
            CircleProposalOut(**{**c, "members": [int(p) for p in c["members"]]})
            for c in proposal.get("circles", [])
        ],
        balance=[BalanceOut(**b) for b in proposal.get("balance", [])],
        constraints=proposal.get("constraints", {}),
        issues=proposal.get("issues", []),
        moved=[int(p) for p in proposal.get("moved", [])],
        pinned=list(run.pinned),
        objective=proposal.get("objective"),
        created_at=run.created_at,
        published_at=run.published_at,
    )


@router.post(
    "/programs/{program_id}/formations",
    response={202: FormationOut, WRITE_ERRORS: ErrorOut},
    url_name="formation_start",
)
def formation_start(
    request: HttpRequest, program_id: PathId, payload: FormationIn
) -> Status[FormationOut]:
    """Propose circles. Answers at once with `status: queued`; poll the run for the result.
    Any open proposal of the program is discarded."""
    user = caller(request)
    program = _formable_program(user, program_id)
    if payload.size_min > payload.size_max:
        raise DomainError("size_min cannot exceed size_max.", field="size_min")
    run = services.formation_start(
        program=program,
        by=permissions.acting_member(user, program.organization_id),
        settings=payload.model_dump(exclude_none=True),
    )
    return Status(202, _out(run))


@router.get(
    "/programs/{program_id}/formations/{run_id}",
    response={200: FormationOut, READ_ERRORS: ErrorOut},
    url_name="formation_detail",
)
def formation_detail(request: HttpRequest, program_id: PathId, run_id: PathId) -> FormationOut:
    """A run: its status and progress, then the proposed circles with balance and checks."""
    return _out(_run(caller(request), program_id, run_id))


@router.post(
    "/programs/{program_id}/formations/{run_id}/moves",
    response={200: FormationOut, WRITE_ERRORS: ErrorOut},
    url_name="formation_move",
)
def formation_move(
    request: HttpRequest, program_id: PathId, run_id: PathId, payload: FormationMoveIn
) -> FormationOut:
    """Move a person to another proposed circle; balance and checks are recomputed."""
    run = _run(caller(request), program_id, run_id)
    return _out(
        services.formation_move(run=run, member_id=payload.member_id, circle_key=payload.circle)
    )


@router.post(
    "/programs/{program_id}/formations/{run_id}/pins",
    response={200: FormationOut, WRITE_ERRORS: ErrorOut},
    url_name="formation_pin",
)
def formation_pin(
    request: HttpRequest, program_id: PathId, run_id: PathId, payload: PinIn
) -> FormationOut:
    """Pin (or unpin) a person: a re-run keeps them where they are."""
    run = _run(caller(request), program_id, run_id)
    return _out(services.formation_pin(run=run, member_id=payload.member_id, pinned=payload.pinned))


@router.post(
    "/programs/{program_id}/formations/{run_id}/rerun",
    response={202: FormationOut, WRITE_ERRORS: ErrorOut},
    url_name="formation_rerun",
)
def formation_rerun(
    request: HttpRequest, program_id: PathId, run_id: PathId
) -> Status[FormationOut]:
    """Form the circles again around the pinned people."""
    run = _run(caller(request), program_id, run_id)
    return Status(202, _out(services.formation_rerun(run=run)))


@router.post(
    "/programs/{program_id}/formations/{run_id}/publish",
    response={200: FormationOut, WRITE_ERRORS: ErrorOut},
    url_name="formation_publish",
)
def formation_publish(
    request: HttpRequest, program_id: PathId, run_id: PathId, payload: PublishIn
) -> FormationOut:
    """Create the new circles and move people (dated memberships)."""
    user = caller(request)
    run = _run(user, program_id, run_id)
    services.formation_publish(
        run=run,
        by=permissions.acting_member(user, run.program.organization_id),
        confirm_moves=payload.confirm_moves,
    )
    run.refresh_from_db()
    return _out(run)


@router.get(
    "/programs/{program_id}/pair-rules",
    response={200: list[PairRuleOut], READ_ERRORS: ErrorOut},
    url_name="pair_rule_list",
)
def pair_rule_list(request: HttpRequest, program_id: PathId) -> list[PairRule]:
    user = caller(request)
    program = _formable_program(user, program_id)
    return list(selectors.pair_rule_list(program=program))


@router.post(
    "/programs/{program_id}/pair-rules",
    response={201: PairRuleOut, WRITE_ERRORS: ErrorOut},
    url_name="pair_rule_add",
)
def pair_rule_add(
    request: HttpRequest, program_id: PathId, payload: PairRuleIn
) -> Status[PairRule]:
    """Keep two people apart or together in every proposal of this program."""
    user = caller(request)
    program = _formable_program(user, program_id)
    organization = program.organization
    rule = pairs.pair_rule_add(
        program=program,
        first=member_from_id(organization=organization, pk=payload.first_id, field="first_id"),
        second=member_from_id(organization=organization, pk=payload.second_id, field="second_id"),
        kind=payload.kind,
        note=payload.note,
    )
    return Status(201, rule)


@router.delete(
    "/programs/{program_id}/pair-rules/{rule_id}",
    response={204: None, WRITE_ERRORS: ErrorOut},
    url_name="pair_rule_remove",
)
def pair_rule_remove(request: HttpRequest, program_id: PathId, rule_id: PathId) -> Status[None]:
    rule = selectors.pair_rule_get(
        program=_formable_program(caller(request), program_id), pk=rule_id
    )
    pairs.pair_rule_remove(rule=rule)
    return Status(204, None)
