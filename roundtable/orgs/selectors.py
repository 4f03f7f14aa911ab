"""Reads for organisations and members, scoped by the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from roundtable.core import permissions
from roundtable.orgs.models import Member, Organization


def organizations_for_user(*, user: Any) -> list[Organization]:
    return [m.organization for m in permissions.memberships(user).values()]


def organization_get_for_user(*, user: Any, slug: str) -> Organization:
    for org in organizations_for_user(user=user):
        if org.slug == slug:
            return org
    raise Http404("No such organisation.")


def member_directory(
    *, organization: Organization, query: str = "", department: str = "", role: str = ""
) -> QuerySet[Member]:
    members = (
        Member.objects.filter(organization=organization, is_active=True)
        .select_related("user", "manager__user")
        .prefetch_related("skills", "approaches")
    )
    for word in query.split():
        members = members.filter(
            Q(user__full_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(job_title__icontains=word)
            | Q(department__icontains=word)
            | Q(location__icontains=word)
            | Q(skills__name__icontains=word)
            | Q(approaches__name__icontains=word)
        )
    if department:
        members = members.filter(department=department)
    if role:
        members = members.filter(job_title=role)
    return members.distinct().order_by("user__full_name")


def departments(*, organization: Organization) -> list[str]:
    return list(
        Member.objects.filter(organization=organization, is_active=True)
        .exclude(department="")
        .values_list("department", flat=True)
        .distinct()
        .order_by("department")
    )


def job_roles(*, organization: Organization) -> list[str]:
    return list(
        Member.objects.filter(organization=organization, is_active=True)
        .exclude(job_title="")
        .values_list("job_title", flat=True)
        .distinct()
        .order_by("job_title")
    )


def member_get_for_user(*, user: Any, pk: int) -> Member:
    """A member of one of the user's organisations; anyone else's is a 404."""
    org_ids = list(permissions.memberships(user))
    member = (
        Member.objects.filter(pk=pk, organization_id__in=org_ids)
        .select_related("user", "organization", "manager__user")
        .prefetch_related(
            "skills",
            "approaches",
            "availability",
            Prefetch("reports", queryset=Member.objects.select_related("user")),
        )
        .first()
    )
    if member is None:
        raise Http404("No such member.")
    return member


def members_for_choice(*, organization: Organization) -> QuerySet[Member]:
    return (
        Member.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
