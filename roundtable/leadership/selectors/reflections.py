"""Reads of a lead's reflections, and of everything a lead wrote in the circles they lead or
led ("my notes"): always the author's own, never anyone else's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.leadership.models import PeerNote, Reflection, ReflectionCadence, SupportPlan
from roundtable.leadership.selectors.suggestions import labelled
from roundtable.orgs.models import Member


def reflections_for(*, circle: Circle, author: Member) -> QuerySet[Reflection]:
    """The author's reflections on the circle, newest first."""
    return Reflection.objects.filter(author=author, circle=circle).order_by("-written_on", "-id")


def reflection_cadence_for(*, circle: Circle, author: Member) -> ReflectionCadence | None:
    return ReflectionCadence.objects.filter(author=author, circle=circle).first()


def _my_member_ids(user: Any) -> list[int]:
    return [m.pk for m in permissions.memberships(user).values()]


def _written_in(ids: list[int]) -> set[int]:
    """Circles the members wrote a reflection, note or plan in: three small queries."""
    found: set[int] = set()
    for model in (Reflection, PeerNote, SupportPlan):
        found |= set(model.objects.filter(author_id__in=ids).values_list("circle_id", flat=True))
    return found


@dataclass
class CircleNotes:
    circle: Circle
    leading: bool  # still its lead: the toolkit is open to write
    reflections: list[Reflection] = field(default_factory=list)
    notes: list[PeerNote] = field(default_factory=list)
    plans: list[SupportPlan] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def my_notes_circles(*, user: Any) -> list[CircleNotes]:
    """Every circle the user wrote in as its lead, current or past, with how many reflections,
    peer notes and open support plans they wrote there (their own alone, nothing decrypted).
    A fixed number of queries however many circles and notes."""
    ids = _my_member_ids(user)
    if not ids:
        return []
    counts: dict[int, dict[str, int]] = {}
    for name, queryset in (
        ("reflections", Reflection.objects.all()),
        ("notes", PeerNote.objects.all()),
        ("plans", SupportPlan.objects.filter(closed_on__isnull=True)),
        ("all_plans", SupportPlan.objects.all()),
    ):
        for row in (
            queryset.filter(author_id__in=ids)
            .values("circle_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts.setdefault(row["circle_id"], {})[name] = row["n"]
    circles = (
        Circle.objects.filter(pk__in=counts)
        .select_related("program")
        .order_by("program__name", "name")
    )
    return [CircleNotes(circle=c, leading=c.lead_id in ids, counts=counts[c.pk]) for c in circles]


def my_notes_circle(*, user: Any, circle_pk: int) -> CircleNotes:
    """What the user wrote in one circle, read only; Http404 when they wrote nothing there
    (someone else's notes do not exist for them)."""
    ids = _my_member_ids(user)
    circle = object_get_or_404(
        Circle.objects.select_related("program"),
        pk=circle_pk,
        pk__in=list(_written_in(ids)),
        message="No such notes.",
    )
    mine = {"author_id__in": ids, "circle": circle}
    return CircleNotes(
        circle=circle,
        leading=circle.lead_id in ids,
        reflections=list(Reflection.objects.filter(**mine).order_by("-written_on", "-id")),
        notes=sorted(
            PeerNote.objects.filter(**mine).select_related("peer__user"),
            key=lambda n: n.peer.name.lower(),
        ),
        plans=labelled(
            SupportPlan.objects.filter(**mine)
            .select_related("peer__user")
            .order_by(F("closed_on").asc(nulls_first=True), "review_on", "id")
        ),
    )
