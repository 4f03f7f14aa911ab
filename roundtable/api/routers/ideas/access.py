"""How the ideas endpoints fetch with access (404 unseen, 403 seen but not allowed) and read an
anonymous author's edit_token: the signed capability of `core.anonymity`."""

# No `from __future__ import annotations` here: ninja reads parameter types at run time.
import uuid
from typing import Any

from django.http import Http404, HttpRequest

from roundtable.api.auth import caller
from roundtable.api.routers.ideas.schemas import (
    CHALLENGE_MANAGERS_ONLY,
    NOT_YOURS,
    TAKE_PART_ONLY,
    CritiqueOut,
    critique_out,
)
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.anonymity import CapabilityRefused, capability_sign, capability_unsign
from roundtable.core.errors import PermissionDenied
from roundtable.ideas.models import Challenge, Critique, Idea
from roundtable.ideas.selectors.ideas import (
    challenge_get_for_user,
    contribution_is_mine,
    critique_get_for_user,
    idea_get_for_user,
)
from roundtable.orgs.models import Member

# --- fetching with access ---------------------------------------------------------------------


def managed_challenge(request: HttpRequest, challenge_id: int) -> Challenge:
    user = caller(request)
    challenge = challenge_get_for_user(user=user, pk=challenge_id)
    permission_require(permissions.can_manage_challenge(user, challenge), CHALLENGE_MANAGERS_ONLY)
    return challenge


def idea_for(
    request: HttpRequest, idea_id: uuid.UUID, *, can: Any = None, refusal: str = ""
) -> Idea:
    """An idea the caller sees (else 404) and, with `can`, may act on in its circle (else 403)."""
    user = caller(request)
    idea = idea_get_for_user(user=user, pk=idea_id)
    if can is not None:
        permission_require(can(user, idea.circle), refusal)
    return idea


def acting_me(request: HttpRequest, idea: Idea) -> Member:
    return permissions.acting_member(caller(request), idea.circle.program.organization_id)


def capability_from(contribution: Idea | Critique, edit_token: str | None) -> str | None:
    """The secret inside the caller's edit token, checked against this contribution: a token
    that expired, was altered or belongs to something else is refused (403), nothing changed."""
    if not contribution.anonymous or edit_token is None:
        return None
    try:
        return capability_unsign(edit_token, key=str(contribution.pk))
    except CapabilityRefused as exc:
        raise PermissionDenied(str(exc)) from exc


def authored_by_caller(
    request: HttpRequest, contribution: Idea | Critique, edit_token: str | None
) -> tuple[Member, str | None]:
    """The acting member and capability of the caller changing `contribution`: its named author,
    or whoever holds a valid edit token for an anonymous one (else 403)."""
    idea = contribution if isinstance(contribution, Idea) else contribution.idea
    me = acting_me(request, idea)
    capability = capability_from(contribution, edit_token)
    permission_require(contribution_is_mine(contribution, me=me, capability=capability), NOT_YOURS)
    return me, capability


def critique_for(request: HttpRequest, idea_id: uuid.UUID, critique_id: uuid.UUID) -> Critique:
    idea = idea_for(
        request, idea_id, can=permissions.can_take_part_in_ideas, refusal=TAKE_PART_ONLY
    )
    critique = critique_get_for_user(user=caller(request), idea=idea, pk=critique_id)
    critique.idea = idea
    return critique


def critique_fresh_out(critique: Critique) -> CritiqueOut:
    """A critique read again with its endorsement count, after a change."""
    found = (
        critique.idea.critiques.filter(pk=critique.pk)
        .select_related("author__user", "version")
        .first()
    )
    if found is None:  # a critique is never deleted, only withdrawn or hidden
        raise Http404("No such critique.")
    found.endorsement_count = found.endorsements.count()  # type: ignore[attr-defined]
    return critique_out(found)


def edit_token_for(contribution: Idea | Critique, capability: str | None) -> str | None:
    """The edit token handed out once: the capability signed now, as the pages' cookie holds it."""
    return capability_sign(key=str(contribution.pk), token=capability) if capability else None
