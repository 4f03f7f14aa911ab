"""Proposing another circle's idea to one's own: on a program-wide challenge, an idea a circle
adopted (or tried and found to meet its measure) can be proposed to another circle with one click,
its current wording copied and its origin credited (`Idea.origin`).

The new idea is written as any idea of the target circle is (`idea_propose`): named, or, in an
anonymous circle, with no author and a capability for the proposer's browser."""

from __future__ import annotations

from django.db import transaction

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Idea, Stage, Trial
from roundtable.ideas.selectors.points_of_view import adoption_open
from roundtable.ideas.services.ideas import idea_propose
from roundtable.orgs.models import Member


def adoption_refusal(origin: Idea) -> str | None:
    """Why `origin` cannot be proposed to another circle, or None. An idea travels once its
    circle adopted it, or while it is on trial with an outcome that met its measure: what has
    only been proposed, or did not work, is not yet something to learn from."""
    if origin.withdrawn or origin.is_hidden:
        return "This idea was withdrawn or hidden; it cannot be proposed elsewhere."
    if origin.challenge.circle_id is not None:
        return "Only ideas for a challenge posed to the whole program travel between circles."
    trial = Trial.objects.filter(idea=origin).only("result").first()
    if adoption_open(stage=origin.stage, trial_result=trial.result if trial else None):
        return None
    if origin.stage == Stage.TRIAL:
        return "This idea is on trial: it can be proposed elsewhere once its trial met its measure."
    return (
        f"{origin.circle.name} has not adopted this idea (it is “{origin.get_stage_display()}”): "
        "only adopted ideas, or ideas whose trial met its measure, can be proposed elsewhere."
    )


@transaction.atomic
def idea_adopt_into(*, origin: Idea, circle: Circle, member: Member) -> tuple[Idea, str | None]:
    """Propose `origin` to `circle` (another circle of its program), worded as its current
    version and crediting it. Returns the new idea and, in an anonymous circle, the capability
    for the proposer's browser (else None). Refused, with nothing written, when the origin is
    not adopted, the circle is its own, or the idea was already proposed there."""
    origin = (
        Idea.objects.select_for_update().select_related("challenge", "circle").get(pk=origin.pk)
    )
    refusal = adoption_refusal(origin)
    if refusal:
        raise DomainError(refusal)
    if circle.pk == origin.circle_id:
        raise DomainError(f"This idea is already {circle.name}'s own.")
    if circle.program_id != origin.challenge.program_id:
        raise DomainError(f"{circle.name} is not a circle of this challenge's program.")
    if Idea.objects.filter(origin=origin, circle=circle, withdrawn=False).exists():
        raise DomainError(f"This idea was already proposed to {circle.name}.")
    current = origin.versions.get(number=origin.version)
    idea, capability = idea_propose(
        challenge=origin.challenge,
        circle=circle,
        member=member,
        summary=current.summary,
        how=current.how,
        effect=current.effect,
    )
    idea.origin = origin
    idea.save(update_fields=["origin"])
    return idea, capability
