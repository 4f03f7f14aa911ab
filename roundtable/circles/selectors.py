"""Reads for circles, scoped by the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from roundtable.circles.models import Circle, CircleMembership
from roundtable.core import permissions


def _current_members() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=CircleMembership.objects.filter(left_on__isnull=True)
        .select_related("member__user")
        .order_by("member__user__full_name"),
        to_attr="current_memberships",
    )


def circles_for_user(*, user: Any) -> QuerySet[Circle]:
    visible = Circle.objects.filter(permissions.circle_scope(user)).values("pk")
    return (
        Circle.objects.filter(pk__in=visible)
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
        Circle.objects.filter(pk__in=mine)
        .select_related("program__organization", "lead__user")
        .prefetch_related(_current_members())
        .order_by("program__name", "name")
    )


def program_circles(*, program: Any) -> QuerySet[Circle]:
    return (
        program.circles.select_related("lead__user")
        .prefetch_related(_current_members())
        .order_by("name")
    )


def circle_get_for_user(*, user: Any, pk: int) -> Circle:
    circle = (
        Circle.objects.filter(pk=pk)
        .select_related("program__organization", "program__sponsor__user", "lead__user")
        .prefetch_related(_current_members())
        .first()
    )
    if circle is None or not permissions.can_view_circle(user, circle):
        raise Http404("No such circle.")
    return circle


def circle_history(*, circle: Circle) -> QuerySet[CircleMembership]:
    return (
        circle.memberships.filter(left_on__isnull=False)
        .select_related("member__user")
        .order_by("-left_on")
    )
