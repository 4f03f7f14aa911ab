"""/api recognition: a circle's wall, crediting someone in the circle now for what they did (with
at most one item of the circle it is about), the recipient's choice to show it to their manager,
and what you received in all your circles. Whoever sees the circle reads its wall; 404 for
anyone else; 403 for what is not theirs to do; 400 for a rule (someone outside the circle, an
item that is not theirs), naming the field."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.routers.leadership.schemas import (
    RECIPIENT_ONLY,
    RECOGNISE_ONLY,
    MyRecognitionOut,
    RecognitionIn,
    RecognitionOut,
    RecognitionPatch,
    field_named,
)
from roundtable.api.schemas import PathId
from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError
from roundtable.leadership.models import Recognition
from roundtable.leadership.selectors.recognition import (
    recognition_get_for_user,
    recognitions_with_links,
)
from roundtable.leadership.services.recognition import (
    recognition_give,
    recognition_share_with_manager,
)

router = Router(tags=["leadership"])

# The body's item fields, in the service's terms ("idea:<id>", ...).
_ITEMS = (
    ("idea_id", "idea"),
    ("critique_id", "critique"),
    ("commitment_id", "commitment"),
    ("meeting_id", "meeting"),
)


def _my_ids(user: Any) -> list[int]:
    return [m.pk for m in permissions.memberships(user).values()]


def _with_mine(rows: QuerySet[Recognition], user: Any) -> QuerySet[Recognition]:
    """`is_mine`: the caller is the recipient (who alone reads `shared_with_manager`)."""
    return rows.annotate(
        is_mine=ExpressionWrapper(Q(recipient_id__in=_my_ids(user)), output_field=BooleanField())
    )


def _one(user: Any, pk: int) -> Recognition:
    return _with_mine(recognitions_with_links(), user).get(pk=pk)


@router.get(
    "/circles/{circle_id}/recognition",
    response={200: list[RecognitionOut], READ_ERRORS: ErrorOut},
    url_name="circle_recognition",
)
@paginate(Pagination)
def circle_recognition(request: HttpRequest, circle_id: PathId) -> QuerySet[Recognition]:
    """The circle's recognition wall, newest first. Whoever sees the circle."""
    user = caller(request)
    circle = circle_get_for_user(user=user, pk=circle_id)
    return _with_mine(recognitions_with_links().filter(circle=circle), user)


@router.post(
    "/circles/{circle_id}/recognition",
    response={201: RecognitionOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_recognition_create",
)
def circle_recognition_create(
    request: HttpRequest, circle_id: PathId, payload: RecognitionIn
) -> Status[Recognition]:
    """Credit someone who is in the circle now (not yourself) for what they did; they are
    told. Link at most one item of the circle, of the kind's sort and theirs: `idea_id` (an
    adopted idea they proposed), `commitment_id` (one they delivered), `meeting_id` (a
    meeting they ran) or `critique_id` (theirs, on an idea that was decided). The circle's
    members and lead, the program's coordinators and admins."""
    user = caller(request)
    circle: Circle = circle_get_for_user(user=user, pk=circle_id)
    permission_require(permissions.can_recognise_in(user, circle), RECOGNISE_ONLY)
    sent = [(name, prefix, getattr(payload, name)) for name, prefix in _ITEMS]
    sent = [(name, prefix, value) for name, prefix, value in sent if value is not None]
    if len(sent) > 1:
        raise DomainError(
            "Link at most one item: "
            + " or ".join(name for name, _prefix, _value in sent)
            + ", not both.",
            field=sent[1][0],
        )
    item_field = sent[0][0] if sent else "kind"
    item = f"{sent[0][1]}:{sent[0][2]}" if sent else ""
    with field_named("recipient_id", when=("recipient",)), field_named(item_field, when=("item",)):
        recognition = recognition_give(
            circle=circle,
            given_by=permissions.acting_member(user, circle.program.organization_id),
            recipient_id=payload.recipient_id,
            kind=payload.kind,
            message=payload.message,
            item=item,
        )
    return Status(201, _one(user, recognition.pk))


@router.patch(
    "/recognition/{recognition_id}",
    response={200: RecognitionOut, WRITE_ERRORS: ErrorOut},
    url_name="recognition_share",
)
def recognition_share(
    request: HttpRequest, recognition_id: PathId, payload: RecognitionPatch
) -> Recognition:
    """Show a recognition you received to your manager (on your page), or stop. Its recipient
    alone."""
    user = caller(request)
    recognition = recognition_get_for_user(
        user=user,
        pk=recognition_id,
        can=lambda u, r: (
            permissions.can_view_recognition(u, r) or permissions.can_share_recognition(u, r)
        ),
    )
    permission_require(permissions.can_share_recognition(user, recognition), RECIPIENT_ONLY)
    recognition_share_with_manager(
        recognition=recognition,
        member=permissions.acting_member(user, recognition.circle.program.organization_id),
        shared=payload.shared_with_manager,
    )
    return _one(user, recognition_id)


@router.get(
    "/me/recognition",
    response={200: list[MyRecognitionOut], READ_ERRORS: ErrorOut},
    url_name="my_recognition",
)
@paginate(Pagination)
def my_recognition(request: HttpRequest) -> QuerySet[Recognition]:
    """The recognition you received, in every circle, newest first; the item it is about shows
    while you still see its circle."""
    user = caller(request)
    in_view = Circle.objects.filter(permissions.circle_scope(user)).values("pk")
    return _with_mine(
        recognitions_with_links().filter(recipient_id__in=_my_ids(user)), user
    ).annotate(viewer_sees_circle=Exists(in_view.filter(pk=OuterRef("circle_id"))))
