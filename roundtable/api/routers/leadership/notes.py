"""/api a lead's own private notes: reflections, the note on each peer and support plans. They
are their author's alone: every read starts from author = the caller (never fetched, then
checked), so another person's token, an admin's included, can never reach them, and finds a
404. Writing is for the circle's current lead; a lead who stopped leading reads what they wrote
(403 on a change: read only), and the next lead starts with empty notes, never theirs."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
from typing import Any, TypeVar

from django.db.models import F, Model, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id
from roundtable.api.routers.leadership.schemas import (
    READ_ONLY,
    PeerNoteIn,
    PeerNoteOut,
    ReflectionIn,
    ReflectionOut,
    SupportPlanIn,
    SupportPlanOut,
    SupportPlanPatch,
    field_named,
)
from roundtable.api.schemas import PathId
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404, permission_require
from roundtable.core.errors import DomainError
from roundtable.leadership.models import PeerNote, Reflection, SupportPlan
from roundtable.leadership.selectors.peers import peer_get
from roundtable.leadership.selectors.toolkit import toolkit_author, toolkit_circle_get
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.leadership.services.reflections import reflection_write
from roundtable.leadership.services.support_plans import (
    support_plan_change,
    support_plan_close,
    support_plan_create,
)
from roundtable.orgs.models import Member

router = Router(tags=["leadership"])

M = TypeVar("M", bound=Model)
NOTE_FIELDS = ("goals", "needs", "load", "support")


def _mine(model: type[M], user: Any) -> QuerySet[M]:
    """The rows of a private model written by the caller (any of their memberships): the only
    way this router reads reflections, peer notes and support plans."""
    ids = [m.pk for m in permissions.memberships(user).values()]
    return model.objects.filter(author_id__in=ids)  # type: ignore[attr-defined]


# --- reflections ------------------------------------------------------------------------------


def _reflections(user: Any) -> QuerySet[Reflection]:
    return _mine(Reflection, user).select_related("circle").order_by("-written_on", "-id")


@router.get(
    "/me/lead/reflections",
    response={200: list[ReflectionOut], READ_ERRORS: ErrorOut},
    url_name="my_reflections",
)
@paginate(Pagination)
def my_reflections(request: HttpRequest) -> QuerySet[Reflection]:
    """Your reflections on leading, in every circle you lead or led, newest first; `editable`
    while you still lead the circle. Yours alone."""
    return _reflections(caller(request))


@router.post(
    "/circles/{circle_id}/lead/reflections",
    response={201: ReflectionOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_reflection_create",
)
def circle_reflection_create(
    request: HttpRequest, circle_id: PathId, payload: ReflectionIn
) -> Status[Reflection]:
    """A new dated reflection on leading the circle (earlier ones stay, to compare): the
    leader you want to be, your goals, the outcomes you want; at least one. It counts as
    revisiting them. The circle's current lead; nobody else can read it."""
    user = caller(request)
    circle = toolkit_circle_get(user=user, pk=circle_id)
    reflection = reflection_write(
        circle=circle, author=toolkit_author(user=user, circle=circle), **payload.model_dump()
    )
    return Status(201, _reflections(user).get(pk=reflection.pk))


# --- the note on a peer -----------------------------------------------------------------------


def _own_note(user: Any, circle_id: int, member_id: int) -> PeerNote | None:
    return (
        _mine(PeerNote, user)
        .filter(circle_id=circle_id, peer_id=member_id)
        .select_related("circle__program", "peer__user")
        .first()
    )


def _note_out(note: PeerNote | None, *, circle_id: int, peer: Member, editable: bool) -> Any:
    texts = {name: getattr(note, name) if note else "" for name in NOTE_FIELDS}
    return {
        "circle_id": circle_id,
        "peer": peer,
        **texts,
        "updated_at": note.updated_at if note else None,
        "editable": editable,
    }


@router.get(
    "/circles/{circle_id}/lead/peers/{member_id}/note",
    response={200: PeerNoteOut, READ_ERRORS: ErrorOut},
    url_name="circle_peer_note",
)
def circle_peer_note(request: HttpRequest, circle_id: PathId, member_id: PathId) -> Any:
    """Your own note on someone in the circle: their goals, needs, load and how they like to
    be supported. Empty until you write it (a new lead never sees their predecessor's). The
    circle's current lead; a former lead reads the note they wrote, read only."""
    user = caller(request)
    note = _own_note(user, circle_id, member_id)
    if note is not None:
        return _note_out(
            note,
            circle_id=circle_id,
            peer=note.peer,
            editable=permissions.can_change_private_note(user, note),
        )
    circle = toolkit_circle_get(user=user, pk=circle_id)
    return _note_out(
        None, circle_id=circle.pk, peer=peer_get(circle=circle, member_pk=member_id), editable=True
    )


