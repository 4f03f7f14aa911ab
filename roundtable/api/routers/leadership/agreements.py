"""/api working agreements: a circle's current version with who agreed, its earlier versions,
agreeing to the current one, and amendments (proposed by its members and lead; accepted or
declined by the lead, coordinators and admins; withdrawn by their proposer). Whoever sees the
circle reads; 404 for anyone else; 403 for an action that is not theirs; 400 for a rule (an
old version, a change that changes nothing), naming the field."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.routers.leadership.schemas import (
    DRAFTERS_ONLY,
    PROPOSE_ONLY,
    PROPOSER_ONLY,
    TAKE_PART_ONLY,
    AcknowledgeIn,
    AgreementOut,
    AgreementVersionOut,
    AmendmentDeclineIn,
    AmendmentIn,
    AmendmentOut,
    field_named,
)
from roundtable.api.schemas import PathId
from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.leadership.models import AgreementAmendment, AgreementVersion
from roundtable.leadership.selectors.agreements import (
    agreement_circle_get_for_user,
    agreement_page,
    amendment_get_for_user,
)
from roundtable.leadership.services import agreements as services
from roundtable.orgs.models import Member

router = Router(tags=["leadership"])


def _me(user: Any, circle: Circle) -> Member:
    return permissions.acting_member(user, circle.program.organization_id)


# --- small reads for the API ------------------------------------------------------------------


def _versions(circle: Circle) -> QuerySet[AgreementVersion]:
    return (
        AgreementVersion.objects.filter(agreement__circle=circle)
        .select_related("written_by__user")
        .order_by("-number")
    )


def _amendments() -> QuerySet[AgreementAmendment]:
    """Amendments with what their output names, and the current version's number (to tell an
    outdated proposal), in one query."""
    current = (
        AgreementVersion.objects.filter(agreement_id=OuterRef("agreement_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    return AgreementAmendment.objects.select_related(
        "agreement",
        "based_on",
        "proposed_by__user",
        "decided_by__user",
        "resulting_version",
    ).annotate(current_number=Subquery(current))


def _amendment(request: HttpRequest, amendment_id: int) -> tuple[Circle, AgreementAmendment]:
    """The amendment and its circle, for someone who sees the circle; else 404 (the same
    whether the amendment is missing or hidden)."""
    user = caller(request)
    circle_id = (
        AgreementAmendment.objects.filter(pk=amendment_id)
        .values_list("agreement__circle_id", flat=True)
        .first()
    )
    if circle_id is None:
        raise Http404("No such amendment.")
    try:
        circle = agreement_circle_get_for_user(user=user, circle_pk=circle_id)
    except Http404:
        raise Http404("No such amendment.") from None
    amendment = amendment_get_for_user(user=user, circle=circle, pk=amendment_id)
    return circle, amendment


def _amendment_out(amendment_id: int) -> AgreementAmendment:
    return _amendments().get(pk=amendment_id)


def _agreement_out(circle: Circle, user: Any) -> dict[str, Any]:
    page = agreement_page(circle=circle, user=user)
    if page.agreement is None or page.current is None:
        raise Http404("This circle has no working agreement yet.")
    current = page.current
    shows_names = permissions.can_draft_agreement(
        user, circle
    ) or permissions.can_take_part_in_agreement(user, circle)
    return {
        "circle_id": circle.pk,
        "number": current.number,
        "sections": current.sections,
        "written_at": current.created_at,
        "written_by": current.written_by,
        "change_note": current.change_note,
        "revisit_months": page.agreement.revisit_months,
        "revisit_on": page.agreement.revisit_on,
        "asked_count": len(page.people),
        "acknowledged_count": page.agreed_count,
        "acknowledged_by": [
            {"id": p.member.pk, "name": p.member.name, "acknowledged_at": p.at}
            for p in page.people
            if p.at is not None
        ]
        if shows_names
        else None,
        "you_are_asked": page.i_am_asked,
        "you_acknowledged": page.my_agreed_at is not None,
    }


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "/circles/{circle_id}/agreement",
    response={200: AgreementOut, READ_ERRORS: ErrorOut},
    url_name="circle_agreement",
)
def circle_agreement(request: HttpRequest, circle_id: PathId) -> dict[str, Any]:
    """The circle's working agreement as it stands: the current version's sections, who wrote
    it and what changed, who agreed to it (by name for the circle's members, lead,
    coordinators and admins), whether you agreed, and when the circle revisits it. 404 while
    it has none. Whoever sees the circle."""
    user = caller(request)
    circle = agreement_circle_get_for_user(user=user, circle_pk=circle_id)
    return _agreement_out(circle, user)


@router.get(
    "/circles/{circle_id}/agreement/versions",
    response={200: list[AgreementVersionOut], READ_ERRORS: ErrorOut},
    url_name="circle_agreement_versions",
)
@paginate(Pagination)
def circle_agreement_versions(
    request: HttpRequest, circle_id: PathId
) -> QuerySet[AgreementVersion]:
    """Every version of the agreement, newest first. Whoever sees the circle."""
    circle = agreement_circle_get_for_user(user=caller(request), circle_pk=circle_id)
    return _versions(circle)


# --- agreeing -----------------------------------------------------------------------------------


@router.post(
    "/circles/{circle_id}/agreement/acknowledgements",
    response={200: AgreementOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_agreement_acknowledge",
)
def circle_agreement_acknowledge(
    request: HttpRequest, circle_id: PathId, payload: AcknowledgeIn
) -> dict[str, Any]:
    """You agree to the version you read, which must be the current one (an older version is
    refused: the agreement changed since you read it). Agreeing twice keeps the first. The
    circle's members and its lead."""
    user = caller(request)
    circle = agreement_circle_get_for_user(user=user, circle_pk=circle_id)
    permission_require(permissions.can_take_part_in_agreement(user, circle), TAKE_PART_ONLY)
    with field_named("version"):
        services.agreement_acknowledge(
            circle=circle, member=_me(user, circle), number=payload.version
        )
    return _agreement_out(circle, user)


