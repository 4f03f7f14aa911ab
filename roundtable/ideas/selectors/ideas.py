"""Reads for challenges, ideas and critiques: permission-scoped getters (a child through its
parent), the challenge lists of a circle and of a program, and the idea page with its versions
and its critiques grouped into the case for, the case against, questions and alternatives.

No author of an anonymous contribution is ever read: it is not stored. Whether the viewer wrote
an anonymous one is known only from the capabilities their browser holds (`capabilities`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.core.anonymity import capability_matches
from roundtable.ideas.diffs import Segment, words_diff
from roundtable.ideas.models import (
    Challenge,
    CircleIdeaSettings,
    Critique,
    CritiqueEndorsement,
    Idea,
    IdeaVersion,
)
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

Capabilities = dict[str, tuple[str, dt.datetime]]

# --- permission-scoped getters ----------------------------------------------------------------


def challenge_get_for_user(
    *, user: Any, pk: int, can: Callable[[Any, Challenge], bool] = permissions.can_view_challenge
) -> Challenge:
    """The challenge, if the policy lets the user see it (or do `can` with it); else Http404."""
    return object_get_or_404(
        Challenge.objects.select_related(
            "program__organization", "circle__program__organization", "posed_by__user"
        ),
        pk=pk,
        can=lambda challenge: can(user, challenge),
        message="No such challenge.",
    )


def idea_get_for_user(
    *, user: Any, pk: Any, can: Callable[[Any, Circle], bool] = permissions.can_view_circle
) -> Idea:
    """The idea, if the policy lets the user see its circle (or do `can` in it); else Http404.
    An idea of a program-wide challenge is seen by those who see its circle, no one else."""
    return object_get_or_404(
        Idea.objects.select_related(
            "challenge__program", "circle__program__organization", "author__user"
        ),
        pk=pk,
        can=lambda idea: can(user, idea.circle),
        message="No such idea.",
    )


def critique_get_for_user(*, user: Any, idea: Idea, pk: Any) -> Critique:
    """A critique of an idea the user may see (the idea came through `idea_get_for_user`)."""
    return object_get_or_404(
        Critique.objects.select_related("idea", "author__user"),
        idea=idea,
        pk=pk,
        can=lambda critique: permissions.can_view_circle(user, idea.circle),
        message="No such critique.",
    )


def circle_idea_settings(*, circle: Circle) -> CircleIdeaSettings:
    """The circle's settings, or the defaults (unsaved) before anyone changed them."""
    return CircleIdeaSettings.objects.filter(circle=circle).first() or CircleIdeaSettings(
        circle=circle
    )


# --- challenge lists ----------------------------------------------------------------------------


def _current_summary() -> Subquery:
    return Subquery(
        IdeaVersion.objects.filter(idea=OuterRef("pk"), number=OuterRef("version")).values(
            "summary"
        )[:1]
    )


def circle_challenges(*, circle: Circle) -> QuerySet[Challenge]:
    """Challenges posed to the circle and to its whole program, open first, with the number of
    ideas this circle proposed for each."""
    return (
        Challenge.objects.filter(Q(circle=circle) | Q(circle__isnull=True, program=circle.program))
        .select_related("circle", "posed_by__user")
        .annotate(idea_count=Count("ideas", filter=Q(ideas__circle=circle)))
        .order_by("-status", "-created_at")
    )


def program_challenges(*, program: Program, user: Any) -> QuerySet[Challenge]:
    """The program's challenges the user may see: those posed to the whole program, and each
    circle's own in the circles the user sees; with the ideas the user may see counted."""
    visible = Circle.objects.filter(permissions.circle_scope(user), program=program).values("pk")
    return (
        Challenge.objects.filter(program=program)
        .filter(Q(circle__isnull=True) | Q(circle__in=visible))
        .select_related("circle", "posed_by__user")
        .annotate(idea_count=Count("ideas", filter=Q(ideas__circle__in=visible), distinct=True))
        .order_by("-status", "circle__name", "-created_at")
    )


def challenge_ideas(*, challenge: Challenge, user: Any) -> list[Idea]:
    """The challenge's ideas in the circles the user sees, by circle, each with its current
    summary and the number of its critiques (replies aside)."""
    visible = Circle.objects.filter(permissions.circle_scope(user)).values("pk")
    return list(
        challenge.ideas.filter(circle__in=visible)
        .select_related("circle", "author__user")
        .annotate(
            summary=_current_summary(),
            critique_count=Count(
                "critiques",
                filter=Q(critiques__parent__isnull=True, critiques__withdrawn=False),
            ),
        )
        .order_by("circle__name", "created_on", "id")
    )


