"""The working agreement's pages as every persona meets them: who reads (the outsider and the
other circle's lead get a 404), who agrees and proposes (members and the lead), who drafts and
decides (the lead, coordinators, admins; the sponsor reads only), what a refused or outdated
action shows, the diff, the circle page's box for someone who has not agreed, and query counts
that do not grow."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.leadership.agreement_templates import AGREEMENT_TEMPLATES
from roundtable.leadership.models import (
    AgreementAcknowledgement,
    AgreementAmendment,
    AgreementVersion,
    WorkingAgreement,
)
from roundtable.leadership.services.agreements import (
    agreement_acknowledge,
    agreement_version_create,
    amendment_propose,
)
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory
from roundtable.testing.queries import assert_queries_flat

NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "peer", "outsider")
NORTH = {"admin", "coordinator", "sponsor", "lead", "member"}
DRAFTERS = {"admin", "coordinator", "lead"}
TAKE_PART = {"lead", "member"}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


@pytest.fixture
def users(personas):
    found = {name: personas.user(name) for name in PERSONAS if name != "peer"}
    found["peer"] = Member.objects.get(user__email="peer@example.org").user
    return found


def _sections(version=None):
    if version is not None:
        return [dict(s) for s in version.sections]
    return [{"key": t.key, "title": t.title, "text": t.text} for t in AGREEMENT_TEMPLATES]


def _edited(version, key: str, text: str):
    return [{**s, "text": text} if s["key"] == key else dict(s) for s in version.sections]


def _v1(personas):
    return agreement_version_create(
        circle=personas.circle, author=personas.members["lead"], sections=_sections()
    )


def _amend(personas, version, member=None, text="We keep meetings to 45 minutes."):
    return amendment_propose(
        circle=personas.circle,
        member=member or personas.members["member"],
        based_on_number=version.number,
        sections=_edited(version, "fine", text),
        reason="Meetings drag on",
    )


def _post_sections(rows, **extra):
    """What the browser sends: one row per section ("keep" ticked unless `keep` is False)."""
    data = {
        "sections-TOTAL_FORMS": str(len(rows)),
        "sections-INITIAL_FORMS": str(len(rows)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "40",
    }
    for i, row in enumerate(rows):
        data[f"sections-{i}-key"] = row.get("key", "")
        data[f"sections-{i}-title"] = row.get("title", "")
        data[f"sections-{i}-text"] = row.get("text", "")
        if row.get("keep", True):
            data[f"sections-{i}-keep"] = "on"
    data.update({k: str(v) for k, v in extra.items()})
    return data


def page_of(response) -> str:
    """The page as a person reads it (entities such as &#x27; turned back into characters)."""
    return html.unescape(response.content.decode())


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# --- every page, every persona ------------------------------------------------------------------


def test_every_page_as_every_persona(personas, users):
    v1 = _v1(personas)
    amendment = _amend(personas, v1)
    circle = personas.circle.pk
    pages = [
        (reverse("leadership:agreement", args=[circle]), NORTH),
        (reverse("leadership:agreement_version", args=[circle, 1]), NORTH),
        (reverse("leadership:agreement_amendment", args=[circle, amendment.pk]), NORTH),
        (reverse("leadership:agreement_draft", args=[circle]), DRAFTERS),
        (reverse("leadership:agreement_amendment_propose", args=[circle]), TAKE_PART),
    ]
    seen, expected = {}, {}
    for url, allowed in pages:
        for name, user in users.items():
            seen[(url, name)] = _client(user).get(url).status_code
            expected[(url, name)] = 200 if name in allowed else 404
    assert seen == expected
    # Someone else's circle: the other lead's agreement is not ours to read.
    south = reverse("leadership:agreement", args=[personas.other_circle.pk])
    assert _client(users["member"]).get(south).status_code == 404
    assert _client(users["peer"]).get(south).status_code == 200


def test_acknowledging_as_every_persona(personas, users):
    _v1(personas)
    url = reverse("leadership:agreement_acknowledge", args=[personas.circle.pk, 1])
    statuses = {name: _client(user).post(url).status_code for name, user in users.items()}
    assert statuses == {name: 302 if name in NORTH else 404 for name in PERSONAS}
    agreed = set(AgreementAcknowledgement.objects.values_list("member__user__email", flat=True))
    assert agreed == {"lead@example.org", "member@example.org"}


def test_the_sponsor_reads_only_and_is_told_why_an_action_is_refused(personas, users):
    v1 = _v1(personas)
    amendment = _amend(personas, v1)
    sponsor = _client(users["sponsor"])
    page = page_of(sponsor.get(reverse("leadership:agreement", args=[personas.circle.pk])))
    assert "I agree to this version" not in page
    assert "Propose a change" not in page
    assert "Write a new version" not in page
    assert "0 of 2</strong> agreed" in page
    assert "Lead Persona: " not in page  # names are for the circle and those who run it
    response = sponsor.post(
        reverse("leadership:agreement_acknowledge", args=[personas.circle.pk, 1]), follow=True
    )
    assert "Only the circle's members and its lead agree" in page_of(response)
    response = sponsor.post(
        reverse("leadership:agreement_amendment_accept", args=[personas.circle.pk, amendment.pk]),
        follow=True,
    )
    assert "Only the circle's lead, the program's coordinators and admins" in page_of(response)
    assert not AgreementAcknowledgement.objects.exists()
    assert AgreementVersion.objects.count() == 1


def test_deciding_as_every_persona(personas, users):
    v1 = _v1(personas)
    for name, user in users.items():
        amendment = _amend(personas, v1, text=f"Said by {name}.")
        url = reverse(
            "leadership:agreement_amendment_decline", args=[personas.circle.pk, amendment.pk]
        )
        response = _client(user).post(url, {"reason": "Not this time"})
        amendment.refresh_from_db()
        assert response.status_code == (404 if name not in NORTH else 302), name
        assert (amendment.status == "declined") == (name in DRAFTERS), name


# --- drafting ---------------------------------------------------------------------------------


def test_the_lead_drafts_from_templates_unticking_one_and_adding_their_own(personas, users):
    client = _client(users["lead"])
    url = reverse("leadership:agreement_draft", args=[personas.circle.pk])
    page = page_of(client.get(url))
    for template in AGREEMENT_TEMPLATES:
        assert template.title in page
        assert template.purpose in page
    rows = [{**s, "keep": s["key"] != "friendships"} for s in _sections()] + [
        {"title": "Phones", "text": "Face down in meetings."},
        {},
    ]
    response = client.post(url, _post_sections(rows, revisit_months=2))
    assert response.status_code == 302
    version = AgreementVersion.objects.get()
    assert [s["title"] for s in version.sections] == [
        "What is fine and what is not",
        "How to push back",
        "Critique the idea, not the person",
        "When someone misses a commitment",
        "Phones",
    ]
    assert WorkingAgreement.objects.get().revisit_months == 2


def test_an_empty_section_is_refused_with_what_was_typed_kept(personas, users):
    client = _client(users["lead"])
    url = reverse("leadership:agreement_draft", args=[personas.circle.pk])
    rows = [{"key": "fine", "title": "What is fine", "text": ""}, {"title": "Phones"}]
    response = client.post(url, _post_sections(rows, revisit_months=3))
    assert response.status_code == 400
    page = page_of(response)
    assert "The section “What is fine” is empty" in page
    assert 'value="Phones"' in page
    assert not AgreementVersion.objects.exists()


def test_a_new_version_directly_needs_a_change_note_and_asks_everyone_again(personas, users):
    v1 = _v1(personas)
    agreement_acknowledge(circle=personas.circle, member=personas.members["member"], number=1)
    client = _client(users["coordinator"])
    url = reverse("leadership:agreement_draft", args=[personas.circle.pk])
    rows = _edited(v1, "fine", "Be kind, be on time.")
    response = client.post(url, _post_sections(rows, revisit_months=3))
    assert response.status_code == 400
    assert "what changed and why" in page_of(response)
    response = client.post(
        url, _post_sections(rows, revisit_months=3, change_note="We were often late")
    )
    assert response.status_code == 302
    member = _client(users["member"])
    page = page_of(member.get(reverse("leadership:agreement", args=[personas.circle.pk])))
    assert "I agree to this version" in page
    assert "0 of 2</strong> agreed to version 2" in page
    assert "Why it changed: We were often late" in page


# --- acknowledging and the diff -----------------------------------------------------------------


def test_the_agreement_page_shows_who_agreed_and_what_changed_word_by_word(personas, users):
    v1 = _v1(personas)
    agreement_acknowledge(circle=personas.circle, member=personas.members["lead"], number=1)
    url = reverse("leadership:agreement", args=[personas.circle.pk])
    member = _client(users["member"])
    page = page_of(member.get(url))
    assert "1 of 2</strong> agreed" in page
    assert "Lead Persona: agreed 1 Mar" in page
    assert 'Member Persona: <span class="muted">not yet</span>' in page
    response = member.post(
        reverse("leadership:agreement_acknowledge", args=[personas.circle.pk, 1]), follow=True
    )
    page = page_of(response)
    assert "You agreed to version 1. Thank you." in page
    assert "All 2</strong> agreed" in page
    assert "I agree to this version" not in page

    text = v1.sections[0]["text"].replace("to joke", "to laugh")
    agreement_version_create(
        circle=personas.circle,
        author=personas.members["lead"],
        sections=_edited(v1, "fine", text),
        change_note="Laugh",
    )
    page = page_of(member.get(url))
    assert "What changed from version 1" in page
    assert "<del>joke,</del><ins>laugh,</ins>" in page
    assert "0 of 2</strong> agreed to version 2" in page
    assert reverse("leadership:agreement_version", args=[personas.circle.pk, 1]) in page


def test_acknowledging_an_old_version_is_refused_and_nothing_changes(personas, users):
    v1 = _v1(personas)
    agreement_version_create(
        circle=personas.circle,
        author=personas.members["lead"],
        sections=_edited(v1, "fine", "Be kind."),
        change_note="Shorter",
    )
    response = _client(users["member"]).post(
        reverse("leadership:agreement_acknowledge", args=[personas.circle.pk, 1]), follow=True
    )
    assert "You read version 1, but the agreement is now at version 2" in page_of(response)
    assert not AgreementAcknowledgement.objects.exists()


# --- amendments -------------------------------------------------------------------------------


def test_a_member_proposes_and_the_lead_accepts(personas, users):
    v1 = _v1(personas)
    member = _client(users["member"])
    url = reverse("leadership:agreement_amendment_propose", args=[personas.circle.pk])
    rows = _edited(v1, "push_back", "Push back within a day.")
    response = member.post(url, _post_sections(rows, based_on=1, reason="Sooner is kinder"))
    assert response.status_code == 302
    amendment = AgreementAmendment.objects.get()
    page = page_of(member.get(response.url))
    assert "<del>Anyone can push</del><ins>Push</ins> back" in page
    assert "Withdraw it" in page
    assert "Accept it" not in page

    lead = _client(users["lead"])
    page = page_of(lead.get(response.url))
    assert "Accept it" in page
    lead.post(
        reverse("leadership:agreement_amendment_accept", args=[personas.circle.pk, amendment.pk])
    )
    v2 = AgreementVersion.objects.get(number=2)
    assert v2.sections[1]["text"] == "Push back within a day."
    page = page_of(member.get(reverse("leadership:agreement", args=[personas.circle.pk])))
    assert "I agree to this version" in page  # the proposer agrees afresh too


def test_an_amendment_proposed_on_an_outdated_version_says_so_and_shows_what_changed(
    personas, users
):
    v1 = _v1(personas)
    agreement_version_create(
        circle=personas.circle,
        author=personas.members["lead"],
        sections=_edited(v1, "critique", "Critique ideas kindly."),
        change_note="Kinder",
    )
    url = reverse("leadership:agreement_amendment_propose", args=[personas.circle.pk])
    rows = _edited(v1, "push_back", "Push back within a day.")
    response = _client(users["member"]).post(
        url, _post_sections(rows, based_on=1, reason="Sooner is kinder")
    )
    assert response.status_code == 400
    page = page_of(response)
    assert "The agreement changed while you were writing" in page
    assert "What changed from version 1 to version 2" in page
    assert "<ins>kindly.</ins>" in page
    assert 'name="based_on" value="2"' in page  # send it again on the current version
    assert not AgreementAmendment.objects.exists()


def test_accepting_an_outdated_amendment_is_refused_and_shows_what_changed(personas, users):
    v1 = _v1(personas)
    amendment = _amend(personas, v1)
    agreement_version_create(
        circle=personas.circle,
        author=personas.members["lead"],
        sections=_edited(v1, "critique", "Critique ideas kindly."),
        change_note="Kinder",
    )
    lead = _client(users["lead"])
    response = lead.post(
        reverse("leadership:agreement_amendment_accept", args=[personas.circle.pk, amendment.pk]),
        follow=True,
    )
    page = page_of(response)
    assert "The agreement changed meanwhile: this amendment was written on version 1" in page
    assert "What changed since, from version 1 to version 2" in page
    assert "<ins>kindly.</ins>" in page
    assert AgreementVersion.objects.count() == 2
    amendment.refresh_from_db()
    assert amendment.status == "proposed"


def test_a_second_decision_is_refused(personas, users):
    v1 = _v1(personas)
    amendment = _amend(personas, v1)
    lead = _client(users["lead"])
    decline = reverse(
        "leadership:agreement_amendment_decline", args=[personas.circle.pk, amendment.pk]
    )
    response = lead.post(decline, {"reason": ""}, follow=True)
    assert "deserves a reason" in page_of(response)
    lead.post(decline, {"reason": "Let us try it first"})
    response = lead.post(
        reverse("leadership:agreement_amendment_accept", args=[personas.circle.pk, amendment.pk]),
        follow=True,
    )
    page = page_of(response)
    assert "already declined: nothing changed" in page
    assert "Declined by Lead Persona on 1 Mar 2027: Let us try it first" in page
    assert AgreementVersion.objects.count() == 1


def test_the_proposer_withdraws_and_nobody_else_can(personas, users):
    v1 = _v1(personas)
    amendment = _amend(personas, v1)
    url = reverse(
        "leadership:agreement_amendment_withdraw", args=[personas.circle.pk, amendment.pk]
    )
    response = _client(users["lead"]).post(url, follow=True)
    assert "Only the person who proposed this amendment" in page_of(response)
    _client(users["member"]).post(url)
    amendment.refresh_from_db()
    assert amendment.status == "withdrawn"


def test_the_revisit_is_set_by_those_who_draft(personas, users):
    _v1(personas)
    url = reverse("leadership:agreement_revisit", args=[personas.circle.pk])
    response = _client(users["member"]).post(url, {"revisit_months": 6}, follow=True)
    assert "Only the circle's lead" in page_of(response)
    response = _client(users["lead"]).post(url, {"revisit_months": 6}, follow=True)
    assert "every 6 months: next on 1 September 2027" in page_of(response)
    response = _client(users["lead"]).post(url, {"revisit_months": 13}, follow=True)
    assert "1 to 12 months" in page_of(response)
    assert WorkingAgreement.objects.get().revisit_months == 6


# --- the circle page -------------------------------------------------------------------------


def _circle_page(client, personas) -> str:
    return page_of(client.get(reverse("circles:detail", args=[personas.circle.pk])))


def test_the_circle_page_invites_the_lead_to_draft_and_shows_members_nothing_yet(personas, users):
    assert "Draft one from templates" in _circle_page(_client(users["lead"]), personas)
    assert "working agreement" not in _circle_page(_client(users["member"]), personas)
    assert "working agreement" not in _circle_page(_client(users["sponsor"]), personas)


def test_a_new_member_sees_the_agreement_to_read_and_agree_on_the_circle_page(personas, users):
    _v1(personas)
    for name in ("lead", "member"):
        agreement_acknowledge(circle=personas.circle, member=personas.members[name], number=1)
    assert "all 2 agreed" in _circle_page(_client(users["member"]), personas)
    newcomer = MemberFactory.create(organization=personas.organization)
    circle_add_member(circle=personas.circle, member=newcomer)
    page = _circle_page(_client(newcomer.user), personas)
    assert "Your circle's working agreement (version 1): read and agree" in page
    assert reverse("leadership:agreement", args=[personas.circle.pk]) in page
    assert "2 of 3 agreed" in _circle_page(_client(users["sponsor"]), personas)


# --- query counts -----------------------------------------------------------------------------


def test_the_agreement_page_costs_the_same_as_members_versions_and_amendments_grow(personas, users):
    v1 = _v1(personas)
    _amend(personas, v1)
    agreement_acknowledge(circle=personas.circle, member=personas.members["member"], number=1)
    client = _client(users["lead"])
    url = reverse("leadership:agreement", args=[personas.circle.pk])

    def grow() -> None:
        latest = AgreementVersion.objects.get(number=1)
        people = []
        for _ in range(4):
            newcomer = MemberFactory.create(organization=personas.organization)
            circle_add_member(circle=personas.circle, member=newcomer)
            people.append(newcomer)
        for n in range(3):
            latest = agreement_version_create(
                circle=personas.circle,
                author=personas.members["lead"],
                sections=_edited(latest, "fine", f"Round {n}."),
                change_note=f"Round {n}",
            )
        for newcomer in people:
            agreement_acknowledge(circle=personas.circle, member=newcomer, number=latest.number)
            _amend(personas, latest, member=newcomer, text=f"By {newcomer.pk}.")

    assert_queries_flat(client, url, grow=grow)


def test_the_circle_page_costs_the_same_as_members_and_acknowledgements_grow(personas, users):
    _v1(personas)
    client = _client(users["member"])
    url = reverse("circles:detail", args=[personas.circle.pk])

    def grow() -> None:
        for _ in range(3):
            newcomer = MemberFactory.create(organization=personas.organization)
            circle_add_member(circle=personas.circle, member=newcomer)
            agreement_acknowledge(circle=personas.circle, member=newcomer, number=1)

    assert_queries_flat(client, url, grow=grow)
