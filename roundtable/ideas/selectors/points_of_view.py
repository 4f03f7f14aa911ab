"""Points of view: a program-wide challenge seen side by side, circle by circle, so that circles
and coordinators learn from each other: each circle's ideas with their strongest arguments for and
against, their stage, latest decision and trial outcome, and which of them can be proposed to the
viewer's own circle.

Who sees what: the page is open to whoever sees the program. A circle the viewer sees
(`can_view_circle`) shows in full, its ideas linked; another circle shows in summary, with no
link. Nothing on the page names anyone: neither an idea's nor an argument's author is read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.ideas.models import Challenge, Critique, Decision, Idea, IdeaVersion, Stage, Trial

# The order ideas show in within a circle: what the circle settled on first.
STAGE_ORDER = {
    Stage.ADOPTED: 0,
    Stage.TRIAL: 1,
    Stage.DISCUSSING: 2,
    Stage.PROPOSED: 3,
    Stage.SET_ASIDE: 4,
}


def adoption_open(*, stage: str, trial_result: str | None) -> bool:
    """Whether an idea may be proposed to another circle: adopted, or on trial with an outcome
    that met its measure (a partial or failed trial, or one still running, is not yet a lesson
    to pass on)."""
    return stage == Stage.ADOPTED or (stage == Stage.TRIAL and trial_result == Trial.Result.MET)


def idea_get_for_points_of_view(*, user: Any, pk: Any) -> Idea:
    """An idea of a program-wide challenge, for someone who may see that challenge's points of
    view (its summary shows there even to those who do not see its circle); else Http404."""
    return object_get_or_404(
        Idea.objects.select_related("challenge__program__organization", "circle"),
        pk=pk,
        can=lambda idea: permissions.can_view_points_of_view(user, idea.challenge),
        message="No such idea.",
    )


@dataclass
class Argument:
    """The strongest argument of one stance: its text and weight, never its author."""

    reasoning: str
    endorsements: int
    replies: int


@dataclass
class IdeaShown:
    pk: Any
    summary: str
    effect: str
    stage: str
    stage_label: str
    strength: Argument | None = None
    concern: Argument | None = None
    decision_rationale: str = ""
    decision_on: dt.date | None = None
    trial_result: str = ""
    trial_outcome: str = ""
    origin_circle: str = ""
    origin_pk: Any = None
    origin_linked: bool = False
    propose_to: list[Circle] = field(default_factory=list)


@dataclass
class CircleColumn:
    circle: Circle
    full: bool  # the viewer sees this circle: its ideas link to their pages
    mine: bool  # the viewer takes part in it
    ideas: list[IdeaShown] = field(default_factory=list)


@dataclass
class PointsOfView:
    columns: list[CircleColumn]
    some_in_summary: bool
    my_circles: list[Circle]


def _current(name: str) -> Subquery:
    return Subquery(
        IdeaVersion.objects.filter(idea=OuterRef("pk"), number=OuterRef("version")).values(name)[:1]
    )


def strongest_arguments(idea_ids: Iterable[Any]) -> dict[tuple[Any, str], Argument]:
    """Per idea and stance (strength, concern): the argument with the most endorsements, ties
    going to the most replies, then the oldest. Withdrawn and hidden arguments never count, nor
    do withdrawn or hidden replies. One query, however many ideas and critiques."""
    rows = (
        Critique.objects.filter(
            idea_id__in=list(idea_ids),
            parent__isnull=True,
            stance__in=[Critique.Stance.STRENGTH, Critique.Stance.CONCERN],
            withdrawn=False,
            hidden_reason="",
        )
        .annotate(
            endorsement_count=Count("endorsements", distinct=True),
            reply_count=Count(
                "replies",
                filter=Q(replies__withdrawn=False, replies__hidden_reason=""),
                distinct=True,
            ),
        )
        .values(
            "idea_id", "stance", "reasoning", "created_on", "id", "endorsement_count", "reply_count"
        )
    )
    best: dict[tuple[Any, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["idea_id"], row["stance"])
        rank = (-row["endorsement_count"], -row["reply_count"], row["created_on"], str(row["id"]))
        held = best.get(key)
        if held is None or rank < held["rank"]:
            best[key] = {**row, "rank": rank}
    return {
        key: Argument(
            reasoning=row["reasoning"],
            endorsements=row["endorsement_count"],
            replies=row["reply_count"],
        )
        for key, row in best.items()
    }


def points_of_view(*, challenge: Challenge, user: Any) -> PointsOfView:
    """Every circle of the challenge's program, side by side, for this viewer. A fixed number
    of queries however many circles, ideas, critiques and decisions there are."""
    circles = list(
        permissions.with_viewer_capacities(
            Circle.objects.filter(program=challenge.program_id).select_related(
                "program__organization"
            ),
            user,
        ).order_by("name")
    )
    columns = {
        c.pk: CircleColumn(
            circle=c,
            full=permissions.can_view_circle(user, c),
            mine=permissions.can_adopt_idea_into(user, c),
        )
        for c in circles
    }
    ideas = list(
        Idea.objects.filter(challenge=challenge, withdrawn=False, hidden_reason="")
        .select_related("trial", "origin__circle")
        .annotate(summary=_current("summary"), effect=_current("effect"))
        .order_by("created_on", "id")
    )
    arguments = strongest_arguments(idea.pk for idea in ideas)
    latest: dict[Any, Any] = {}
    for row in (
        Decision.objects.filter(idea__challenge=challenge)
        .order_by("decided_at", "id")
        .values("idea_id", "rationale", "decided_at")
    ):
        latest[row["idea_id"]] = row  # the last one wins
    proposed_where = {(idea.origin_id, idea.circle_id) for idea in ideas if idea.origin_id}
    my_circles = [column.circle for column in columns.values() if column.mine]
    is_open = challenge.status == Challenge.Status.OPEN
    for idea in ideas:
        column = columns.get(idea.circle_id)
        if column is None:  # a circle moved to another program since: not this page's
            continue
        trial: Trial | None = getattr(idea, "trial", None)
        decision = latest.get(idea.pk)
        origin = idea.origin
        shown = IdeaShown(
            pk=idea.pk,
            summary=idea.summary,
            effect=idea.effect,
            stage=idea.stage,
            stage_label=idea.get_stage_display(),
            strength=arguments.get((idea.pk, Critique.Stance.STRENGTH)),
            concern=arguments.get((idea.pk, Critique.Stance.CONCERN)),
            decision_rationale=decision["rationale"] if decision else "",
            decision_on=decision["decided_at"].date() if decision else None,
            trial_result=trial.get_result_display() if trial and trial.result else "",
            trial_outcome=trial.outcome if trial and trial.result else "",
            origin_circle=origin.circle.name if origin else "",
            origin_pk=origin.pk if origin else None,
            origin_linked=bool(origin and columns.get(origin.circle_id, column).full),
        )
        if is_open and adoption_open(
            stage=idea.stage, trial_result=trial.result if trial else None
        ):
            shown.propose_to = [
                c
                for c in my_circles
                if c.pk != idea.circle_id and (idea.pk, c.pk) not in proposed_where
            ]
        column.ideas.append(shown)
    for column in columns.values():
        column.ideas.sort(key=lambda shown: STAGE_ORDER.get(Stage(shown.stage), 9))
    return PointsOfView(
        columns=list(columns.values()),
        some_in_summary=any(not column.full for column in columns.values()),
        my_circles=my_circles,
    )


def adoption_targets(*, idea: Idea, user: Any) -> list[Circle]:
    """The circles (other than the idea's) that the viewer may propose `idea` to from its own
    page: their own circles of the program where it was not proposed yet; none unless the idea
    may travel (`adoption_open`) on an open program-wide challenge."""
    challenge = idea.challenge
    if (
        challenge.circle_id is not None
        or challenge.status != Challenge.Status.OPEN
        or idea.withdrawn
        or idea.is_hidden
    ):
        return []
    trial = Trial.objects.filter(idea=idea).only("result").first()
    if not adoption_open(stage=idea.stage, trial_result=trial.result if trial else None):
        return []
    taken = set(
        Idea.objects.filter(origin=idea, withdrawn=False).values_list("circle_id", flat=True)
    )
    circles = permissions.with_viewer_capacities(
        Circle.objects.filter(program=challenge.program_id)
        .exclude(pk=idea.circle_id)
        .select_related("program__organization"),
        user,
    ).order_by("name")
    return [c for c in circles if c.pk not in taken and permissions.can_adopt_idea_into(user, c)]


def idea_origin(*, idea: Idea, user: Any) -> dict[str, Any] | None:
    """What the idea page says of where an idea came from: the origin circle's name, and the
    origin idea's page only if the viewer may see that circle."""
    if idea.origin_id is None:
        return None
    origin = (
        Idea.objects.select_related("circle__program__organization")
        .filter(pk=idea.origin_id)
        .first()
    )
    if origin is None:
        return None
    return {
        "circle": origin.circle.name,
        "pk": origin.pk if permissions.can_view_circle(user, origin.circle) else None,
    }
