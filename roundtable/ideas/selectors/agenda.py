"""What the meeting page shows of open critique: the ideas and challenges on its agenda, and the
decisions recorded at it. Read by meetings' page (pages may read any app); meetings' own modules
never import ideas."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.ideas.models import AgendaLink, Decision, IdeaVersion
from roundtable.meetings.models import Meeting

DECISION_MEETING_DAYS = dt.timedelta(days=7)


def _summary(idea_path: str) -> Subquery:
    return Subquery(
        IdeaVersion.objects.filter(
            idea=OuterRef(f"{idea_path}_id"), number=OuterRef(f"{idea_path}__version")
        ).values("summary")[:1]
    )


def meeting_ideas(*, meeting: Meeting) -> dict[str, list[Any]]:
    """The agenda's linked ideas and challenges in agenda order, and the decisions recorded at
    this meeting (oldest first). Two queries, however many. No author is read: the meeting
    page names nobody for an idea."""
    links = list(
        AgendaLink.objects.filter(agenda_item__meeting=meeting)
        .select_related("agenda_item", "idea", "challenge")
        .annotate(summary=_summary("idea"))
        .order_by("agenda_item__position", "agenda_item__id")
    )
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related("idea", "decided_by__user")
        .annotate(summary=_summary("idea"))
        .order_by("decided_at", "id")
    )
    return {"agenda_links": links, "decisions": decisions}


def decision_meetings(*, circle: Circle, now: dt.datetime | None = None) -> list[Meeting]:
    """The circle's meetings of the last seven days by its own calendar, today's included (even
    later today) and cancelled ones not, the latest first: where a decision can say it was
    recorded."""
    now = now or timezone.now()
    zone = ZoneInfo(circle.time_zone)
    today = timezone.localdate(now, zone)
    first = today - DECISION_MEETING_DAYS
    candidates = Meeting.objects.filter(
        circle=circle,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=now - DECISION_MEETING_DAYS - dt.timedelta(days=2),
        starts_at__lte=now + dt.timedelta(days=2),
    ).order_by("-starts_at")
    return [m for m in candidates if first <= timezone.localdate(m.starts_at, zone) <= today]
