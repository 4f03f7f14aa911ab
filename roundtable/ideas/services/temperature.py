"""The temperature check: each member's agree, unsure or disagree on an idea, with an optional
reason, changeable while the idea is proposed or under discussion (every earlier reading is kept
as a TemperatureVoteChange); and the lead's choice to show the results or keep them hidden, so
that early votes do not anchor the rest."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.ideas.models import Idea, Temperature, TemperatureVote, TemperatureVoteChange
from roundtable.ideas.services.decisions import text_field
from roundtable.ideas.stages import voting_open
from roundtable.orgs.models import Member

REASON_MAX_CHARS = 300


@transaction.atomic
def vote_set(
    *, idea: Idea, member: Member, value: str, reason: str = "", now: dt.datetime | None = None
) -> TemperatureVote:
    """Give or change `member`'s vote. A change keeps the earlier reading, with the moment it
    stopped being theirs; giving the same vote and reason again changes nothing."""
    now = now or timezone.now()
    if value not in Temperature.values:
        raise DomainError("Choose agree, unsure or disagree.", field="value")
    reason = text_field(reason, field="reason", blank="", limit=REASON_MAX_CHARS, required=False)
    # The idea's row, locked: a decision recorded at this moment waits, or this vote does.
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if not voting_open(idea):
        raise DomainError(
            f"Voting on this idea closed when it moved to “{idea.get_stage_display()}”."
            if not idea.withdrawn
            else "This idea was withdrawn: it takes no votes."
        )
    if not idea.circle.memberships.filter(member=member, left_on__isnull=True).exists():
        raise DomainError("Only the circle's members vote on its ideas.")
    vote = TemperatureVote.objects.filter(idea=idea, member=member).first()
    if vote is None:
        return TemperatureVote.objects.create(idea=idea, member=member, value=value, reason=reason)
    if (vote.value, vote.reason) == (value, reason):
        return vote
    TemperatureVoteChange.objects.create(
        vote=vote, value=vote.value, reason=vote.reason, changed_at=now
    )
    vote.value, vote.reason = value, reason
    vote.save(update_fields=["value", "reason", "updated_at"])
    return vote


def _results_set(*, idea: Idea, revealed: bool) -> Idea:
    Idea.objects.filter(pk=idea.pk).update(results_revealed=revealed)
    idea.results_revealed = revealed
    return idea


def votes_reveal(*, idea: Idea) -> Idea:
    """Show the temperature results to everyone who sees the idea."""
    return _results_set(idea=idea, revealed=True)


def votes_hide(*, idea: Idea) -> Idea:
    """Hide the results again: members see only their own vote and how many have voted."""
    return _results_set(idea=idea, revealed=False)
