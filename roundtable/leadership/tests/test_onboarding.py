"""The lead's introduction: only the current lead goes through it, their place is kept, skipping
and finishing both leave it open to revisit; a new lead is welcomed once, after the change."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from roundtable.circles.services import circle_create, circle_remove_member, circle_set_lead
from roundtable.leadership.models import LeadOnboarding
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.testing.personas import Personas

NOT_THE_LEAD = ("admin", "coordinator", "sponsor", "member")


def _intro(circle: Any, *screen: int) -> str:
    return reverse("leadership:onboarding", args=[circle.pk, *screen])


def _welcomes(member: Any) -> list[Notice]:
    return list(Notice.objects.filter(member=member, kind=NoticeKind.LEAD_WELCOME))


# --- the welcome --------------------------------------------------------------------------------


def test_a_new_lead_is_welcomed_once_with_a_link_to_the_introduction(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    circle, member, lead = personas.circle, personas.members["member"], personas.members["lead"]
    with django_capture_on_commit_callbacks(execute=True):
        circle_set_lead(circle=circle, lead=member)
    [welcome] = _welcomes(member)
    assert welcome.url == _intro(circle)
    assert "North" in welcome.title
    assert _welcomes(lead) == []  # the lead who stepped down is not welcomed

    # Leading again later does not welcome them twice; the same lead set again is no change.
    with django_capture_on_commit_callbacks(execute=True):
        circle_set_lead(circle=circle, lead=lead)
        circle_set_lead(circle=circle, lead=lead)
    with django_capture_on_commit_callbacks(execute=True):
        circle_set_lead(circle=circle, lead=member)
    assert len(_welcomes(member)) == 1
    assert len(_welcomes(lead)) == 1


def test_a_lead_set_and_changed_again_in_one_go_welcomes_only_the_last(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    circle, member, lead = personas.circle, personas.members["member"], personas.members["lead"]
    with django_capture_on_commit_callbacks(execute=True):
        circle_set_lead(circle=circle, lead=member)
        circle_set_lead(circle=circle, lead=lead)
    assert _welcomes(member) == []
    assert len(_welcomes(lead)) == 1


def test_a_circle_created_with_a_lead_welcomes_them_and_losing_a_lead_welcomes_nobody(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    member = personas.members["member"]
    with django_capture_on_commit_callbacks(execute=True):
        west = circle_create(program=personas.program, name="West", members=[member], lead=member)
    [welcome] = _welcomes(member)
    assert welcome.url == _intro(west)
    before = Notice.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        circle_remove_member(circle=west, member=member)
    assert Notice.objects.count() == before


def test_nothing_is_sent_when_the_change_does_not_commit(personas: Personas) -> None:
    # Inside the test's transaction the welcome waits for a commit that never comes.
    circle_set_lead(circle=personas.circle, lead=personas.members["member"])
    assert _welcomes(personas.members["member"]) == []


# --- who may go through it ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOT_THE_LEAD)
def test_only_the_lead_sees_the_introduction(client: Any, personas: Personas, name: str) -> None:
    client.force_login(personas.user(name))
    response = client.get(_intro(personas.circle))
    assert response.status_code == 403
    assert "for the circle's current lead" in html.unescape(response.content.decode())
    for action in ("onboarding_move", "onboarding_skip", "onboarding_finish"):
        url = reverse(f"leadership:{action}", args=[personas.circle.pk])
        assert client.post(url, {"screen": 2}).status_code == 403
    assert not LeadOnboarding.objects.exists()


def test_an_outsider_does_not_find_it(client: Any, personas: Personas) -> None:
    client.force_login(personas.outsider)
    assert client.get(_intro(personas.circle)).status_code == 404
    assert client.get(_intro(personas.circle, 2)).status_code == 404
    for action in ("onboarding_move", "onboarding_skip", "onboarding_finish"):
        url = reverse(f"leadership:{action}", args=[personas.circle.pk])
        assert client.post(url, {"screen": 2}).status_code == 404
    assert not LeadOnboarding.objects.exists()


def test_the_lead_of_another_circle_is_not_the_lead_here(client: Any, personas: Personas) -> None:
    client.force_login(personas.lead)
    # North's lead may see South (same program) but does not lead it.
    response = client.get(_intro(personas.other_circle))
    assert response.status_code in (403, 404)
    assert not LeadOnboarding.objects.exists()


# --- the lead's way through -----------------------------------------------------------------------


def test_the_lead_goes_back_and_forth_and_their_place_is_kept(
    client: Any, personas: Personas
) -> None:
    circle, lead = personas.circle, personas.members["lead"]
    client.force_login(personas.lead)
    page = client.get(_intro(circle)).content.decode()
    assert "A mission together" in page
    assert "accomplish a mission together" in page
    assert "Skip for now" in page
    assert "Back</button>" not in page  # nothing before the first screen

    response = client.post(reverse("leadership:onboarding_move", args=[circle.pk]), {"screen": 3})
    assert response.url == _intro(circle, 3)
    assert LeadOnboarding.objects.get(circle=circle, lead=lead).step == 3

    # Coming back later opens where they left off.
    page = client.get(_intro(circle)).content.decode()
    assert "External clarity" in page
    assert "Back</button>" in page
    assert "Next</button>" in page

    last = client.get(_intro(circle, 5)).content.decode()
    assert "you cannot make anyone do anything" not in last  # that is screen 4
    assert "confident in what you do not know" in last
    assert "Write the mission together</button>" in last

    # Screen 4 speaks of mentor, coach, collaborate and the paradox.
    four = client.get(_intro(circle, 4)).content.decode()
    for word in ("Mentor", "Coach", "Collaborate", "you cannot make anyone do anything"):
        assert word in four


def test_a_screen_out_of_range_is_refused_and_nothing_changes(
    client: Any, personas: Personas
) -> None:
    client.force_login(personas.lead)
    url = reverse("leadership:onboarding_move", args=[personas.circle.pk])
    response = client.post(url, {"screen": 9}, follow=True)
    assert "screens 1 to 5" in response.content.decode()
    assert not LeadOnboarding.objects.filter(step=9).exists()
    assert client.get(_intro(personas.circle, 9)).url == _intro(personas.circle, 1)


def test_skipping_keeps_it_open_and_stops_the_invitation_on_the_circle_page(
    client: Any, personas: Personas
) -> None:
    circle = personas.circle
    client.force_login(personas.lead)
    circle_page = reverse("circles:detail", args=[circle.pk])
    assert "a short introduction to leading your peers" in client.get(circle_page).content.decode()

    client.post(reverse("leadership:onboarding_move", args=[circle.pk]), {"screen": 2})
    response = client.post(reverse("leadership:onboarding_skip", args=[circle.pk]))
    assert response.url == circle_page
    onboarding = LeadOnboarding.objects.get(circle=circle)
    assert onboarding.skipped_on is not None
    assert onboarding.finished_on is None
    assert onboarding.step == 2
    assert "a short introduction to leading your peers" not in (
        client.get(circle_page).content.decode()
    )
    # Revisitable: it opens where they were.
    assert "Internal clarity" in client.get(_intro(circle)).content.decode()


def test_finishing_leads_into_the_mission_and_a_revisit_starts_over(
    client: Any, personas: Personas
) -> None:
    circle = personas.circle
    client.force_login(personas.lead)
    response = client.post(reverse("leadership:onboarding_finish", args=[circle.pk]))
    assert response.url == reverse("leadership:mission", args=[circle.pk])
    onboarding = LeadOnboarding.objects.get(circle=circle)
    assert onboarding.finished_on is not None
    assert onboarding.step == 5
    page = client.get(_intro(circle)).content.decode()
    assert "A mission together" in page
    assert "Skip for now" not in page
    assert "Finished" in page
    mission_page = client.get(reverse("leadership:mission", args=[circle.pk])).content.decode()
    assert "Revisit the introduction for leads" in mission_page


def test_a_new_lead_starts_their_own_way_through(client: Any, personas: Personas) -> None:
    circle = personas.circle
    client.force_login(personas.lead)
    client.post(reverse("leadership:onboarding_finish", args=[circle.pk]))
    circle_set_lead(circle=circle, lead=personas.members["member"])
    client.force_login(personas.member)
    assert "A mission together" in client.get(_intro(circle)).content.decode()
    client.post(reverse("leadership:onboarding_move", args=[circle.pk]), {"screen": 2})
    rows = {o.lead_id: o for o in LeadOnboarding.objects.filter(circle=circle)}
    assert rows[personas.members["member"].pk].step == 2
    assert rows[personas.members["member"].pk].finished_on is None
    assert rows[personas.members["lead"].pk].finished_on is not None
    # The former lead no longer goes through it for this circle.
    client.force_login(personas.lead)
    assert client.get(_intro(circle)).status_code == 403
