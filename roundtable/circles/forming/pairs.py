"""Pair rules: two people a coordinator asks formation to keep apart or together in every
proposal of a program (managers and their reports are kept apart without a rule)."""

from __future__ import annotations

from django.db import transaction

from roundtable.circles.models import PairRule
from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member
from roundtable.programs.models import Program


@transaction.atomic
def pair_rule_add(
    *, program: Program, first: Member, second: Member, kind: str, note: str = ""
) -> PairRule:
    """One rule per pair; the pair is stored in id order, so a rule reads the same both ways."""
    if first.pk == second.pk:
        raise DomainError("Choose two different people.", field="second")
    for member in (first, second):
        if member.organization_id != program.organization_id:
            raise DomainError(f"{member} is not in {program.organization}.")
    a, b = sorted((first, second), key=lambda m: m.pk)
    existing = PairRule.objects.filter(program=program, first=a, second=b).first()
    if existing is not None:
        raise DomainError(
            f"{a} and {b} already have a rule: {existing.get_kind_display().lower()}."
        )
    if kind == PairRule.Kind.TOGETHER and (a.manager_id == b.pk or b.manager_id == a.pk):
        raise DomainError(
            f"One of {a} and {b} manages the other; managers and their reports are kept apart."
        )
    return PairRule.objects.create(program=program, first=a, second=b, kind=kind, note=note.strip())


def pair_rule_remove(*, rule: PairRule) -> None:
    rule.delete()
