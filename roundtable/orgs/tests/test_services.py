"""Member services: creation, profile updates, tags and availability."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from roundtable.core.errors import DomainError
from roundtable.orgs.services import member_create, member_set_availability, member_update


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


def test_profile_page_saves_profile_and_availability(client, personas):
    client.force_login(personas.member)
    data = {
        "full_name": "Mia Member",
        "job_title": "Account manager",
        "department": "Sales",
        "location": "Leeds",
        "hire_date": "2020-03-01",
        "years_experience": "6.5",
        "time_zone": "America/New_York",
        "skills": "negotiation, forecasting",
        "approaches": "data-driven",
        "availability-TOTAL_FORMS": "2",
        "availability-INITIAL_FORMS": "0",
        "availability-MIN_NUM_FORMS": "0",
        "availability-MAX_NUM_FORMS": "40",
        "availability-0-weekday": "1",
        "availability-0-start_time": "09:00",
        "availability-0-end_time": "11:00",
        "availability-1-weekday": "",
        "availability-1-start_time": "",
        "availability-1-end_time": "",
    }
    response = client.post(reverse("orgs:profile"), data)
    assert response.status_code == 302
    member = personas.members["member"]
    member.refresh_from_db()
    assert member.time_zone == "America/New_York"
    assert member.user.full_name == "Mia Member"
    assert sorted(t.name for t in member.skills.all()) == ["forecasting", "negotiation"]
    assert member.availability.get().start_time == dt.time(9)


def test_profile_page_reports_bad_input_and_keeps_it(client, personas):
    client.force_login(personas.member)
    data = {
        "full_name": "Mia Member",
        "hire_date": "2999-01-01",
        "years_experience": "abc",
        "time_zone": "Nowhere/Land",
        "availability-TOTAL_FORMS": "1",
        "availability-INITIAL_FORMS": "0",
        "availability-MIN_NUM_FORMS": "0",
        "availability-MAX_NUM_FORMS": "40",
        "availability-0-weekday": "2",
        "availability-0-start_time": "15:00",
        "availability-0-end_time": "14:00",
    }
    response = client.post(reverse("orgs:profile"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be in the future" in body
    assert "Enter a number" in body
    assert "Select a valid choice" in body
    assert "must end after it starts" in body
    assert 'value="Mia Member"' in body


def test_directory_search_and_htmx_fragment(client, personas):
    client.force_login(personas.member)
    url = reverse("orgs:directory", args=[personas.organization.slug])
    response = client.get(url, {"q": "lead"})
    assert "Lead Persona" in response.content.decode()
    assert "Coordinator Persona" not in response.content.decode()
    fragment = client.get(url, {"q": "coordinator"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert b"Coordinator Persona" in fragment.content


def test_directory_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    from roundtable.orgs.services import member_create

    client.force_login(personas.member)
    url = reverse("orgs:directory", args=[personas.organization.slug])
    with django_assert_max_num_queries(12):
        client.get(url)
    for i in range(15):
        member_create(
            organization=personas.organization,
            email=f"extra{i}@example.org",
            full_name=f"Extra {i}",
            skills=["a", "b"],
        )
    with django_assert_max_num_queries(12):
        client.get(url)


def test_private_fields_are_hidden_from_peers(client, personas):
    member = personas.members["member"]
    member_update(member=member, hire_date=dt.date(2019, 5, 1))
    client.force_login(personas.lead)
    body = client.get(reverse("orgs:member_detail", args=[member.pk])).content.decode()
    assert "Hire date" not in body
    client.force_login(personas.member)
    body = client.get(reverse("orgs:member_detail", args=[member.pk])).content.decode()
    assert "Hire date" in body
