"""Reads for programs, scoped by the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from roundtable.circles.models import CircleMembership
from roundtable.core import permissions
from roundtable.orgs.models import Member
from roundtable.programs.models import Enrolment, Program


def programs_for_user(*, user: Any) -> QuerySet[Program]:
    visible = Program.objects.filter(permissions.program_scope(user)).values("pk")
    return (
        Program.objects.filter(pk__in=visible)
        .select_related("organization", "sponsor__user")
        .prefetch_related(Prefetch("coordinators", queryset=Member.objects.select_related("user")))
        .annotate(
            circle_count=Count("circles", distinct=True),
            enrolled_count=Count(
                "enrolments", filter=Q(enrolments__withdrawn_on__isnull=True), distinct=True
            ),
        )
        .order_by("status", "-start_date", "name")
    )


def program_get_for_user(*, user: Any, pk: int) -> Program:
    program = (
        Program.objects.filter(pk=pk)
        .select_related("organization", "sponsor__user")
        .prefetch_related(Prefetch("coordinators", queryset=Member.objects.select_related("user")))
        .first()
    )
    if program is None or not permissions.can_view_program(user, program):
        raise Http404("No such program.")
    return program


def program_enrolments(*, program: Program) -> QuerySet[Enrolment]:
    return (
        program.enrolments.filter(withdrawn_on__isnull=True)
        .select_related("member__user")
        .order_by("member__user__full_name")
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
