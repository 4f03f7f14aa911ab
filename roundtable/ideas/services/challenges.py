"""Challenges: a common problem posed to one circle, or to every circle of a program. Who may
pose, change, close and reopen one is the policy's `can_pose_*_challenge`; views ask it."""

from __future__ import annotations

from django.db import transaction

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.ideas.models import Challenge
from roundtable.ideas.services._common import clean, today_utc
from roundtable.orgs.models import Member
from roundtable.programs.models import Program


def _texts(*, title: str, description: str, context: str) -> dict[str, str]:
    return {
        "title": clean(title, field="title", label="The title", limit=200),
        "description": clean(description, field="description", label="The description", limit=5000),
        "context": clean(context, field="context", label="The context", required=False, limit=5000),
    }


@transaction.atomic
def challenge_create(
    *,
    program: Program,
    circle: Circle | None = None,
    posed_by: Member,
    title: str,
    description: str,
    context: str = "",
) -> Challenge:
    """Pose a challenge to `circle`, or to every circle of `program` when `circle` is None."""
    if circle is not None and circle.program_id != program.pk:
        raise DomainError(f"{circle} is not a circle of {program}.")
    if posed_by.organization_id != program.organization_id:
        raise DomainError(f"{posed_by} is not in {program.organization}.")
    challenge = Challenge(
        program=program,
        circle=circle,
        posed_by=posed_by,
        **_texts(title=title, description=description, context=context),
    )
    full_clean_or_raise(challenge)
    challenge.save()
    return challenge


@transaction.atomic
def challenge_update(
    *, challenge: Challenge, title: str, description: str, context: str = ""
) -> Challenge:
    for name, value in _texts(title=title, description=description, context=context).items():
        setattr(challenge, name, value)
    full_clean_or_raise(challenge)
    challenge.save()
    return challenge


@transaction.atomic
def challenge_close(*, challenge: Challenge, summary: str) -> Challenge:
    """Close a challenge with a summary of where it landed (required: a closed challenge says
    what came of it)."""
    if challenge.status == Challenge.Status.CLOSED:
        raise DomainError("This challenge is already closed.")
    challenge.summary = clean(summary, field="summary", label="The summary", limit=5000)
    challenge.status = Challenge.Status.CLOSED
    challenge.closed_on = today_utc()
    full_clean_or_raise(challenge)
    challenge.save()
    return challenge


@transaction.atomic
def challenge_reopen(*, challenge: Challenge) -> Challenge:
    """Open a closed challenge again; its summary is kept until it closes again."""
    if challenge.status == Challenge.Status.OPEN:
        raise DomainError("This challenge is already open.")
    challenge.status = Challenge.Status.OPEN
    challenge.closed_on = None
    challenge.save()
    return challenge
