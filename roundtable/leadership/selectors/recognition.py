"""Reads of the toolkit's recognition: the circle's wall and its latest three on the circle page,
the people one may credit, the short lists of a circle's items a recognition may point at, and
the permission-scoped getter. Every list costs a fixed number of queries, however many rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.ideas.models import Critique, Decision, Idea, IdeaVersion, Stage
from roundtable.leadership.models import Recognition
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

Kind = Recognition.Kind

LATEST_ON_CIRCLE_PAGE = 3
SHORT_LIST = 15  # linkable items offered per kind: the most recent ones
WALL_LIMIT = 200

# Which kind of recognition may point at which kind of item (the reference's prefix).
ITEM_PREFIX = {
    Kind.IDEA_ADOPTED: "idea",
    Kind.COMMITMENT_DELIVERED: "commitment",
    Kind.MEETING_LED: "meeting",
    Kind.CRITIQUE: "critique",
}


def _idea_summary() -> Subquery:
    """The current version's summary of the idea named by `idea_id` in the outer query."""
    return Subquery(
        IdeaVersion.objects.filter(idea_id=OuterRef("pk"), number=OuterRef("version")).values(
            "summary"
        )[:1]
    )


# --- the items a recognition may point at ----------------------------------------------------


def adopted_ideas(*, circle: Circle) -> QuerySet[Idea]:
    """The circle's adopted ideas that carry their author's name (an anonymous idea has no
    author to credit, and never gets one)."""
    return (
        Idea.objects.filter(
            circle=circle,
            stage=Stage.ADOPTED,
            anonymous=False,
            author__isnull=False,
            withdrawn=False,
        )
        .select_related("author__user")
        .annotate(summary=_idea_summary())
        .order_by("-created_on", "-pk")
    )


def delivered_commitments(*, circle: Circle) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(circle=circle, status=Commitment.Status.DONE)
        .select_related("owner__user")
        .order_by("-done_at", "-pk")
    )


def held_meetings(*, circle: Circle) -> QuerySet[Meeting]:
    """Meetings that took place: begun by now, not cancelled."""
    return (
        Meeting.objects.filter(
            circle=circle, status=Meeting.Status.SCHEDULED, starts_at__lte=timezone.now()
        )
        .select_related("runner__user")
        .order_by("-starts_at", "-pk")
    )


def deciding_critiques(*, circle: Circle) -> QuerySet[Critique]:
    """Named critiques, still standing, of the circle's ideas on which a decision was taken."""
    return (
        Critique.objects.filter(
            idea__circle=circle,
            anonymous=False,
            author__isnull=False,
            withdrawn=False,
            hidden_reason="",
        )
        .filter(Exists(Decision.objects.filter(idea_id=OuterRef("idea_id"))))
        .select_related("author__user", "idea")
        .order_by("-created_on", "-pk")
    )


def meeting_runner_id(meeting: Meeting, circle: Circle) -> int | None:
    """Who ran a held meeting: its runner, or the circle's lead when it had none."""
    return meeting.runner_id if meeting.runner_id is not None else circle.lead_id


@dataclass(frozen=True)
class LinkableItem:
    ref: str  # "idea:<uuid>", "commitment:<id>", ...
    label: str
    person_id: int | None


