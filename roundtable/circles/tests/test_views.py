"""Circle pages: membership changes through htmx, editing, the lead's choices; access for every
persona; the query count stays flat as members and circles are added."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.services import circle_add_member, circle_create
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import PERSONA_NAMES
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


def test_htmx_remove_returns_the_members_fragment(client, personas):
    client.force_login(personas.coordinator)
    member = personas.members["member"]
    response = client.post(
        reverse("circles:remove_member", args=[personas.circle.pk, member.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "Former members (1)" in body
    assert "their time in the circle stays on record" in body or "stays on record" in body


def test_lead_can_rename_their_circle(client, personas):
    client.force_login(personas.lead)
    response = client.post(
        reverse("circles:edit", args=[personas.circle.pk]),
        {"name": "North Stars", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    personas.circle.refresh_from_db()
    assert personas.circle.name == "North Stars"


def test_lead_chooses_whether_feedback_shows_names(client, personas):
    client.force_login(personas.lead)
    response = client.post(
        reverse("circles:edit", args=[personas.circle.pk]),
        {"name": "North", "time_zone": "Europe/London"},  # box left unticked
    )
    assert response.status_code == 302
    personas.circle.refresh_from_db()
    assert personas.circle.feedback_anonymous is False
    assert personas.circle.feedback_setting_changed_on == timezone.localdate()
    page = client.get(reverse("circles:detail", args=[personas.circle.pk])).content.decode()
    since = f"{timezone.localdate():%-d %b %Y}"
    assert f"Feedback here shows your name (since {since}). Feedback given before stays" in page


def test_circle_page_says_feedback_is_anonymous(client, personas):
    client.force_login(personas.member)
    page = client.get(reverse("circles:detail", args=[personas.circle.pk])).content.decode()
    assert "Feedback here is anonymous: nobody, the lead included, can see who gave it." in page
    form = client.get(reverse("circles:edit", args=[personas.circle.pk]))
    assert form.status_code == 404  # a member does not change it


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_circle_page_for_every_persona(client, personas, name):
    client.force_login(personas.user(name))
    response = client.get(reverse("circles:detail", args=[personas.circle.pk]))
    if name == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert ("You lead this circle" in body) is (name == "lead")


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor", "lead", "member"])
def test_circle_page_queries_stay_flat_as_members_and_circles_are_added(client, personas, name):
    client.force_login(personas.user(name))

    def grow() -> None:
        for _ in range(4):
            circle_add_member(
                circle=personas.circle,
                member=MemberFactory.create(organization=personas.organization),
            )
        for i in range(3):
            circle_create(
                program=personas.program,
                name=f"Extra {i}",
                members=[
                    MemberFactory.create(organization=personas.organization) for _ in range(3)
                ],
            )

    assert_queries_flat(client, reverse("circles:detail", args=[personas.circle.pk]), grow=grow)


def test_removing_someone_who_is_not_in_the_circle_is_not_found(client, personas):
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("circles:remove_member", args=[personas.circle.pk, personas.members["sponsor"].pk])
    )
    assert response.status_code == 404
