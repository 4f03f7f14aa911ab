"""Reads for organisations and members, scoped by the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.orgs.models import Member, Organization

# The member search reads at most this many characters and words; the rest is ignored (the
# directory page says so). Each word costs one LIKE per column and one EXISTS per tag relation, so
# a query's cost is linear in its words and these limits bound it.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 10


def organizations_for_user(*, user: Any) -> list[Organization]:
    """The organisations the user is an active member of."""
    return [m.organization for m in permissions.memberships(user).values()]


def organization_get_for_user(*, user: Any, slug: str) -> Organization:
    """The organisation with this slug if the policy lets the user see it; Http404 otherwise."""
    return object_get_or_404(
        Organization.objects.all(),
        slug=slug,
        can=lambda org: permissions.can_view_organization(user, org),
        message="No such organisation.",
    )


def search_words(query: str) -> tuple[list[str], bool]:
    """The distinct words of a search (case ignored), within the limits above, and whether
    anything beyond them was left out."""
    query = query.strip()
    words: dict[str, str] = {}
    for word in query[:SEARCH_MAX_LENGTH].split():
        words.setdefault(word.casefold(), word)
    kept = list(words.values())[:SEARCH_MAX_WORDS]
    return kept, len(query) > SEARCH_MAX_LENGTH or len(words) > SEARCH_MAX_WORDS


def _has_tag(through: Any, word: str) -> Exists:
    return Exists(through.objects.filter(member=OuterRef("pk"), tag__name__icontains=word))


def _member_matches(word: str) -> Q:
    # Tags are tested with EXISTS, never joined: a join per word multiplied the rows by each
    # member's skills and approaches for every word, so time grew exponentially with the words.
    return (
        Q(user__full_name__icontains=word)
        | Q(user__email__icontains=word)
        | Q(job_title__icontains=word)
        | Q(department__icontains=word)
        | Q(location__icontains=word)
        | Q(_has_tag(Member.skills.through, word))
        | Q(_has_tag(Member.approaches.through, word))
    )


def member_directory(
    *, organization: Organization, query: str = "", department: str = "", role: str = ""
) -> QuerySet[Member]:
    """Active members, every word of `query` found in their name, email, job role, department,
    location, a skill or an approach (within `search_words`' limits)."""
    members = (
        Member.objects.filter(organization=organization, is_active=True)
        .select_related("user", "manager__user")
        .prefetch_related("skills", "approaches")
    )
    for word in search_words(query)[0]:
        members = members.filter(_member_matches(word))
    if department:
        members = members.filter(department=department)
    if role:
        members = members.filter(job_title=role)
    return members.order_by("user__full_name")


def departments_list(*, organization: Organization) -> list[str]:
    return list(
        Member.objects.filter(organization=organization, is_active=True)
        .exclude(department="")
        .values_list("department", flat=True)
        .distinct()
        .order_by("department")
    )


def job_roles_list(*, organization: Organization) -> list[str]:
    return list(
        Member.objects.filter(organization=organization, is_active=True)
        .exclude(job_title="")
        .values_list("job_title", flat=True)
        .distinct()
        .order_by("job_title")
    )


def member_get_for_user(*, user: Any, pk: int) -> Member:
    """A member of an organisation the user may see, with what their page shows; Http404 else."""
    return object_get_or_404(
        Member.objects.select_related("user", "organization", "manager__user").prefetch_related(
            "skills",
            "approaches",
            "availability",
            Prefetch("reports", queryset=Member.objects.select_related("user")),
        ),
        pk=pk,
        can=lambda member: permissions.can_view_organization(user, member.organization),
        message="No such member.",
    )


def account_shared_elsewhere(*, member: Member) -> bool:
    """Whether the person's account is also a member of another organisation: then their name
    and email belong to them, and no single organisation may change them."""
    return (
        Member.objects.filter(user_id=member.user_id)
        .exclude(organization_id=member.organization_id)
        .exists()
    )


def members_for_choice(*, organization: Organization) -> QuerySet[Member]:
    return (
        Member.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
