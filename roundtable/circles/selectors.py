"""Reads for circles, scoped by the permission policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from roundtable.circles.models import Circle, CircleMembership
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.orgs.models import Member
from roundtable.programs.models import Enrolment, Program


def _current_members() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=CircleMembership.objects.filter(left_on__isnull=True)
        .select_related("member__user")
        .order_by("member__user__full_name"),
        to_attr="current_memberships",
    )


def circles_for_user(*, user: Any) -> QuerySet[Circle]:
    """Every circle the user may see, with the user's capacities joined in for the policy."""
    visible = Circle.objects.filter(permissions.circle_scope(user)).values("pk")
    return (
        permissions.with_viewer_capacities(Circle.objects.filter(pk__in=visible), user)
        .select_related("program__organization", "lead__user")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("program__name", "name")
    )


def my_circles(*, user: Any) -> QuerySet[Circle]:
    """Circles the user is in or leads (not those they oversee)."""
    ids = [m.pk for m in permissions.memberships(user).values()]
    mine = Circle.objects.filter(
        Q(memberships__member_id__in=ids, memberships__left_on__isnull=True) | Q(lead_id__in=ids)
    ).values("pk")
    return (
        permissions.with_viewer_capacities(Circle.objects.filter(pk__in=mine), user)
        .select_related("program__organization", "lead__user")
        .prefetch_related(_current_members())
        .order_by("program__name", "name")
    )


def program_circles(*, program: Program, user: Any) -> QuerySet[Circle]:
    return (
        permissions.with_viewer_capacities(program.circles.all(), user)
        .select_related("program__organization", "lead__user")
        .prefetch_related(_current_members())
        .order_by("name")
    )


def circle_get_for_user(
    *, user: Any, pk: int, can: Callable[[Any, Circle], bool] = permissions.can_view_circle
) -> Circle:
    """The circle, if the policy lets the user see it (or do `can` with it); else Http404."""
    queryset = permissions.with_viewer_capacities(
        Circle.objects.select_related(
            "program__organization", "program__sponsor__user", "lead__user"
        ).prefetch_related(_current_members()),
        user,
    )
    return object_get_or_404(
        queryset, pk=pk, can=lambda circle: can(user, circle), message="No such circle."
    )


def circle_member_get(*, circle: Circle, member_pk: int, current: bool = False) -> Member:
    """Someone who is (or, unless `current`, was) in the circle, which was fetched with access;
    anyone else is not found. Whether they can still leave is the service's to say."""
    memberships = CircleMembership.objects.filter(circle=circle)
    if current:
        memberships = memberships.filter(left_on__isnull=True)
    return object_get_or_404(
        Member.objects.select_related("user"),
        pk=member_pk,
        pk__in=memberships.values("member_id"),
        message="No such member in this circle.",
    )


def program_unplaced_members(*, program: Program) -> QuerySet[Member]:
    """Enrolled members who are in none of the program's circles yet."""
    placed = CircleMembership.objects.filter(circle__program=program, left_on__isnull=True).values(
        "member_id"
    )
    return (
        Member.objects.filter(enrolments__program=program, enrolments__withdrawn_on__isnull=True)
        .exclude(pk__in=placed)
        .select_related("user")
        .order_by("user__full_name")
    )


def program_unplaced_counts(*, programs: Iterable[Program]) -> dict[int, int]:
    """How many enrolled members of each program are in none of its circles: one query."""
    ids = [p.pk for p in programs]
    placed = CircleMembership.objects.filter(
        circle__program_id=OuterRef("program_id"),
        member_id=OuterRef("member_id"),
        left_on__isnull=True,
    )
    rows = (
        Enrolment.objects.filter(program_id__in=ids, withdrawn_on__isnull=True)
        .exclude(Exists(placed))
        .values("program_id")
        .annotate(unplaced=Count("pk"))
    )
    return {row["program_id"]: row["unplaced"] for row in rows}


def circle_history(*, circle: Circle) -> QuerySet[CircleMembership]:
    return (
        circle.memberships.filter(left_on__isnull=False)
        .select_related("member__user")
        .order_by("-left_on")
    )