def proposing_circles(*, challenge: Challenge, user: Any) -> list[Circle]:
    """The circles in which the user may propose an idea for the challenge: its circle, or for
    a program-wide challenge each circle of the program the user is a member or the lead of."""
    circles = permissions.with_viewer_capacities(
        Circle.objects.filter(pk=challenge.circle_id)
        if challenge.circle_id
        else Circle.objects.filter(program=challenge.program_id),
        user,
    ).select_related("program__organization")
    return [c for c in circles.order_by("name") if permissions.can_take_part_in_ideas(user, c)]


# --- the idea page ------------------------------------------------------------------------------


@dataclass
class VersionShown:
    version: IdeaVersion
    changes: dict[str, list[Segment]]  # field name → differences from the previous version


@dataclass
class IdeaPage:
    versions: list[VersionShown]
    current: IdeaVersion
    strengths: list[Critique] = field(default_factory=list)
    concerns: list[Critique] = field(default_factory=list)
    questions: list[Critique] = field(default_factory=list)
    alternatives: list[Critique] = field(default_factory=list)
    idea_mine_until: dt.datetime | None = None  # the viewer's browser may change the idea until

    @property
    def critique_count(self) -> int:
        return sum(
            len(group)
            for group in (self.strengths, self.concerns, self.questions, self.alternatives)
        )


def _mine_until(
    contribution: Idea | Critique, *, me: Member | None, capabilities: Capabilities
) -> tuple[bool, dt.datetime | None]:
    """Whether the viewer wrote it, and, for an anonymous one, until when their browser may
    change it (known from the capability alone)."""
    if not contribution.anonymous:
        return me is not None and contribution.author_id == me.pk, None
    held = capabilities.get(str(contribution.pk))
    if held and capability_matches(held[0], contribution.edit_key_hash):
        return True, held[1]
    return False, None


def contribution_is_mine(
    contribution: Idea | Critique, *, me: Member, capability: str | None
) -> bool:
    """Whether the viewer wrote it: its named author, or the browser holding its capability."""
    if contribution.anonymous:
        return capability_matches(capability, contribution.edit_key_hash)
    return contribution.author_id == me.pk


def idea_page(*, idea: Idea, me: Member | None, capabilities: Capabilities) -> IdeaPage:
    """The idea's versions (with the changes from each previous one) and its critiques: top
    level by stance, replies under their critique, each with the version it answered, its
    endorsement count and whether the viewer endorses it. Three queries, however many rows."""
    versions = list(idea.versions.order_by("number"))
    shown = []
    for previous, version in zip([None, *versions], versions, strict=False):
        changes = {}
        if previous is not None:
            changes = {
                name: words_diff(getattr(previous, name), getattr(version, name))
                for name in ("summary", "how", "effect")
                if getattr(previous, name) != getattr(version, name)
            }
        shown.append(VersionShown(version=version, changes=changes))
    mine_endorsements = CritiqueEndorsement.objects.filter(
        critique=OuterRef("pk"), member_id=me.pk if me else 0
    )
    critiques = list(
        idea.critiques.select_related("author__user", "version")
        .annotate(
            endorsement_count=Count("endorsements", distinct=True),
            endorsed_by_me=Exists(mine_endorsements),
        )
        .order_by("created_on", "id")
    )
    page = IdeaPage(versions=shown[::-1], current=versions[-1])
    _, page.idea_mine_until = _mine_until(idea, me=me, capabilities=capabilities)
    replies: dict[Any, list[Critique]] = {}
    for critique in critiques:
        critique.mine, critique.mine_until = _mine_until(  # type: ignore[attr-defined]
            critique, me=me, capabilities=capabilities
        )
        critique.answered_current = (  # type: ignore[attr-defined]
            critique.version.number == idea.version
        )
        if critique.parent_id is not None:
            replies.setdefault(critique.parent_id, []).append(critique)
    groups = {
        Critique.Stance.STRENGTH: page.strengths,
        Critique.Stance.CONCERN: page.concerns,
        Critique.Stance.QUESTION: page.questions,
        Critique.Stance.ALTERNATIVE: page.alternatives,
    }
    for critique in critiques:
        if critique.parent_id is None:
            critique.reply_list = replies.get(critique.pk, [])  # type: ignore[attr-defined]
            groups[Critique.Stance(critique.stance)].append(critique)
    for group in groups.values():
        # The most endorsed arguments first, withdrawn and hidden ones last; among equals, the
        # order of writing.
        group.sort(
            key=lambda c: (c.withdrawn or c.is_hidden, -c.endorsement_count)  # type: ignore[attr-defined]
        )
    return page
