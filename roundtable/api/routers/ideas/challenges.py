"""/api challenges: a circle's and a program's, posed, rewritten, closed and reopened."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.routers.ideas.access import managed_challenge
from roundtable.api.routers.ideas.schemas import (
    ChallengeCloseIn,
    ChallengeIn,
    ChallengeListOut,
    ChallengeOut,
)
from roundtable.api.schemas import PathId
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.ideas.models import Challenge
from roundtable.ideas.selectors.ideas import (
    challenge_get_for_user,
    circle_challenges,
    program_challenges,
)
from roundtable.ideas.services import challenges as challenge_services
from roundtable.programs.selectors import program_get_for_user

router = Router(tags=["ideas"])


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
    challenge = managed_challenge(request, challenge_id)
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
    challenge = managed_challenge(request, challenge_id)
    return challenge_services.challenge_close(challenge=challenge, summary=payload.summary)


@router.post(
    "/challenges/{challenge_id}/reopen",
    response={200: ChallengeOut, WRITE_ERRORS: ErrorOut},
    url_name="challenge_reopen",
)
def challenge_reopen(request: HttpRequest, challenge_id: PathId) -> Challenge:
    challenge = managed_challenge(request, challenge_id)
    return challenge_services.challenge_reopen(challenge=challenge)
