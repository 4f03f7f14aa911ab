"""The log of an organisation's erasures, newest first, for its admins."""

from __future__ import annotations

from dataclasses import dataclass

from roundtable.orgs.models import MemberErasure, Organization


@dataclass(frozen=True)
class ErasureEntry:
    erasure: MemberErasure
    touched: int  # rows removed or anonymised, in all
    details: list[tuple[str, int]]  # what, how many (the rules that touched something)


def organization_erasures(*, organization: Organization) -> list[ErasureEntry]:
    """One query, whatever the number of erasures."""
    erasures = MemberErasure.objects.filter(organization=organization).select_related(
        "erased_by__user"
    )
    return [
        ErasureEntry(
            erasure=erasure,
            touched=sum(erasure.counts.values()),
            details=[(what, n) for what, n in erasure.counts.items() if n],
        )
        for erasure in erasures
    ]