def linkable_items(*, circle: Circle) -> dict[str, list[LinkableItem]]:
    """The short list of the circle's items, per kind, a recognition may point at (four
    queries)."""
    zone = ZoneInfo(circle.time_zone)
    items: dict[str, list[LinkableItem]] = {
        Kind.IDEA_ADOPTED: [
            LinkableItem(f"idea:{i.pk}", f"{i.summary} ({i.author.name})", i.author_id)  # type: ignore[attr-defined]
            for i in adopted_ideas(circle=circle)[:SHORT_LIST]
            if i.author is not None
        ],
        Kind.COMMITMENT_DELIVERED: [
            LinkableItem(f"commitment:{c.pk}", f"{c.title} ({c.owner.name})", c.owner_id)
            for c in delivered_commitments(circle=circle)[:SHORT_LIST]
        ],
        Kind.MEETING_LED: [],
        Kind.CRITIQUE: [
            LinkableItem(
                f"critique:{c.pk}",
                f"{c.get_stance_display() or 'Reply'}: {_short(c.reasoning)} "
                f"({c.author.name if c.author else ''})",
                c.author_id,
            )
            for c in deciding_critiques(circle=circle)[:SHORT_LIST]
        ],
    }
    for m in held_meetings(circle=circle)[:SHORT_LIST]:
        runner = m.runner.name if m.runner else (circle.lead.name if circle.lead else "")
        when = m.starts_at.astimezone(zone).strftime("%a %-d %b %Y")
        items[Kind.MEETING_LED].append(
            LinkableItem(
                f"meeting:{m.pk}",
                f"Meeting of {when}" + (f" ({runner})" if runner else ""),
                meeting_runner_id(m, circle),
            )
        )
    return items


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- who may be credited ---------------------------------------------------------------------


def recognition_recipients(*, circle: Circle) -> list[Member]:
    """The circle's current members and its lead, by name (one query)."""
    q = Q(circle_memberships__circle=circle, circle_memberships__left_on__isnull=True)
    if circle.lead_id is not None:
        q |= Q(pk=circle.lead_id)
    return list(
        Member.objects.filter(q, is_active=True)
        .select_related("user")
        .distinct()
        .order_by("user__full_name", "pk")
    )


# --- reading recognition ---------------------------------------------------------------------


def recognitions_with_links() -> QuerySet[Recognition]:
    return Recognition.objects.select_related(
        "circle__program__organization",
        "given_by__user",
        "recipient__user",
        "commitment",
        "meeting",
        "critique",
        "idea",
    ).annotate(
        idea_summary=Subquery(
            IdeaVersion.objects.filter(
                idea_id=OuterRef("idea_id"), number=OuterRef("idea__version")
            ).values("summary")[:1]
        )
    )


def recognition_get_for_user(
    *,
    user: Any,
    pk: int,
    can: Callable[[Any, Recognition], bool] = permissions.can_view_recognition,
) -> Recognition:
    """The recognition, if the policy lets the user see it (or do `can` with it); else Http404."""
    return object_get_or_404(
        recognitions_with_links(), pk=pk, can=lambda r: can(user, r), message="No such recognition."
    )


def recognition_wall(*, circle: Circle) -> list[Recognition]:
    """The circle's recognition, newest first (the circle was fetched with access)."""
    return list(recognitions_with_links().filter(circle=circle)[:WALL_LIMIT])


def recognition_for_circle_page(*, circle: Circle, user: Any) -> Any:
    """What the circle page shows of the recognition (None: nothing): the latest three, how
    many in all, and whether the user may credit someone."""
    if not permissions.can_view_circle(user, circle):
        return None
    latest = list(recognitions_with_links().filter(circle=circle)[: LATEST_ON_CIRCLE_PAGE + 1])
    me = permissions.member_in(user, circle.program.organization_id)
    return {
        "circle": circle,
        "latest": latest[:LATEST_ON_CIRCLE_PAGE],
        "more": len(latest) > LATEST_ON_CIRCLE_PAGE,
        "can_give": permissions.can_recognise_in(user, circle),
        "me_id": me.pk if me else None,
    }


def recognitions_for_member_page(*, member: Member, user: Any) -> list[Recognition]:
    """The recognition `member` received that `user` may see, in one query: all of it for the
    member; in the circles the user sees; and, for their manager, what they chose to share."""
    me = permissions.member_in(user, member.organization_id)
    if me is None:
        return []
    # What the user may see of each circle decides whether its linked items show.
    in_view = Circle.objects.filter(permissions.circle_scope(user)).values("pk")
    rows = recognitions_with_links().filter(recipient=member)
    rows = rows.annotate(viewer_sees_circle=Exists(in_view.filter(pk=OuterRef("circle_id"))))
    if me.pk != member.pk:
        visible = Q(circle__in=in_view)
        if member.manager_id == me.pk:
            visible |= Q(shared_with_manager=True)
        rows = rows.filter(visible)
    return list(rows[:WALL_LIMIT])
