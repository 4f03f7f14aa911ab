"""Reads for programs, scoped by the permission policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.orgs.models import Member
from roundtable.programs.models import Enrolment, Program


def programs_for_user(*, user: Any) -> QuerySet[Program]:
    """Every program the user may see, with the user's capacities joined in for the policy."""
    visible = Program.objects.filter(permissions.program_scope(user)).values("pk")
    return (
        permissions.with_viewer_capacities(Program.objects.filter(pk__in=visible), user)
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


def program_get_for_user(
    *, user: Any, pk: int, can: Callable[[Any, Program], bool] = permissions.can_view_program
) -> Program:
    """The program, if the policy lets the user see it (or do `can` with it); else Http404."""
    queryset = permissions.with_viewer_capacities(
        Program.objects.select_related("organization", "sponsor__user").prefetch_related(
            Prefetch("coordinators", queryset=Member.objects.select_related("user"))
        ),
        user,
    )
    return object_get_or_404(
        queryset, pk=pk, can=lambda program: can(user, program), message="No such program."
    )


def enrolled_member_get(*, program: Program, member_pk: int) -> Member:
    """Someone who is or was enrolled in the program (the program was fetched with access);
    anyone else is not found. Whether they can still withdraw is the service's to say."""
    return object_get_or_404(
        Member.objects.select_related("user").distinct(),
        pk=member_pk,
        enrolments__program=program,
        message="No such member in this program.",
    )


def program_enrolments(*, program: Program) -> QuerySet[Enrolment]:
    return (
        program.enrolments.filter(withdrawn_on__isnull=True)
        .select_related("member__user")
        .order_by("member__user__full_name")
    )
