"""/api ideas and critiques: proposing, revising, withdrawing, critiquing and replying,
endorsing, and the lead's hiding."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import uuid

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from roundtable.api.auth import caller
from roundtable.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from roundtable.api.pagination import Pagination
from roundtable.api.routers.ideas.access import (
    acting_me,
    authored_by_caller,
    critique_for,
    critique_fresh_out,
    edit_token_for,
    idea_for,
)
from roundtable.api.routers.ideas.schemas import (
    MODERATORS_ONLY,
    TAKE_PART_ONLY,
    CritiqueCreatedOut,
    CritiqueEditIn,
    CritiqueIn,
    CritiqueOut,
    EditTokenIn,
    EndorsementOut,
    HideIn,
    IdeaCreatedOut,
    IdeaIn,
    IdeaListOut,
    IdeaOut,
    IdeaReviseIn,
    IdeaVersionOut,
    idea_list_out,
    idea_out,
)
from roundtable.api.schemas import PathId
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Critique, IdeaVersion
from roundtable.ideas.selectors.ideas import (
    challenge_get_for_user,
    challenge_ideas,
    critique_get_for_user,
    idea_get_for_user,
    proposing_circles,
)
from roundtable.ideas.services import critiques as critique_services
from roundtable.ideas.services import ideas as idea_services

router = Router(tags=["ideas"])


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
    return [idea_list_out(idea) for idea in challenge_ideas(challenge=challenge, user=user)]


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
        201, IdeaCreatedOut(**idea_out(request, idea), edit_token=edit_token_for(idea, capability))
    )


@router.get(
    "/ideas/{idea_id}",
    response={200: IdeaOut, READ_ERRORS: ErrorOut},
    url_name="idea_detail",
)
def idea_detail(request: HttpRequest, idea_id: uuid.UUID) -> IdeaOut:
    """The idea, its versions and its critiques with their replies."""
    return IdeaOut(**idea_out(request, idea_for(request, idea_id)))


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
    idea = idea_for(
        request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY
    )
    me, capability = authored_by_caller(request, idea, payload.edit_token)
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
    idea = idea_for(
        request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY
    )
    me, capability = authored_by_caller(request, idea, payload.edit_token)
    idea_services.idea_withdraw(idea=idea, member=me, capability=capability)
    return IdeaOut(**idea_out(request, idea_for(request, idea_id)))


@router.post(
    "/ideas/{idea_id}/hide",
    response={200: IdeaOut, WRITE_ERRORS: ErrorOut},
    url_name="idea_hide",
)
def idea_hide(request: HttpRequest, idea_id: uuid.UUID, payload: HideIn) -> IdeaOut:
    """Hide an abusive idea with a reason (the lead, coordinators, admins): it shows as hidden."""
    idea = idea_for(request, idea_id, can=permissions.can_moderate_ideas, refusal=MODERATORS_ONLY)
    critique_services.contribution_hide(
        contribution=idea, by=acting_me(request, idea), reason=payload.reason
    )
    return IdeaOut(**idea_out(request, idea_for(request, idea_id)))


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
    idea = idea_for(
        request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY
    )
    parent = None
    if payload.parent_id is not None:
        try:
            parent = critique_get_for_user(user=caller(request), idea=idea, pk=payload.parent_id)
        except Http404 as exc:
            raise DomainError("This idea has no such critique.", field="parent_id") from exc
    critique, capability = critique_services.critique_add(
        idea=idea,
        member=acting_me(request, idea),
        parent=parent,
        stance=payload.stance or "",
        reasoning=payload.reasoning,
        evidence=payload.evidence,
    )
    out = critique_fresh_out(critique)
    return Status(
        201, CritiqueCreatedOut(**out.model_dump(), edit_token=edit_token_for(critique, capability))
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
    critique = critique_for(request, idea_id, critique_id)
    me, capability = authored_by_caller(request, critique, payload.edit_token)
    critique_services.critique_edit(
        critique=critique,
        member=me,
        capability=capability,
        reasoning=payload.reasoning,
        evidence=payload.evidence,
        stance=payload.stance,
    )
    return critique_fresh_out(critique)


@router.post(
    "/ideas/{idea_id}/critiques/{critique_id}/withdraw",
    response={200: CritiqueOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_withdraw",
)
def critique_withdraw(
    request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID, payload: EditTokenIn
) -> CritiqueOut:
    """Take your critique back: it shows as withdrawn by its author; replies stay."""
    critique = critique_for(request, idea_id, critique_id)
    me, capability = authored_by_caller(request, critique, payload.edit_token)
    critique_services.critique_withdraw(critique=critique, member=me, capability=capability)
    return critique_fresh_out(critique)


def _endorsement_out(request: HttpRequest, critique: Critique) -> EndorsementOut:
    me = acting_me(request, critique.idea)
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
    critique = critique_for(request, idea_id, critique_id)
    critique_services.critique_endorse(critique=critique, member=acting_me(request, critique.idea))
    return _endorsement_out(request, critique)


@router.delete(
    "/ideas/{idea_id}/critiques/{critique_id}/endorsement",
    response={200: EndorsementOut, WRITE_ERRORS: ErrorOut},
    url_name="critique_unendorse",
)
def critique_unendorse(
    request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID
) -> EndorsementOut:
    critique = critique_for(request, idea_id, critique_id)
    critique_services.critique_unendorse(
        critique=critique, member=acting_me(request, critique.idea)
    )
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
    idea = idea_for(request, idea_id, can=permissions.can_moderate_ideas, refusal=MODERATORS_ONLY)
    critique = critique_get_for_user(user=caller(request), idea=idea, pk=critique_id)
    critique.idea = idea
    critique_services.contribution_hide(
        contribution=critique, by=acting_me(request, idea), reason=payload.reason
    )
    return critique_fresh_out(critique)
