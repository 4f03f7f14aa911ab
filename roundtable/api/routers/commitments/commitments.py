"""/api commitments: mine, a circle's board, taking one on or asking for one, one commitment with
its date changes and timeline, the owner's answers and changes, the asker's, and what it waits
on. 404 for what the caller may not see; 403 for an action that is not theirs (only the owner
dates, moves, completes or drops; only the asker accepts or replies); 400 for a rule (a date
already past, a step the status does not allow), naming the field."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.references import member_from_id
from roundtable.api.routers.commitments.schemas import (
    ASKER_ONLY,
    ASKERS_ONLY,
    LINKERS_ONLY,
    OWNER_ONLY,
    TAKERS_ONLY,
    BoardCommitmentOut,
    CommitmentDetailOut,
    CommitmentIn,
    CounterIn,
    DoneIn,
    DueIn,
    MoveIn,
    MyCommitmentOut,
    ReasonIn,
    ReplyIn,
    commitment_detail_out,
    commitment_fields,
)
from roundtable.api.schemas import PathId
from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.commitments.models import Commitment
from roundtable.commitments.selectors.commitments import (
    BOARD_COLUMNS,
    circle_board,
    circle_trials,
    commitment_get_for_user,
    commitment_in_circle_get,
    commitment_page,
    my_commitments,
)
from roundtable.commitments.selectors.escalations import escalation_panel
from roundtable.commitments.services import commitments as services
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

router = Router(tags=["commitments"])


@contextmanager
def fields_as_sent(**names: str) -> Iterator[None]:
    """A service's error about one of its own fields, reported against the name the client sent
    (`on` → `other_id`, `done_link` → `link`)."""
    try:
        yield
    except DomainError as exc:
        if exc.field in names:
            exc.field = names[exc.field]
        raise


# --- lists ------------------------------------------------------------------------------------


@router.get(
    "/commitments",
    response={200: list[MyCommitmentOut], READ_ERRORS: ErrorOut},
    url_name="my_commitments",
)
@paginate(Pagination)
def my_commitment_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Yours, as your commitments page lists them: requests waiting for your date first, then
    your open ones (overdue first, then by date), your counter-proposals, what closed in the
    last 30 days; then what you asked of others (answers needing you first). `section` says
    which. Times: `due_at` is an instant; `due_time_zone` is the owner's zone it was chosen in."""
    members = sorted(permissions.memberships(caller(request)).values(), key=lambda m: m.pk)
    mine = my_commitments(members=members)
    sections = (
        ("to_answer", mine.to_answer),
        ("open", mine.open),
        ("proposed", mine.proposed),
        ("closed", mine.closed),
        ("asked_of_others", mine.asked_of_others),
    )
    return [commitment_fields(c) | {"section": name} for name, items in sections for c in items]


@router.get(
    "/circles/{circle_id}/commitments",
    response={200: list[BoardCommitmentOut], READ_ERRORS: ErrorOut},
    url_name="circle_commitments",
)
@paginate(Pagination)
def circle_commitment_list(request: HttpRequest, circle_id: PathId) -> list[dict[str, Any]]:
    """The circle's board: its commitments by owner (by name), each owner's by date, with the
    board's `column`. Its members and lead; the program's coordinators, admins and sponsor read."""
    circle = circle_get_for_user(
        user=caller(request), pk=circle_id, can=permissions.can_view_commitments_board
    )
    board = circle_board(circle=circle)
    return [
        commitment_fields(c) | {"column": key}
        for row in board.rows
        for key, *_ in BOARD_COLUMNS
        for c in row.columns[key]
    ]


# --- one commitment ---------------------------------------------------------------------------


