"""Reads for programs, scoped by the permission policy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery

from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.orgs.models import Member
from roundtable.programs.models import Enrolment, Program


def _count(count: Count) -> Subquery:
    """`count` for the outer program alone, as a subquery (circles live above this app)."""
    one = Program.objects.filter(pk=OuterRef("pk")).order_by().annotate(n=count).values("n")
    return Subquery(one, output_field=IntegerField())


def programs_for_user(*, user: Any) -> QuerySet[Program]:
    """Every program the user may see, with the user's capacities joined in for the policy."""
    # One subquery per way of seeing a program (see `program_scope_parts`), never their join.
    visible = Q(pk__in=[])
    for part in permissions.program_scope_parts(user):
        visible |= Q(pk__in=Program.objects.filter(part).values("pk"))
    return (
        permissions.with_viewer_capacities(Program.objects.filter(visible), user)
        .select_related("organization", "sponsor__user")
        .prefetch_related(Prefetch("coordinators", queryset=Member.objects.select_related("user")))
        .annotate(
            # Counted in subqueries: joining both would multiply circles by enrolments (200
            # circles and 1,300 people make 260,000 rows a program to count back down).
            circle_count=_count(Count("circles")),
            enrolled_count=_count(
                Count("enrolments", filter=Q(enrolments__withdrawn_on__isnull=True))
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


CANDIDATES_SHOWN = 50  # enough to tick from; a longer list asks for a narrower search


def enrolment_candidates(
    *, program: Program, query: str = "", job_title: str = "", department: str = ""
) -> QuerySet[Member]:
    """Active members of the program's organisation not enrolled in it now, matching every word
    of `query` (name, start of the email, job role, department or location) and the job role
    and department when given."""
    enrolled = program.enrolments.filter(withdrawn_on__isnull=True).values("member_id")
    members = Member.objects.filter(
        organization_id=program.organization_id, is_active=True
    ).exclude(pk__in=enrolled)
    for word in query.split():
        members = members.filter(
            Q(user__full_name__icontains=word)
            # The start of the address: everyone's ends in the organisation's own domain.
            | Q(user__email__istartswith=word)
            | Q(job_title__icontains=word)
            | Q(department__icontains=word)
            | Q(location__icontains=word)
        )
    if job_title:
        members = members.filter(job_title=job_title)
    if department:
        members = members.filter(department=department)
    return members.select_related("user").order_by("user__full_name")


@dataclass(frozen=True)
class EnrolmentGroup:
    name: str
    waiting: int  # members with this job role or department not enrolled yet


@dataclass(frozen=True)
class EnrolmentGroups:
    job_roles: list[EnrolmentGroup]
    departments: list[EnrolmentGroup]


def enrolment_groups(*, program: Program) -> EnrolmentGroups:
    """The organisation's job roles and departments, each with how many of its active members
    are not enrolled yet (two queries)."""
    candidates = enrolment_candidates(program=program).order_by()

    def grouped(column: str) -> list[EnrolmentGroup]:
        rows = (
            Member.objects.filter(organization_id=program.organization_id, is_active=True)
            .exclude(**{column: ""})
            .values(column)
            .annotate(waiting=Count("pk", filter=Q(pk__in=candidates.values("pk"))))
            .order_by(column)
        )
        return [EnrolmentGroup(name=row[column], waiting=row["waiting"]) for row in rows]

    return EnrolmentGroups(job_roles=grouped("job_title"), departments=grouped("department"))
