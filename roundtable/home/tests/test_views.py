"""The home page answers "what do I do next?" for each persona."""

from __future__ import annotations

from django.urls import reverse

from roundtable.programs.services import program_enrol


def test_lead_sees_their_circle_and_the_lead_step(client, personas):
    client.force_login(personas.lead)
    body = client.get(reverse("home:home")).content.decode()
    assert "You lead North" in body
    assert "Customer retention circles" in body
    assert "Add your weekly availability" in body


def test_sponsor_is_pointed_at_their_program(client, personas):
    client.force_login(personas.sponsor)
    body = client.get(reverse("home:home")).content.decode()
    assert "You sponsor Customer retention circles" in body


def test_coordinator_is_told_about_unplaced_members(client, personas):
    program_enrol(program=personas.program, members=[personas.members["admin"]])
    client.force_login(personas.coordinator)
    body = client.get(reverse("home:home")).content.decode()
    assert "1 enrolled member of Customer retention circles is in no circle yet" in body


def test_someone_without_an_organisation_is_told_what_to_do(client, django_user_model, db):
    user = django_user_model.objects.create_user("loner@example.org", "a-long-pass-phrase")
    client.force_login(user)
    body = client.get(reverse("home:home")).content.decode()
    assert "not in an organisation yet" in body


def test_home_query_count(client, personas, django_assert_max_num_queries):
    client.force_login(personas.coordinator)
    with django_assert_max_num_queries(20):
        client.get(reverse("home:home"))
