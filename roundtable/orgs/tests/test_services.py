"""Organisation and member services: creation, profile updates, tags and availability."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.accounts.models import User
from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member, Tag
from roundtable.orgs.services import (
    member_create,
    member_set_availability,
    member_update,
    organization_create,
    tags_resolve,
)


def test_member_create_reuses_tags_case_insensitively(personas):
    org = personas.organization
    a = member_create(
        organization=org, email="a@example.org", full_name="A", skills=["Negotiation", "Excel"]
    )
    b = member_create(
        organization=org, email="b@example.org", full_name="B", skills=["negotiation "]
    )
    assert {t.pk for t in b.skills.all()} <= {t.pk for t in a.skills.all()}
    assert org.tags.filter(kind="skill").count() == 2


def test_unknown_time_zone_is_refused(personas):
    with pytest.raises(DomainError, match="not a known time zone"):
        member_create(
            organization=personas.organization,
            email="tz@example.org",
            full_name="Tz",
            time_zone="Mars/Olympus",
        )


def test_a_member_cannot_manage_themself(personas):
    member = personas.members["member"]
    with pytest.raises(DomainError, match="own manager"):
        member_update(member=member, manager=member)


def test_availability_windows_merge_and_validate(personas):
    member = personas.members["member"]
    slots = member_set_availability(
        member=member,
        slots=[
            (0, dt.time(9), dt.time(10)),
            (0, dt.time(9, 30), dt.time(11)),
            (3, dt.time(14), dt.time(15)),
        ],
    )
    assert [(s.weekday, s.start_time, s.end_time) for s in slots] == [
        (0, dt.time(9), dt.time(11)),
        (3, dt.time(14), dt.time(15)),
    ]
    with pytest.raises(DomainError, match="end after it starts"):
        member_set_availability(member=member, slots=[(1, dt.time(11), dt.time(10))])
    assert member.availability.count() == 2


def test_organization_slugs_stay_unique(db):
    first = organization_create(name="Acme Ltd")
    second = organization_create(name="Acme  Ltd")
    assert (first.slug, second.slug) == ("acme-ltd", "acme-ltd-2")


def test_member_create_joins_an_existing_account_ignoring_case(personas):
    users = User.objects.count()
    member = member_create(
        organization=personas.organization, email="OUTSIDER@example.org", full_name="Other name"
    )
    assert member.user == personas.outsider
    assert member.user.full_name == "Outsider Persona"
    assert User.objects.count() == users
    with pytest.raises(DomainError, match="already a member of Acme Ltd"):
        member_create(
            organization=personas.organization, email="outsider@example.org", full_name="Again"
        )


def test_tags_resolve_keeps_order_drops_duplicates_and_creates_in_one_insert(
    personas, django_assert_num_queries
):
    org = personas.organization
    tags_resolve(organization=org, kind=Tag.Kind.SKILL, names=["Excel"])
    # One select for the existing tags, one insert for all the new ones.
    with django_assert_num_queries(2):
        tags = tags_resolve(
            organization=org,
            kind=Tag.Kind.SKILL,
            names=["Negotiation", " excel ", "negotiation", "Public   speaking", "", "CRM"],
        )
    assert [t.name for t in tags] == ["Negotiation", "Excel", "Public speaking", "CRM"]
    assert len({t.pk for t in tags}) == 4
    approaches = tags_resolve(organization=org, kind=Tag.Kind.APPROACH, names=["excel"])
    assert approaches[0].pk not in {t.pk for t in tags}


def test_member_update_touches_only_the_fields_given(personas):
    member = personas.members["member"]
    member_update(member=member, skills=["Excel"], location="Leeds")
    member_update(member=member, department="Support")
    member = Member.objects.get(pk=member.pk)
    assert (member.location, member.department) == ("Leeds", "Support")
    assert [t.name for t in member.skills.all()] == ["Excel"]
    with pytest.raises(DomainError, match="Unknown member fields: email"):
        member_update(member=member, email="x@example.org")
