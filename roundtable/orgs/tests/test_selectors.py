"""Organisation and member reads: the getters ask the policy (a 404 for anyone it refuses), the
directory searches and filters."""

from __future__ import annotations

from unittest import mock

import pytest
from django.http import Http404

from roundtable.core import permissions
from roundtable.orgs import selectors
from roundtable.orgs.services import member_create, member_update


def test_organization_getter_asks_the_policy(personas):
    org = personas.organization
    assert selectors.organization_get_for_user(user=personas.member, slug=org.slug) == org
    with (
        mock.patch.object(permissions, "can_view_organization", return_value=False) as policy,
        pytest.raises(Http404),
    ):
        selectors.organization_get_for_user(user=personas.member, slug=org.slug)
    policy.assert_called_once_with(personas.member, org)


def test_outsiders_and_inactive_members_do_not_get_the_organisation(personas):
    slug = personas.organization.slug
    with pytest.raises(Http404):
        selectors.organization_get_for_user(user=personas.outsider, slug=slug)
    with pytest.raises(Http404):
        selectors.organization_get_for_user(user=personas.member, slug="no-such-org")
    member = personas.members["member"]
    member_update(member=member, is_active=False)
    user = type(member.user).objects.get(pk=member.user_id)  # a fresh request's user
    with pytest.raises(Http404):
        selectors.organization_get_for_user(user=user, slug=slug)


def test_member_getter_is_scoped_to_the_users_organisations(personas):
    member = personas.members["member"]
    assert selectors.member_get_for_user(user=personas.outsider, pk=personas.members["outsider"].pk)
    assert selectors.member_get_for_user(user=personas.lead, pk=member.pk) == member
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=personas.outsider, pk=member.pk)
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=personas.admin, pk=personas.members["outsider"].pk)


def test_directory_search_needs_every_word_and_reads_tags(personas):
    org = personas.organization
    member_create(
        organization=org,
        email="ana@example.org",
        full_name="Ana Silva",
        department="Support",
        skills=["Negotiation"],
        approaches=["data-driven"],
    )

    def names(**filters: str) -> list[str]:
        return [m.name for m in selectors.member_directory(organization=org, **filters)]

    assert names(query="negotiation") == ["Ana Silva"]
    assert names(query="silva data-driven") == ["Ana Silva"]
    assert names(query="silva sales") == []
    assert names(department="Support") == ["Ana Silva"]
    assert "Ana Silva" not in names(role="Account manager")
    assert len(names(role="Account manager")) == 6


def test_directory_search_reads_ten_distinct_words_and_two_hundred_characters(personas):
    assert selectors.search_words("  Ana ana ANA silva ") == (["Ana", "silva"], False)
    words, cut = selectors.search_words(" ".join(f"w{i}" for i in range(50)))
    assert (words, cut) == ([f"w{i}" for i in range(10)], True)
    words, cut = selectors.search_words("x" * 300)
    assert (words, cut) == (["x" * 200], True)


def test_directory_search_ignores_words_past_the_tenth(personas):
    org = personas.organization
    member_create(organization=org, email="ana@example.org", full_name="Ana Silva")
    query = "ana silva a n s i l v example .org nobody-has-this"
    assert [m.name for m in selectors.member_directory(organization=org, query=query)] == [
        "Ana Silva"
    ]


def test_a_member_matching_through_several_tags_is_listed_once(personas):
    org = personas.organization
    member_create(
        organization=org,
        email="ana@example.org",
        full_name="Ana Silva",
        skills=["Negotiation", "Facilitation"],
        approaches=["Iteration", "Reflection"],
    )
    found = selectors.member_directory(organization=org, query="tion ion")
    assert [m.name for m in found] == ["Ana Silva"]
    assert found.count() == 1


def test_inactive_members_leave_the_directory_and_its_filters(personas):
    org = personas.organization
    member_create(
        organization=org, email="x@example.org", full_name="X", department="Gone", job_title="Old"
    )
    assert selectors.departments_list(organization=org) == ["Gone", "Sales"]
    assert selectors.job_roles_list(organization=org) == ["Account manager", "Old"]
    member_update(member=org.members.get(user__email="x@example.org"), is_active=False)
    assert selectors.departments_list(organization=org) == ["Sales"]
    assert selectors.job_roles_list(organization=org) == ["Account manager"]
    assert "X" not in [m.name for m in selectors.member_directory(organization=org)]