def _detail(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    user = caller(request)
    commitment = commitment_get_for_user(user=user, pk=commitment_id)
    panel = escalation_panel(commitment=commitment, user=user)
    return commitment_detail_out(commitment_page(commitment=commitment), panel["escalations"])


def _origin(circle: Circle, payload: CommitmentIn) -> dict[str, Any]:
    meeting = trial = None
    if payload.meeting_id is not None:
        meeting = Meeting.objects.filter(pk=payload.meeting_id, circle=circle).first()
        if meeting is None:
            raise DomainError("That meeting is not one of this circle's.", field="meeting_id")
    if payload.trial_id is not None:
        trial = next((t for t in circle_trials(circle=circle) if t.pk == payload.trial_id), None)
        if trial is None:
            raise DomainError(
                "That is not one of this circle's trials still running.", field="trial_id"
            )
    return {"meeting": meeting, "trial": trial}


@router.post(
    "/circles/{circle_id}/commitments",
    response={201: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="circle_commitment_create",
)
def circle_commitment_create(
    request: HttpRequest, circle_id: PathId, payload: CommitmentIn
) -> Status[dict[str, Any]]:
    """Take it on yourself with your date (`due_on`, and `due_time` on your clock; leave
    `owner_id` out): the circle's members and its lead. Or ask someone of the circle
    (`owner_id`, no date: they choose it): its members, its lead, coordinators and admins."""
    user = caller(request)
    circle = circle_get_for_user(
        user=user, pk=circle_id, can=permissions.can_view_commitments_board
    )
    me = permissions.acting_member(user, circle.program.organization_id)
    texts: dict[str, Any] = {"title": payload.title, "details": payload.details}
    with fields_as_sent(trial="trial_id", meeting="meeting_id"):
        if payload.owner_id is None or payload.owner_id == me.pk:
            permission_require(permissions.can_take_on_commitment(user, circle), TAKERS_ONLY)
            if payload.due_on is None:
                raise DomainError("Choose the date you will have it done by.", field="due_on")
            commitment = services.commitment_take_on(
                circle=circle, owner=me, due_on=payload.due_on, due_time=payload.due_time,
                **texts, **_origin(circle, payload),
            )  # fmt: skip
        else:
            permission_require(permissions.can_ask_for_commitment(user, circle), ASKERS_ONLY)
            if payload.due_on is not None or payload.due_time is not None:
                raise DomainError(
                    "The person you ask chooses their own date: leave due_on and due_time out.",
                    field="due_on",
                )
            owner = member_from_id(
                organization=circle.program.organization, pk=payload.owner_id, field="owner_id"
            )
            commitment = services.commitment_ask(
                circle=circle, asked_by=me, owner=owner, **texts, **_origin(circle, payload)
            )
    return Status(201, _detail(request, commitment.pk))


@router.get(
    "/commitments/{commitment_id}",
    response={200: CommitmentDetailOut, READ_ERRORS: ErrorOut},
    url_name="commitment_detail",
)
def commitment_detail(request: HttpRequest, commitment_id: PathId) -> dict[str, Any]:
    """The commitment with every change of its date (and why), its timeline, what it waits on
    and what waits on it, and its escalations you may see. Its owner (even after leaving the
    circle), and whoever sees the circle's board."""
    return _detail(request, commitment_id)


# --- the owner's and the asker's steps --------------------------------------------------------


def _acting(
    request: HttpRequest,
    commitment_id: int,
    allowed: Callable[[Commitment, Member], bool],
    refusal: str,
) -> tuple[Commitment, Member]:
    user = caller(request)
    commitment = commitment_get_for_user(user=user, pk=commitment_id)
    me = permissions.acting_member(user, commitment.circle.program.organization_id)
    permission_require(allowed(commitment, me), refusal)
    return commitment, me


def _owner(c: Commitment, me: Member) -> bool:
    return c.owner_id == me.pk


def _asker(c: Commitment, me: Member) -> bool:
    return c.asked_by_id is not None and c.asked_by_id == me.pk


def _owner_step(request: HttpRequest, commitment_id: int) -> tuple[Commitment, Member]:
    return _acting(request, commitment_id, _owner, OWNER_ONLY)


def _asker_step(request: HttpRequest, commitment_id: int) -> tuple[Commitment, Member]:
    return _acting(request, commitment_id, _asker, ASKER_ONLY)


@router.post(
    "/commitments/{commitment_id}/answer",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_answer",
)
def commitment_answer(
    request: HttpRequest, commitment_id: PathId, payload: DueIn
) -> dict[str, Any]:
    """The owner says when they will have it done (a day and a time on their own clock): the
    request becomes open."""
    commitment, me = _owner_step(request, commitment_id)
    services.commitment_answer(commitment=commitment, member=me, **payload.model_dump())
    return _detail(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/decline",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_decline",
)
def commitment_decline(
    request: HttpRequest, commitment_id: PathId, payload: ReasonIn
) -> dict[str, Any]:
    """The owner says no to a request, and why; the asker may reply."""
    commitment, me = _owner_step(request, commitment_id)
    services.commitment_decline(commitment=commitment, member=me, reason=payload.reason)
    return _detail(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/counter",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_counter",
)
def commitment_counter(
    request: HttpRequest, commitment_id: PathId, payload: CounterIn
) -> dict[str, Any]:
    """The owner proposes something different (and the date they would have that done by, on
    their clock, if they can say yet); the asker accepts or replies."""
    commitment, me = _owner_step(request, commitment_id)
    services.commitment_counter(commitment=commitment, member=me, **payload.model_dump())
    return _detail(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/accept",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_accept",
)
def commitment_accept(request: HttpRequest, commitment_id: PathId) -> dict[str, Any]:
    """The asker accepts the owner's counter-proposal: open at once with the owner's date (if it
    is still to come), else back to the owner for a date."""
    commitment, me = _asker_step(request, commitment_id)
    services.commitment_accept(commitment=commitment, member=me)
    return _detail(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/reply",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_reply",
)
def commitment_reply(
    request: HttpRequest, commitment_id: PathId, payload: ReplyIn
) -> dict[str, Any]:
    """The asker answers a refusal or a counter-proposal: the request goes back to the owner,
    without a date."""
    commitment, me = _asker_step(request, commitment_id)
    services.commitment_reply(commitment=commitment, member=me, text=payload.text)
    return _detail(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/move",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_move",
)
def commitment_move(request: HttpRequest, commitment_id: PathId, payload: MoveIn) -> dict[str, Any]:
    """The owner moves the date of an open commitment (a day and a time on their own clock),
    with a reason; the change is kept and those waiting on it are told."""
    commitment, me = _owner_step(request, commitment_id)
    services.commitment_move(commitment=commitment, member=me, **payload.model_dump())
    return _detail(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/done",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_done",
)
def commitment_done(request: HttpRequest, commitment_id: PathId, payload: DoneIn) -> dict[str, Any]:
    """The owner marks it done, with an optional note and link; those waiting are told."""
    commitment, me = _owner_step(request, commitment_id)
    with fields_as_sent(done_link="link", done_note="note"):
        services.commitment_done(
            commitment=commitment, member=me, note=payload.note, link=payload.link or ""
        )
    return _detail(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/drop",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_drop",
)
def commitment_drop(
    request: HttpRequest, commitment_id: PathId, payload: ReasonIn
) -> dict[str, Any]:
    """The owner drops an open commitment, saying why; those waiting are told."""
    commitment, me = _owner_step(request, commitment_id)
    services.commitment_drop(commitment=commitment, member=me, reason=payload.reason)
    return _detail(request, commitment_id)


# --- what it waits on -------------------------------------------------------------------------


def _linking(
    request: HttpRequest, commitment_id: int, other_id: int
) -> tuple[Commitment, Commitment, Member]:
    user = caller(request)
    commitment = commitment_get_for_user(user=user, pk=commitment_id)
    permission_require(permissions.can_link_commitments(user, commitment), LINKERS_ONLY)
    me = permissions.acting_member(user, commitment.circle.program.organization_id)
    other = commitment_in_circle_get(circle=commitment.circle, pk=other_id)
    return commitment, other, me


@router.put(
    "/commitments/{commitment_id}/waits-on/{other_id}",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_wait_on",
)
def commitment_wait_on(
    request: HttpRequest, commitment_id: PathId, other_id: PathId
) -> dict[str, Any]:
    """It cannot be done before the other commitment of the same circle is (no cycles, nothing
    declined or dropped): its owner, the circle's lead, coordinators and admins."""
    commitment, other, me = _linking(request, commitment_id, other_id)
    with fields_as_sent(on="other_id"):
        services.commitment_wait_on(commitment=commitment, on=other, member=me)
    return _detail(request, commitment_id)


@router.delete(
    "/commitments/{commitment_id}/waits-on/{other_id}",
    response={200: CommitmentDetailOut, WRITE_ERRORS: ErrorOut},
    url_name="commitment_stop_waiting",
)
def commitment_stop_waiting(
    request: HttpRequest, commitment_id: PathId, other_id: PathId
) -> dict[str, Any]:
    """It no longer waits on the other commitment."""
    commitment, other, me = _linking(request, commitment_id, other_id)
    with fields_as_sent(on="other_id"):
        services.commitment_stop_waiting(commitment=commitment, on=other, member=me)
    return _detail(request, commitment_id)
