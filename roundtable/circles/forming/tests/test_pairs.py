"""Pair rules (`forming.pairs`): one rule per pair, never managers together."""

from __future__ import annotations

import pytest

from roundtable.circles.forming import pairs
from roundtable.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_pair_rules_refuse_managers_together_and_duplicates(personas):
    lead, member = personas.members["lead"], personas.members["member"]
    pairs.pair_rule_add(program=personas.program, first=lead, second=member, kind="apart")
    with pytest.raises(DomainError, match="already have a rule"):
        pairs.pair_rule_add(program=personas.program, first=member, second=lead, kind="apart")
    coordinator = personas.members["coordinator"]
    member.manager = coordinator
    member.save()
    with pytest.raises(DomainError, match="manages the other"):
        pairs.pair_rule_add(
            program=personas.program, first=member, second=coordinator, kind="together"
        )
    with pytest.raises(DomainError, match="two different people"):
        pairs.pair_rule_add(program=personas.program, first=lead, second=lead, kind="apart")
    with pytest.raises(DomainError, match="is not in Acme"):
        pairs.pair_rule_add(
            program=personas.program,
            first=lead,
            second=personas.members["outsider"],
            kind="apart",
        )
    assert personas.program.pair_rules.count() == 1
