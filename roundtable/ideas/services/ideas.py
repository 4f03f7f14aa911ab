"""Ideas: a tactic proposed for a challenge in one circle, refined in versions; and the circle's
settings for critique (its guideline, and whether ideas and critiques are anonymous).

Anonymous (the circle's setting at the moment of writing): the idea is stored with no author,
only the UTC day and the hash of an edit capability; the capability goes back to the view, for
the author's browser alone, and is never stored. A change of setting applies only to what is
written afterwards."""

from __future__ import annotations

from django.db import transaction

from roundtable.circles.models import Circle
from roundtable.core.anonymity import capability_new
from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.core.validation import full_clean_or_raise
from roundtable.ideas.models import Challenge, CircleIdeaSettings, Idea, IdeaVersion
from roundtable.ideas.services import notify
from roundtable.ideas.services._common import clean, require_author, require_takes_part, today_utc
from roundtable.orgs.models import Member

# --- the circle's settings --------------------------------------------------------------------


def circle_writes_anonymously(circle: Circle) -> bool:
    """Whether what is written in the circle now is anonymous (no settings row: named)."""
    return CircleIdeaSettings.objects.filter(circle=circle, anonymous=True).exists()


@transaction.atomic
def circle_idea_settings_update(
    *, circle: Circle, guideline: str, anonymous: bool
) -> CircleIdeaSettings:
    """Set the circle's guideline and anonymity. A change of anonymity records its day, shown
    to the circle, and applies to what is written from then on: what was anonymous stays so,
    and what carries a name keeps it."""
    settings, _ = CircleIdeaSettings.objects.select_for_update().get_or_create(circle=circle)
    settings.guideline = clean(guideline, field="guideline", label="The guideline", limit=1000)
    if settings.anonymous != anonymous:
        settings.anonymous = anonymous
        settings.anonymous_changed_on = today_utc()
    full_clean_or_raise(settings)
    settings.save()
    return settings


# --- ideas ------------------------------------------------------------------------------------


def _version_texts(*, summary: str, how: str, effect: str) -> dict[str, str]:
    return {
        "summary": clean(summary, field="summary", label="The summary", limit=200),
        "how": clean(how, field="how", label="How it would work", limit=5000),
        "effect": clean(effect, field="effect", label="The effect expected", limit=2000),
    }


@transaction.atomic
def idea_propose(
    *, challenge: Challenge, circle: Circle, member: Member, summary: str, how: str, effect: str
) -> tuple[Idea, str | None]:
    """Propose an idea for an open challenge in one of its circles (for a program-wide
    challenge, any circle of the program the proposer takes part in). Returns the idea and,
    when it is anonymous, the edit capability for the author's browser (else None)."""
    if challenge.status != Challenge.Status.OPEN:
        raise DomainError("This challenge is closed; it takes no new ideas.")
    if (challenge.circle_id or circle.pk) != circle.pk or circle.program_id != challenge.program_id:
        raise DomainError(f"This challenge is not posed to {circle}.")
    require_takes_part(circle, member)
    texts = _version_texts(summary=summary, how=how, effect=effect)
    today = today_utc()
    capability: str | None = None
    idea = Idea(challenge=challenge, circle=circle, created_on=today, version=1)
    if circle_writes_anonymously(circle):
        capability, idea.edit_key_hash = capability_new()
        idea.anonymous = True
    else:
        idea.author = member
    full_clean_or_raise(idea)
    idea.save()
    IdeaVersion.objects.create(idea=idea, number=1, created_on=today, **texts)
    figures_changed(circle.program_id)  # the circle's funnel of ideas
    return idea, capability


@transaction.atomic
def idea_revise(
    *,
    idea: Idea,
    member: Member,
    capability: str | None = None,
    summary: str,
    how: str,
    effect: str,
) -> IdeaVersion:
    """A new version of the idea by its author (named: the author; anonymous: the holder of
    its capability); the earlier versions are kept, and critiques keep the version they
    answered."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    require_author(idea, member=member, capability=capability)
    texts = _version_texts(summary=summary, how=how, effect=effect)
    current = idea.versions.get(number=idea.version)
    if all(getattr(current, name) == value for name, value in texts.items()):
        raise DomainError("Nothing changed: this is the wording of the current version.")
    idea.version += 1
    idea.save(update_fields=["version"])
    version = IdeaVersion.objects.create(
        idea=idea, number=idea.version, created_on=today_utc(), **texts
    )
    notify.idea_revised(version=version)
    return version


@transaction.atomic
def idea_withdraw(*, idea: Idea, member: Member, capability: str | None = None) -> Idea:
    """The author takes the idea back: it shows as withdrawn by its author, its critiques stay."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    require_author(idea, member=member, capability=capability)
    idea.withdrawn = True
    idea.save(update_fields=["withdrawn"])
    figures_changed(idea.circle.program_id)
    return idea
