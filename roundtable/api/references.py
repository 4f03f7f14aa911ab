"""Turn member ids sent by a client into members of the organisation the request is about."""

from __future__ import annotations

from collections.abc import Iterable

from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member, Organization
from roundtable.orgs.selectors import members_for_choice


def members_from_ids(*, organization: Organization, ids: Iterable[int], field: str) -> list[Member]:
    """Active members with these ids, in the order given (duplicates dropped), in one query.

    An id outside the organisation is reported like an unknown one, so it reveals nothing."""
    wanted = list(dict.fromkeys(ids))
    found = {m.pk: m for m in members_for_choice(organization=organization).filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise DomainError(
            f"{organization} has no active member with id {', '.join(missing)}.", field=field
        )
    return [found[pk] for pk in wanted]


def member_from_id(*, organization: Organization, pk: int, field: str) -> Member:
    return members_from_ids(organization=organization, ids=[pk], field=field)[0]