@router.put(
    "/circles/{circle_id}/lead/peers/{member_id}/note",
    response={200: PeerNoteOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_peer_note_save",
)
def circle_peer_note_save(
    request: HttpRequest, circle_id: PathId, member_id: PathId, payload: PeerNoteIn
) -> Any:
    """Write or rewrite your note on someone in the circle now (the whole note: a field left
    out is emptied). The circle's current lead; nobody else can read it."""
    user = caller(request)
    note = _own_note(user, circle_id, member_id)
    if note is not None:
        permission_require(permissions.can_change_private_note(user, note), READ_ONLY)
    circle = toolkit_circle_get(user=user, pk=circle_id)
    peer = note.peer if note is not None else peer_get(circle=circle, member_pk=member_id)
    with field_named("member_id", when=("peer",)):
        peer_note_save(
            circle=circle,
            author=toolkit_author(user=user, circle=circle),
            peer=peer,
            **payload.model_dump(),
        )
    saved = _own_note(user, circle_id, member_id)
    return _note_out(saved, circle_id=circle.pk, peer=peer, editable=True)


# --- support plans ----------------------------------------------------------------------------


def _plans(user: Any) -> QuerySet[SupportPlan]:
    return _mine(SupportPlan, user).select_related("circle__program", "peer__user")


@router.get(
    "/me/lead/support-plans",
    response={200: list[SupportPlanOut], READ_ERRORS: ErrorOut},
    url_name="my_support_plans",
)
@paginate(Pagination)
def my_support_plans(request: HttpRequest) -> QuerySet[SupportPlan]:
    """Your support plans, in every circle you lead or led: open ones first, by review date,
    then closed ones. Yours alone."""
    return _plans(caller(request)).order_by(F("closed_on").asc(nulls_first=True), "review_on", "id")


@router.post(
    "/circles/{circle_id}/lead/support-plans",
    response={201: SupportPlanOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_support_plan_create",
)
def circle_support_plan_create(
    request: HttpRequest, circle_id: PathId, payload: SupportPlanIn
) -> Status[SupportPlan]:
    """How you mean to support someone in the circle now: an approach, a next step and a day
    to look again (today or later); you alone are reminded then, and the reminder names
    nobody. The circle's current lead; nobody else can read it."""
    user = caller(request)
    circle = toolkit_circle_get(user=user, pk=circle_id)
    peer = member_from_id(
        organization=circle.program.organization, pk=payload.peer_id, field="peer_id"
    )
    with field_named("peer_id", when=("peer",)):
        plan = support_plan_create(
            circle=circle,
            author=toolkit_author(user=user, circle=circle),
            peer=peer,
            approach=str(payload.approach),
            next_step=payload.next_step,
            review_on=payload.review_on,
        )
    return Status(201, _plans(user).get(pk=plan.pk))


@router.patch(
    "/lead/support-plans/{plan_id}",
    response={200: SupportPlanOut, WRITE_ERRORS: ErrorOut},
    url_name="support_plan_change",
)
def support_plan_patch(
    request: HttpRequest, plan_id: PathId, payload: SupportPlanPatch
) -> SupportPlan:
    """Adjust your open plan (a new review date brings a new reminder), or close it with
    `closed: true` (it stays on record). Its author, while they lead the circle; afterwards
    read only (403)."""
    user = caller(request)
    plan = object_get_or_404(
        _plans(user),
        pk=plan_id,
        can=lambda p: permissions.can_read_private_note(user, p),
        message="No such support plan.",
    )
    permission_require(permissions.can_change_private_note(user, plan), READ_ONLY)
    author = permissions.acting_member(user, plan.circle.program.organization_id)
    changes = payload.model_dump(exclude_unset=True)
    closed = changes.pop("closed", None)
    if closed is False and plan.closed_on is not None:
        raise DomainError(
            "A closed support plan stays closed: start a new one instead.", field="closed"
        )
    if changes:
        support_plan_change(
            plan=plan,
            author=author,
            approach=str(changes.get("approach", plan.approach)),
            next_step=changes.get("next_step", plan.next_step),
            review_on=changes.get("review_on", plan.review_on),
        )
    if closed:
        support_plan_close(plan=plan, author=author)
    return _plans(user).get(pk=plan_id)
