"""The lead's toolkit pages as each persona sees them: the hub, reflections, the peer page with
its note, suggestions and support plans, "my notes" for a former lead, the circle page's link,
the admin site, and query counts that stay flat as the circle grows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.services import circle_add_member, circle_set_lead
from roundtable.commitments.models import BusyPeriod
from roundtable.leadership.models import (
    PeerNote,
    Reflection,
    ReflectionCadence,
    SharedProfile,
    SupportPlan,
)
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.leadership.services.reflections import reflection_write
from roundtable.leadership.services.support_plans import support_plan_create
from roundtable.orgs.models import Member
from roundtable.testing.factories import CircleFactory, MemberFactory
from roundtable.testing.queries import assert_queries_flat

OTHERS = ("admin", "coordinator", "sponsor", "member", "peer", "outsider")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _user(personas, name: str):
    if name == "peer":
        return Member.objects.get(user__email="peer@example.org").user
    return personas.user(name)


def _urls(personas) -> list[str]:
    circle, member = personas.circle.pk, personas.members["member"].pk
    return [
        reverse("leadership:toolkit", args=[circle]),
        reverse("leadership:reflections", args=[circle]),
        reverse("leadership:peer", args=[circle, member]),
    ]


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _plan(personas, **overrides) -> SupportPlan:
    return support_plan_create(
        **{
            "circle": personas.circle,
            "author": personas.members["lead"],
            "peer": personas.members["member"],
            "approach": "mentor",
            "next_step": "Walk through the renewal deck together",
            "review_on": timezone.localdate() + dt.timedelta(days=10),
        }
        | overrides
    )


def test_the_toolkit_is_the_current_leads_alone(personas):
    lead = _client(personas.lead)
    assert [lead.get(url).status_code for url in _urls(personas)] == [200, 200, 200]
    for name in OTHERS:
        client = _client(_user(personas, name))
        assert [client.get(url).status_code for url in _urls(personas)] == [404, 404, 404], name


def test_the_hub_shows_the_4c_steps_and_each_peer_but_the_lead(personas):
    _plan(personas)
    peer_note_save(circle=personas.circle, author=personas.members["lead"],
                   peer=personas.members["member"], goals="A promotion", needs="", load="",
                   support="")  # fmt: skip
    SharedProfile.objects.create(member=personas.members["member"], can_help_with="Excel models")
    page = _text(_client(personas.lead).get(_urls(personas)[0]))
    assert "Only you can read what you write here. It is encrypted at rest; admins, " in page
    assert "and the next lead starts blank." in page
    assert "1. Internal clarity" in page
    assert "You have not written a reflection on this circle yet." in page
    row = re.search(r"Member Persona .*?</?tr|Member Persona.*", page)
    assert row is not None
    review = (timezone.localdate() + dt.timedelta(days=10)).strftime("%-d %b %Y")
    assert f"Member Persona Can help with: Excel models Written Mentor: review {review} 1" in page
    assert "Lead Persona" not in page.split("Your peers in North")[1]


def test_a_reflection_shows_beside_the_questions_next_time(personas):
    lead = _client(personas.lead)
    url = _urls(personas)[1]
    response = lead.post(url, {"leader": "Someone who listens first", "goals": "", "outcomes": ""})
    assert response.status_code == 302
    assert Reflection.objects.get().leader == "Someone who listens first"
    page = _text(lead.get(url))
    assert "What kind of leader do you want to be? Last time, " in page
    assert "Someone who listens first" in page
    assert lead.post(url, {"leader": "", "goals": "", "outcomes": ""}).status_code == 400
    assert Reflection.objects.count() == 1


def test_the_cadence_form_sets_the_next_prompt(personas):
    lead = _client(personas.lead)
    url = reverse("leadership:reflection_cadence", args=[personas.circle.pk])
    lead.post(url, {"every_weeks": "6"})
    cadence = ReflectionCadence.objects.get()
    assert cadence.next_prompt_on == timezone.localdate() + dt.timedelta(weeks=6)
    lead.post(url, {"every_weeks": "99"})
    assert ReflectionCadence.objects.get().every_weeks == 6


def test_the_peer_page_shows_the_note_beside_what_the_peer_shares(personas):
    member = personas.members["member"]
    today = timezone.localdate()
    SharedProfile.objects.create(member=member, goals="Run a workshop", share_busy_periods=True)
    BusyPeriod.objects.create(member=member, label="Quarter close", starts_on=today,
                              ends_on=today + dt.timedelta(days=3))  # fmt: skip
    BusyPeriod.objects.create(member=member, label="Old launch", starts_on=today - dt.timedelta(
        days=30), ends_on=today - dt.timedelta(days=20))  # fmt: skip
    lead = _client(personas.lead)
    url = _urls(personas)[2]
    response = lead.post(
        reverse("leadership:peer_note", args=[personas.circle.pk, member.pk]),
        {"goals": "Team lead promotion", "needs": "", "load": "Two audits", "support": ""},
    )
    assert response.status_code == 302
    page = _text(lead.get(url))
    assert "Two audits" in page
    assert "Run a workshop" in page
    assert "Quarter close" in page
    assert "Old launch" not in page
    assert "Stretch assignment : Offer them the chance to lead" in page


def test_busy_periods_stay_hidden_unless_shared(personas):
    member = personas.members["member"]
    today = timezone.localdate()
    BusyPeriod.objects.create(member=member, label="Quarter close", starts_on=today,
                              ends_on=today)  # fmt: skip
    assert "Quarter close" not in _text(_client(personas.lead).get(_urls(personas)[2]))


def test_taking_a_suggestion_prefills_a_plan_the_lead_adjusts_and_saves(personas):
    PeerNote.objects.create(author=personas.members["lead"], circle=personas.circle,
                            peer=personas.members["member"], goals="Promotion")  # fmt: skip
    lead = _client(personas.lead)
    page = lead.get(_urls(personas)[2] + "?take=promotion").content.decode()
    assert '<option value="stretch" selected>' in page
    assert "Offer them the chance to lead one of the next meetings, or to own a trial." in page
    review = timezone.localdate() + dt.timedelta(days=14)
    response = lead.post(
        reverse("leadership:support_plan_new", args=[personas.circle.pk, personas.members[
            "member"].pk]),
        {"approach": "stretch", "next_step": "Offer her the April meeting",
         "review_on": review.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert (plan.approach, plan.next_step, plan.review_on) == (
        "stretch",
        "Offer her the April meeting",
        review,
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"approach": "stretch", "review_on": "2001-01-01"}, "Choose a review date from today"),
        ({"approach": "boss"}, "Select a valid choice"),
    ],
)
def test_a_plan_with_a_past_date_or_an_unknown_approach_is_refused(personas, data, error):
    url = reverse("leadership:support_plan_new", args=[personas.circle.pk,
                                                       personas.members["member"].pk])  # fmt: skip
    fields = {"next_step": "Pair up", "review_on": timezone.localdate().isoformat()} | data
    response = _client(personas.lead).post(url, fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not SupportPlan.objects.exists()


def test_a_plan_is_adjusted_then_closed(personas):
    plan = _plan(personas)
    lead = _client(personas.lead)
    args = [personas.circle.pk, personas.members["member"].pk, plan.pk]
    later = timezone.localdate() + dt.timedelta(days=20)
    response = lead.post(
        reverse("leadership:support_plan_edit", args=args),
        {"approach": "coach", "next_step": "Ask her what she'd try", "review_on": later},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.approach, plan.review_on) == ("coach", later)
    lead.post(reverse("leadership:support_plan_close", args=args))
    plan.refresh_from_db()
    assert plan.closed_on == timezone.localdate()


def test_no_peer_page_for_the_lead_themself_or_someone_outside_the_circle(personas):
    lead = _client(personas.lead)
    for member in (
        personas.members["lead"],
        personas.members["outsider"],
        Member.objects.get(user__email="peer@example.org"),
    ):
        url = reverse("leadership:peer", args=[personas.circle.pk, member.pk])
        assert lead.get(url).status_code == 404


def test_another_leads_plan_is_not_found(personas):
    plan = _plan(personas)
    newcomer = MemberFactory.create(organization=personas.organization)
    circle_add_member(circle=personas.circle, member=newcomer)
    circle_set_lead(circle=personas.circle, lead=newcomer)
    args = [personas.circle.pk, personas.members["member"].pk, plan.pk]
    client = _client(newcomer.user)
    assert client.get(reverse("leadership:support_plan_edit", args=args)).status_code == 404
    assert client.post(reverse("leadership:support_plan_close", args=args)).status_code == 404
    plan.refresh_from_db()
    assert plan.closed_on is None


def test_a_former_lead_reads_their_notes_read_only_and_the_new_lead_starts_blank(personas):
    lead = personas.members["lead"]
    reflection_write(circle=personas.circle, author=lead, leader="Patient and plain",
                     goals="", outcomes="")  # fmt: skip
    _plan(personas)
    circle_set_lead(circle=personas.circle, lead=personas.members["member"])
    former = _client(personas.lead)
    assert [former.get(url).status_code for url in _urls(personas)[:2]] == [404, 404]
    listing = _text(former.get(reverse("leadership:my_notes")))
    assert "North" in listing
    assert "Led it before: read only" in listing
    response = former.get(reverse("leadership:my_notes_circle", args=[personas.circle.pk]))
    page = response.content.decode()
    assert "Patient and plain" in page
    assert "Walk through the renewal deck together" in page
    forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page)
    assert forms == ["/accounts/logout/"]  # the header's sign-out alone: nothing to edit
    refused = former.post(_urls(personas)[1], {"leader": "Sneaky edit", "goals": "",
                                                "outcomes": ""})  # fmt: skip
    assert refused.status_code == 404
    assert Reflection.objects.count() == 1

    newcomer = MemberFactory.create(organization=personas.organization)
    circle_add_member(circle=personas.circle, member=newcomer)
    circle_set_lead(circle=personas.circle, lead=newcomer)
    hub = _text(_client(newcomer.user).get(_urls(personas)[0]))
    assert "You have not written a reflection on this circle yet." in hub
    assert "Walk through" not in hub
    assert "Mentor" not in hub
    mine = _client(newcomer.user)
    assert "You have not written any notes as a lead yet." in _text(
        mine.get(reverse("leadership:my_notes"))
    )
    assert (
        mine.get(reverse("leadership:my_notes_circle", args=[personas.circle.pk])).status_code
        == 404
    )


def test_the_circle_page_links_the_lead_alone_to_the_toolkit(personas):
    url = reverse("circles:detail", args=[personas.circle.pk])
    toolkit = reverse("leadership:toolkit", args=[personas.circle.pk])
    assert "Your lead's toolkit: private to you" in _text(_client(personas.lead).get(url))
    assert toolkit in _client(personas.lead).get(url).content.decode()
    for name in ("admin", "coordinator", "sponsor", "member"):
        assert toolkit not in _client(personas.user(name)).get(url).content.decode(), name


def test_the_admin_site_registers_none_of_the_private_models():
    registered = set(admin.site._registry)
    assert not registered & {Reflection, ReflectionCadence, PeerNote, SupportPlan}
    assert admin.site._registry  # the registry is populated: the check above can fail


def _grow(personas, n: int = 3) -> None:
    lead = personas.members["lead"]
    today = timezone.localdate()
    for _ in range(n):
        peer = MemberFactory.create(organization=personas.organization)
        circle_add_member(circle=personas.circle, member=peer)
        SharedProfile.objects.create(member=peer, goals="Promotion", share_busy_periods=True)
        BusyPeriod.objects.create(member=peer, label="Busy", starts_on=today, ends_on=today)
        peer_note_save(circle=personas.circle, author=lead, peer=peer, goals="Promotion",
                       needs="", load="", support="")  # fmt: skip
        for _ in range(2):
            _plan(personas, peer=peer)
        reflection_write(circle=personas.circle, author=lead, leader="More", goals="",
                         outcomes="")  # fmt: skip


def test_the_hub_takes_as_many_queries_however_big_the_circle(personas):
    _grow(personas, 1)
    assert_queries_flat(_client(personas.lead), _urls(personas)[0], grow=lambda: _grow(personas))


def test_the_peer_page_takes_as_many_queries_however_many_plans(personas):
    member = personas.members["member"]
    SharedProfile.objects.create(member=member, share_busy_periods=True)

    def grow() -> None:
        _grow(personas)
        today = timezone.localdate()
        for _ in range(3):
            _plan(personas)
            BusyPeriod.objects.create(member=member, label="Busy", starts_on=today, ends_on=today)

    assert_queries_flat(_client(personas.lead), _urls(personas)[2], grow=grow)


def test_my_notes_take_as_many_queries_however_many_circles(personas):
    url = reverse("leadership:my_notes")
    _grow(personas, 1)

    def grow() -> None:
        _grow(personas)
        # ... and notes in circles the lead led before (written then, as the services did).
        for name in ("East", "West"):
            circle = CircleFactory.create(program=personas.program, name=name)
            Reflection.objects.create(author=personas.members["lead"], circle=circle,
                                      written_on=timezone.localdate(), leader="Then")  # fmt: skip

    assert_queries_flat(_client(personas.lead), url, grow=grow)
    assert "East" in _text(_client(personas.lead).get(url))
