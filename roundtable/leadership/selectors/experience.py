"""A member's experience record, for their career conversations: per circle and in total, the
meetings they led, the ideas they proposed and saw adopted, the trials they owned, the
commitments they delivered (on time, too) and the recognition they received.

Only named contributions count: an anonymous idea or critique has no author and is never
attributed. The figures cost a fixed number of queries (one per figure, grouped by circle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment
from roundtable.core import permissions
from roundtable.ideas.models import Idea, Stage, Trial
from roundtable.leadership.models import Recognition
from roundtable.leadership.selectors.recognition import recognitions_with_links
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

# The record's figures, in the order the page, the CSV and the PDF show them.
FIGURES: tuple[tuple[str, str], ...] = (
    ("meetings_led", "Meetings led"),
    ("ideas_proposed", "Ideas proposed"),
    ("ideas_adopted", "Ideas adopted"),
    ("trials_owned", "Trials owned"),
    ("commitments_delivered", "Commitments delivered"),
    ("delivered_on_time", "Delivered on time"),
    ("recognition_received", "Recognition received"),
)


@dataclass
class CircleFigures:
    circle_id: int | None
    circle: str
    program: str
    figures: dict[str, int] = field(default_factory=lambda: {k: 0 for k, _ in FIGURES})

    @property
    def values(self) -> list[int]:
        return [self.figures[k] for k, _ in FIGURES]


@dataclass
class ExperienceRecord:
    member: Member
    circles: list[CircleFigures]
    total: CircleFigures
    recognitions: list[Recognition]
    compiled_at: Any

    @property
    def labels(self) -> list[str]:
        return [label for _, label in FIGURES]

    @property
    def total_pairs(self) -> list[tuple[str, int]]:
        return list(zip(self.labels, self.total.values, strict=True))


def experience_member_get_for_user(*, user: Any, org_slug: str | None) -> Member:
    """The user's own member profile whose record this is (in the organisation `org_slug`, or
    their first); Http404 for anyone with none there. The record is the member's alone."""
    members = sorted(permissions.memberships(user).values(), key=lambda m: m.pk)
    for member in members:
        in_org = org_slug is None or member.organization.slug == org_slug
        if in_org and permissions.can_download_experience_record(user, member):
            return member
    raise Http404("No such experience record.")


def _grouped(queryset: Any, circle_path: str) -> dict[int, int]:
    return {
        row["circle_key"]: row["n"]
        for row in queryset.values(circle_key=F(circle_path)).annotate(n=Count("pk")).order_by()
    }


def experience_record(*, member: Member) -> ExperienceRecord:
    """The member's figures per circle and in total, and the recognition they received."""
    now = timezone.now()
    held = Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__lte=now)
    led = held.filter(Q(runner=member) | Q(runner__isnull=True, circle__lead=member))
    named_ideas = Idea.objects.filter(
        author=member, anonymous=False, author__isnull=False, withdrawn=False
    )
    delivered = Commitment.objects.filter(owner=member, status=Commitment.Status.DONE)
    counts: dict[str, dict[int, int]] = {
        "meetings_led": _grouped(led, "circle_id"),
        "ideas_proposed": _grouped(named_ideas, "circle_id"),
        "ideas_adopted": _grouped(named_ideas.filter(stage=Stage.ADOPTED), "circle_id"),
        "trials_owned": _grouped(Trial.objects.filter(owner=member), "idea__circle_id"),
        "commitments_delivered": _grouped(delivered, "circle_id"),
        "delivered_on_time": _grouped(
            delivered.filter(done_at__isnull=False, due_at__isnull=False, done_at__lte=F("due_at")),
            "circle_id",
        ),
        "recognition_received": _grouped(Recognition.objects.filter(recipient=member), "circle_id"),
    }
    circle_ids = {pk for per_circle in counts.values() for pk in per_circle}
    been_in = Circle.objects.filter(
        Q(memberships__member=member) | Q(lead=member) | Q(pk__in=circle_ids)
    ).values("pk")
    circles = (
        Circle.objects.filter(pk__in=been_in)
        .select_related("program")
        .order_by("program__name", "name")
    )
    rows = []
    total = CircleFigures(circle_id=None, circle="Total", program="")
    for circle in circles:
        row = CircleFigures(circle_id=circle.pk, circle=circle.name, program=circle.program.name)
        for key, per_circle in counts.items():
            row.figures[key] = per_circle.get(circle.pk, 0)
            total.figures[key] += row.figures[key]
        rows.append(row)
    recognitions = list(
        recognitions_with_links().filter(recipient=member).order_by("-created_at", "-pk")
    )
    return ExperienceRecord(
        member=member, circles=rows, total=total, recognitions=recognitions, compiled_at=now
    )