# --- amendments ---------------------------------------------------------------------------------


@router.get(
    "/circles/{circle_id}/agreement/amendments",
    response={200: list[AmendmentOut], READ_ERRORS: ErrorOut},
    url_name="circle_agreement_amendments",
)
@paginate(Pagination)
def circle_agreement_amendments(
    request: HttpRequest, circle_id: PathId
) -> QuerySet[AgreementAmendment]:
    """Every amendment proposed to the agreement, newest first, with its status (and, while
    proposed, whether the agreement changed since it was written). Whoever sees the circle."""
    circle = agreement_circle_get_for_user(user=caller(request), circle_pk=circle_id)
    return _amendments().filter(agreement__circle=circle).order_by("-created_at", "-id")


@router.post(
    "/circles/{circle_id}/agreement/amendments",
    response={201: AmendmentOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_agreement_amendment_create",
)
def circle_agreement_amendment_create(
    request: HttpRequest, circle_id: PathId, payload: AmendmentIn
) -> Status[AgreementAmendment]:
    """Propose a change: the whole agreement as you would have it (`sections`, keeping the
    keys of the sections you keep), the version you started from (`based_on`, the current
    one), and why. The lead is told and decides. The circle's members and its lead."""
    user = caller(request)
    circle = agreement_circle_get_for_user(user=user, circle_pk=circle_id)
    permission_require(permissions.can_take_part_in_agreement(user, circle), PROPOSE_ONLY)
    amendment = services.amendment_propose(
        circle=circle,
        member=_me(user, circle),
        based_on_number=payload.based_on,
        sections=[s.model_dump() for s in payload.sections],
        reason=payload.reason,
    )
    return Status(201, _amendment_out(amendment.pk))


@router.post(
    "/agreement-amendments/{amendment_id}/accept",
    response={200: AmendmentOut, WRITE_ERRORS: ErrorOut},
    url_name="agreement_amendment_accept",
)
def agreement_amendment_accept(request: HttpRequest, amendment_id: PathId) -> AgreementAmendment:
    """Accept a proposed amendment: it becomes the next version, which everyone agrees to
    afresh. Refused when the agreement changed since it was written. The circle's lead, the
    program's coordinators and admins."""
    user = caller(request)
    circle, amendment = _amendment(request, amendment_id)
    permission_require(permissions.can_draft_agreement(user, circle), DRAFTERS_ONLY)
    services.amendment_accept(amendment=amendment, decided_by=_me(user, circle))
    return _amendment_out(amendment_id)


@router.post(
    "/agreement-amendments/{amendment_id}/decline",
    response={200: AmendmentOut, WRITE_ERRORS: ErrorOut},
    url_name="agreement_amendment_decline",
)
def agreement_amendment_decline(
    request: HttpRequest, amendment_id: PathId, payload: AmendmentDeclineIn
) -> AgreementAmendment:
    """Decline a proposed amendment, with a reason its proposer reads. The circle's lead, the
    program's coordinators and admins."""
    user = caller(request)
    circle, amendment = _amendment(request, amendment_id)
    permission_require(permissions.can_draft_agreement(user, circle), DRAFTERS_ONLY)
    services.amendment_decline(
        amendment=amendment, decided_by=_me(user, circle), reason=payload.reason
    )
    return _amendment_out(amendment_id)


@router.post(
    "/agreement-amendments/{amendment_id}/withdraw",
    response={200: AmendmentOut, WRITE_ERRORS: ErrorOut},
    url_name="agreement_amendment_withdraw",
)
def agreement_amendment_withdraw(request: HttpRequest, amendment_id: PathId) -> AgreementAmendment:
    """Take back your own amendment while it is still proposed. Its proposer alone."""
    user = caller(request)
    circle, amendment = _amendment(request, amendment_id)
    me = _me(user, circle)
    permission_require(amendment.proposed_by_id == me.pk, PROPOSER_ONLY)
    services.amendment_withdraw(amendment=amendment, member=me)
    return _amendment_out(amendment_id)
