"""/api escalations: the lead raises one on an overdue or often-moved commitment; the owner sees
it first and adds their side; once the owner's period has passed, the program's sponsor reads it
in their queue, comments and resolves it. Before then it does not exist for the sponsor,
coordinators and admins (404), as on the pages."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id
from roundtable.api.routers.commitments.commitments import fields_as_sent
from roundtable.api.routers.commitments.schemas import (
    LEAD_ONLY,
    OWNER_SIDE_ONLY,
    SPONSOR_ONLY,
    CommentIn,
    EscalationDetailOut,
    EscalationOut,
    OwnerSideIn,
    RaiseIn,
    ResolveIn,
    documentation_out,
    escalation_out,
)
from roundtable.api.schemas import PathId
from roundtable.commitments.models import Escalation
from roundtable.commitments.selectors.escalations import (
    commitment_get_for_escalation,
    escalation_documentation,
    escalation_get_for_user,
    escalation_queue,
)
from roundtable.commitments.services import escalations as services
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.orgs.models import Member

router = Router(tags=["commitments"])


def _detail(request: HttpRequest, escalation_id: int) -> EscalationDetailOut:
    user = caller(request)
    escalation = escalation_get_for_user(user=user, pk=escalation_id)
    unresolved = escalation.resolved_at is None
    return EscalationDetailOut(
        **escalation_out(escalation).model_dump(),
        documentation=documentation_out(escalation_documentation(escalation=escalation)),
        can_add_owner_side=unresolved and permissions.can_add_owner_side(user, escalation),
        can_resolve=unresolved and permissions.can_resolve_escalation(user, escalation),
    )


def _me(request: HttpRequest, escalation: Escalation) -> Member:
    organization_id = escalation.commitment.circle.program.organization_id
    return permissions.acting_member(caller(request), organization_id)


@router.get(
    "/escalations",
    response={200: list[EscalationOut], READ_ERRORS: ErrorOut},
    url_name="escalation_queue",
)
@paginate(Pagination)
def escalation_list(request: HttpRequest) -> list[EscalationOut]:
    """Your queue as a sponsor: the escalations of the programs you sponsor whose owner's period
    has passed, those waiting for you first (oldest first), then those resolved in the last 90
    days. Empty for anyone who sponsors no program."""
    queue = escalation_queue(user=caller(request))
    return [escalation_out(e) for e in [*queue["waiting"], *queue["resolved"]]]


@router.post(
    "/commitments/{commitment_id}/escalations",
    response={201: EscalationDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="escalation_raise",
)
def escalation_raise(
    request: HttpRequest, commitment_id: PathId, payload: RaiseIn
) -> Status[EscalationDetailOut]:
    """The circle's lead takes an open commitment to the program's sponsor, once it is past the
    program's thresholds (overdue for its days, or moved more than its number of times; a 400
    says which is missing), one escalation at a time. The owner is told at once and has the
    program's working days to add their side before the sponsor sees it."""
    user = caller(request)
    commitment = commitment_get_for_escalation(user=user, pk=commitment_id)
    permission_require(permissions.can_escalate_commitment(user, commitment), LEAD_ONLY)
    me = permissions.acting_member(user, commitment.circle.program.organization_id)
    escalation = services.escalation_raise(commitment=commitment, by=me, reason=payload.reason)
    return Status(201, _detail(request, escalation.pk))


@router.get(
    "/escalations/{escalation_id}",
    response={200: EscalationDetailOut, READ_ERRORS: ErrorOut},
    url_name="escalation_detail",
)
def escalation_detail(request: HttpRequest, escalation_id: PathId) -> EscalationDetailOut:
    """The escalation with its documentation (the same as its page and PDF): the facts, the
    commitment's timeline with its date changes and reasons, reminders and nudges, the meeting
    notes that mention it, what waits on it, the owner's side, comments and outcome. The owner
    and the circle's lead at once; the sponsor, coordinators and admins once the owner's period
    has passed."""
    return _detail(request, escalation_id)


@router.post(
    "/escalations/{escalation_id}/owner-side",
    response={200: EscalationDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="escalation_owner_side",
)
def escalation_owner_side(
    request: HttpRequest, escalation_id: PathId, payload: OwnerSideIn
) -> EscalationDetailOut:
    """The owner adds (or rewrites) their side, until it is resolved."""
    escalation = escalation_get_for_user(user=caller(request), pk=escalation_id)
    permission_require(permissions.can_add_owner_side(caller(request), escalation), OWNER_SIDE_ONLY)
    services.escalation_owner_side(
        escalation=escalation, owner=_me(request, escalation), text=payload.text
    )
    return _detail(request, escalation_id)


@router.post(
    "/escalations/{escalation_id}/comment",
    response={200: EscalationDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="escalation_comment",
)
def escalation_comment(
    request: HttpRequest, escalation_id: PathId, payload: CommentIn
) -> EscalationDetailOut:
    """The sponsor comments (a question, what they heard); the owner and the lead are told."""
    escalation = escalation_get_for_user(user=caller(request), pk=escalation_id)
    permission_require(
        permissions.can_resolve_escalation(caller(request), escalation), SPONSOR_ONLY
    )
    services.escalation_comment(
        escalation=escalation, sponsor=_me(request, escalation), text=payload.text
    )
    return _detail(request, escalation_id)


@router.post(
    "/escalations/{escalation_id}/resolve",
    response={200: EscalationDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="escalation_resolve",
)
def escalation_resolve(
    request: HttpRequest, escalation_id: PathId, payload: ResolveIn
) -> EscalationDetailOut:
    """The sponsor resolves it: `new_date` (the owner is asked to set it), `reassigned` (dropped,
    and `reassign_to_id`, a member of the circle, is asked for it), or `dropped` (with the
    `note` as its reason)."""
    escalation = escalation_get_for_user(user=caller(request), pk=escalation_id)
    permission_require(
        permissions.can_resolve_escalation(caller(request), escalation), SPONSOR_ONLY
    )
    me = _me(request, escalation)
    to = None
    if payload.reassign_to_id is not None:
        to = member_from_id(
            organization=escalation.commitment.circle.program.organization,
            pk=payload.reassign_to_id,
            field="reassign_to_id",
        )
    with fields_as_sent(reassign_to="reassign_to_id"):
        services.escalation_resolve(
            escalation=escalation,
            sponsor=me,
            resolution=payload.resolution,
            note=payload.note,
            reassign_to=to,
        )
    return _detail(request, escalation_id)
