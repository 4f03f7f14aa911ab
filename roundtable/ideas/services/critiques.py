"""Critiques: reasoned arguments about an idea (a stance, the reasoning, optional evidence), one
level of replies, endorsements, the author's edits and withdrawal, and the lead's hiding of an
abusive idea or critique with a reason (it then shows as hidden, with the reason).

Anonymous as ideas are (see `services/ideas.py`): the circle's setting at the moment of writing
decides, and an anonymous critique keeps no author, only its day and the hash of a capability."""

from __future__ import annotations

from django.db import transaction

from roundtable.core.anonymity import capability_matches, capability_new
from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.ideas.models import Challenge, Critique, CritiqueEndorsement, Idea
from roundtable.ideas.services import notify
from roundtable.ideas.services._common import (
    clean,
    require_author,
    require_takes_part,
    today_utc,
)
from roundtable.ideas.services.ideas import circle_writes_anonymously
from roundtable.ideas.services.reasoning import reasoning_check
from roundtable.orgs.models import Member

HIDE_REASON_MIN_CHARS = 10


def _argument(*, reasoning: str, evidence: str) -> dict[str, str]:
    reasoning = clean(reasoning, field="reasoning", label="The reasoning", limit=5000)
    reasoning_check(reasoning)
    evidence = clean(evidence, field="evidence", label="The evidence", required=False, limit=2000)
    return {"reasoning": reasoning, "evidence": evidence}


def _require_open(idea: Idea) -> None:
    if idea.is_hidden or idea.withdrawn:
        raise DomainError("This idea was withdrawn or hidden; it takes no new critiques.")
    if idea.challenge.status != Challenge.Status.OPEN:
        raise DomainError("This challenge is closed; its ideas take no new critiques.")


@transaction.atomic
def critique_add(
    *,
    idea: Idea,
    member: Member,
    reasoning: str,
    stance: str = "",
    evidence: str = "",
    parent: Critique | None = None,
) -> tuple[Critique, str | None]:
    """A critique of the idea's current version, or a reply to a critique (`parent`; replies
    go one level deep and take no stance). Returns it and, when anonymous, the capability for
    the author's browser (else None)."""
    # Read the idea afresh (and lock it): it may have been withdrawn, hidden or revised since.
    idea = Idea.objects.select_for_update().select_related("challenge", "circle").get(pk=idea.pk)
    _require_open(idea)
    require_takes_part(idea.circle, member)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise DomainError("That critique belongs to another idea.")
        if parent.parent_id is not None:
            raise DomainError("Replies go one level deep: reply to the critique itself.")
        if parent.is_hidden or parent.withdrawn:
            raise DomainError("That critique was withdrawn or hidden; it takes no replies.")
        stance = ""
    elif stance not in Critique.Stance.values:
        raise DomainError(
            "Choose a stance: strength, concern, question or alternative.", field="stance"
        )
    critique = Critique(
        idea=idea,
        version=idea.versions.get(number=idea.version),
        parent=parent,
        stance=stance,
        created_on=today_utc(),
        **_argument(reasoning=reasoning, evidence=evidence),
    )
    capability: str | None = None
    if circle_writes_anonymously(idea.circle):
        capability, critique.edit_key_hash = capability_new()
        critique.anonymous = True
    else:
        critique.author = member
    full_clean_or_raise(critique)
    critique.save()
    notify.idea_critiqued(critique=critique)
    return critique, capability


@transaction.atomic
def critique_edit(
    *,
    critique: Critique,
    member: Member,
    capability: str | None = None,
    reasoning: str,
    evidence: str = "",
    stance: str | None = None,
) -> Critique:
    """The author rewrites their critique; it now answers the idea's current version."""
    critique = Critique.objects.select_for_update().select_related("idea").get(pk=critique.pk)
    require_author(critique, member=member, capability=capability)
    if critique.parent_id is None and stance is not None:
        if stance not in Critique.Stance.values:
            raise DomainError(
                "Choose a stance: strength, concern, question or alternative.", field="stance"
            )
        critique.stance = stance
    for name, value in _argument(reasoning=reasoning, evidence=evidence).items():
        setattr(critique, name, value)
    critique.version = critique.idea.versions.get(number=critique.idea.version)
    full_clean_or_raise(critique)
    critique.save()
    return critique


@transaction.atomic
def critique_withdraw(
    *, critique: Critique, member: Member, capability: str | None = None
) -> Critique:
    """The author takes the critique back: it shows as withdrawn by its author; replies stay."""
    critique = Critique.objects.select_for_update().get(pk=critique.pk)
    require_author(critique, member=member, capability=capability)
    critique.withdrawn = True
    critique.save(update_fields=["withdrawn"])
    return critique


# --- endorsements -----------------------------------------------------------------------------


@transaction.atomic
def critique_endorse(
    *, critique: Critique, member: Member, capability: str | None = None
) -> CritiqueEndorsement:
    """A member of the circle finds the argument convincing. Not one's own: a named critique's
    author, or the browser holding an anonymous critique's capability, is refused."""
    if critique.parent_id is not None:
        raise DomainError("Endorse a critique itself; replies are not endorsed.")
    if critique.is_hidden or critique.withdrawn:
        raise DomainError("That critique was withdrawn or hidden.")
    require_takes_part(critique.idea.circle, member)
    if critique.author_id == member.pk or (
        critique.anonymous and capability_matches(capability, critique.edit_key_hash)
    ):
        raise DomainError("That argument is yours; endorsements come from the others.")
    endorsement, created = CritiqueEndorsement.objects.get_or_create(
        critique=critique, member=member
    )
    if not created:
        raise DomainError("You already endorse this argument.")
    return endorsement


@transaction.atomic
def critique_unendorse(*, critique: Critique, member: Member) -> None:
    deleted, _ = CritiqueEndorsement.objects.filter(critique=critique, member=member).delete()
    if not deleted:
        raise DomainError("You do not endorse this argument.")


# --- the lead's moderation ----------------------------------------------------------------------


@transaction.atomic
def contribution_hide(*, contribution: Idea | Critique, by: Member, reason: str) -> Idea | Critique:
    """Hide an abusive idea or critique. It never vanishes: it shows as hidden by the lead with
    the reason, which is required. Whoever may hide is the policy's `can_moderate_ideas`."""
    reason = clean(reason, field="reason", label="The reason", limit=300)
    if len(reason) < HIDE_REASON_MIN_CHARS:
        raise DomainError(
            "Say why it is hidden, in a few words the circle will read next to it "
            "(e.g. “A personal remark about a colleague”).",
            field="reason",
        )
    model = type(contribution)
    contribution = model.objects.select_for_update().get(pk=contribution.pk)
    if contribution.is_hidden:
        raise DomainError("This is already hidden.")
    contribution.hidden_reason = reason
    contribution.hidden_by = by
    contribution.hidden_on = today_utc()
    contribution.save(update_fields=["hidden_reason", "hidden_by", "hidden_on"])
    notify.contribution_hidden(contribution=contribution)
    return contribution
