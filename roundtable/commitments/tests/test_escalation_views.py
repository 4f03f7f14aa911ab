"""Escalation's pages for every persona: who raises, who sees the documentation (the sponsor,
coordinators and admins only after the owner's period), who adds their side, comments and
resolves; the sponsor's queue (their programs only, nothing before the period, a flat query
count); the owner and the sponsor see the same documentation; the PDF holds the timeline."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from roundtable.circles.services import circle_create
from roundtable.commitments.models import Activity, Escalation
from roundtable.commitments.services.escalations import escalation_owner_side, escalation_raise
from roundtable.commitments.tests.escalation_factories import (
    commitment_overdue,
    escalation_open,
    meeting_mentioning,
)
from roundtable.orgs.services import member_create
from roundtable.programs.models import Program
from roundtable.programs.services import program_create
from roundtable.testing.personas import PERSONA_NAMES
from roundtable.testing.queries import assert_queries_flat

NOW = dt.datetime(2027, 3, 5, 10, tzinfo=dt.UTC)  # Friday
TUESDAY = dt.datetime(2027, 3, 9, 10, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _as(client, personas, name):
    client.force_login(personas.user(name))
    return client


def _documentation(html: str) -> str:
    match = re.search(r'<article class="documentation".*?</article>', html, re.S)
    assert match is not None
    return match.group(0)


# --- the permission matrix ------------------------------------------------------------------------

RAISE = {"lead": 200, "member": 403, "sponsor": 403, "coordinator": 403, "admin": 403}
# Detail, print view and PDF alike: before the owner's period, and after it.
SEE_DURING = {"lead": 200, "member": 200, "sponsor": 404, "coordinator": 404, "admin": 404}
SEE_AFTER = {"lead": 200, "member": 200, "sponsor": 200, "coordinator": 200, "admin": 200}
OWNER_SIDE = {"member": 302, "lead": 403, "sponsor": 403, "coordinator": 403, "admin": 403}
RESOLVE = {"sponsor": 302, "member": 403, "lead": 403, "coordinator": 403, "admin": 403}
SETTINGS = {"admin": 200, "coordinator": 200, "sponsor": 404, "lead": 404, "member": 404}


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_raise_page(client, personas, name):
    commitment = commitment_overdue(personas, now=NOW)
    response = _as(client, personas, name).get(
        reverse("commitments:escalation_raise", args=[commitment.pk])
    )
    assert response.status_code == RAISE.get(name, 404)


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_raise_post(client, personas, name):
    commitment = commitment_overdue(personas, now=NOW)
    response = _as(client, personas, name).post(
        reverse("commitments:escalation_raise", args=[commitment.pk]), {"reason": "Late again."}
    )
    expected = {**RAISE, "lead": 302}.get(name, 404)
    assert response.status_code == expected
    assert Escalation.objects.count() == (1 if name == "lead" else 0)


@pytest.mark.parametrize("view", ["escalation_detail", "escalation_print", "escalation_pdf"])
@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_documentation_during_and_after_the_owners_period(
    client, personas, frozen_clock, name, view
):
    escalation = escalation_open(personas, now=NOW)
    url = reverse(f"commitments:{view}", args=[escalation.pk])
    _as(client, personas, name)
    assert client.get(url).status_code == SEE_DURING.get(name, 404)
    frozen_clock.move_to(TUESDAY)
    assert client.get(url).status_code == SEE_AFTER.get(name, 404)


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_owner_side_post(client, personas, name):
    escalation = escalation_open(personas, now=NOW)
    response = _as(client, personas, name).post(
        reverse("commitments:escalation_owner_side", args=[escalation.pk]),
        {"text": "Finance is late."},
    )
    # Sponsor, coordinators and admins cannot see it yet: 404, as for the outsider.
    expected = {**OWNER_SIDE, "sponsor": 404, "coordinator": 404, "admin": 404}.get(name, 404)
    assert response.status_code == expected
    escalation.refresh_from_db()
    assert escalation.owner_side == ("Finance is late." if name == "member" else "")


@pytest.mark.parametrize("action", ["comment", "resolve"])
@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_comment_and_resolve_post(client, personas, frozen_clock, name, action):
    escalation = escalation_open(personas, now=NOW)
    frozen_clock.move_to(TUESDAY)
    data = {"text": "Why?"} if action == "comment" else {"resolution": "new_date", "note": ""}
    response = _as(client, personas, name).post(
        reverse(f"commitments:escalation_{action}", args=[escalation.pk]), data
    )
    assert response.status_code == RESOLVE.get(name, 404)
    kind = Activity.Kind.SPONSOR_COMMENT if action == "comment" else Activity.Kind.RESOLVED
    assert Activity.objects.filter(kind=kind).count() == (1 if name == "sponsor" else 0)


def test_the_sponsor_cannot_act_during_the_owners_period(client, personas):
    escalation = escalation_open(personas, now=NOW)
    response = _as(client, personas, "sponsor").post(
        reverse("commitments:escalation_resolve", args=[escalation.pk]),
        {"resolution": "new_date"},
    )
    assert response.status_code == 404
    assert Escalation.objects.get().resolved_at is None


def test_resolving_without_an_outcome_says_so_and_changes_nothing(client, personas, frozen_clock):
    escalation = escalation_open(personas, now=NOW)
    frozen_clock.move_to(TUESDAY)
    response = _as(client, personas, "sponsor").post(
        reverse("commitments:escalation_resolve", args=[escalation.pk]), {"note": "Hmm."}
    )
    assert response.status_code == 400
    assert "Choose the outcome" in response.content.decode()
    assert Escalation.objects.get().resolved_at is None


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_settings_page(client, personas, name):
    url = reverse("commitments:commitment_settings", args=[personas.program.pk])
    _as(client, personas, name)
    assert client.get(url).status_code == SETTINGS.get(name, 404)
    response = client.post(url, {"overdue_days": 3, "moves": 1, "owner_period_days": 4})
    assert response.status_code == {"admin": 302, "coordinator": 302}.get(name, 404)
    saved = getattr(Program.objects.get(pk=personas.program.pk), "commitment_settings", None)
    assert (saved is not None) == (name in ("admin", "coordinator"))


def test_the_program_page_links_settings_for_managers_and_the_queue_for_the_sponsor(
    client, personas
):
    url = reverse("programs:detail", args=[personas.program.pk])
    settings_url = reverse("commitments:commitment_settings", args=[personas.program.pk])
    queue_url = reverse("commitments:escalation_queue")
    coordinator_page = _as(client, personas, "coordinator").get(url).content.decode()
    sponsor_page = _as(client, personas, "sponsor").get(url).content.decode()
    assert settings_url in coordinator_page
    assert queue_url not in coordinator_page
    assert queue_url in sponsor_page
    assert settings_url not in sponsor_page


# --- the queue ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_queue_page_for_everyone_lists_only_what_they_sponsor(client, personas, frozen_clock, name):
    escalation_open(personas, now=NOW)
    frozen_clock.move_to(TUESDAY)
    response = _as(client, personas, name).get(reverse("commitments:escalation_queue"))
    assert response.status_code == 200
    listed = "Send the renewal pricing sheet" in response.content.decode()
    assert listed == (name == "sponsor")


def test_the_queue_shows_nothing_before_the_owners_period_has_passed(
    client, personas, frozen_clock
):
    escalation_open(personas, now=NOW)
    _as(client, personas, "sponsor")
    frozen_clock.move_to(TUESDAY - dt.timedelta(minutes=1))
    page = client.get(reverse("commitments:escalation_queue")).content.decode()
    assert "Send the renewal pricing sheet" not in page
    assert "Waiting for you (0)" in page
    frozen_clock.move_to(TUESDAY)
    page = client.get(reverse("commitments:escalation_queue")).content.decode()
    assert "Waiting for you (1)" in page


def _other_program_with_its_own_sponsor(personas):
    org = personas.organization
    sponsor = member_create(organization=org, email="s2@example.org", full_name="Sam Second")
    lead = member_create(organization=org, email="l2@example.org", full_name="Lee Second")
    program = program_create(
        organization=org,
        name="Field service circles",
        purpose="Fix it the first time.",
        sponsor=sponsor,
        coordinators=[personas.members["coordinator"]],
        start_date=org.created_at.date(),
        status=Program.Status.ACTIVE,
    )
    circle_create(program=program, name="West", members=[lead], lead=lead)
    return sponsor


def test_another_programs_sponsor_sees_nothing(client, personas, frozen_clock):
    escalation = escalation_open(personas, now=NOW)
    other_sponsor = _other_program_with_its_own_sponsor(personas)
    frozen_clock.move_to(TUESDAY)
    client.force_login(other_sponsor.user)
    page = client.get(reverse("commitments:escalation_queue")).content.decode()
    assert "Send the renewal pricing sheet" not in page
    assert "Waiting for you (0)" in page
    detail = reverse("commitments:escalation_detail", args=[escalation.pk])
    assert client.get(detail).status_code == 404


def test_queue_query_count_stays_flat(client, personas, frozen_clock):
    escalation_open(personas, now=NOW)
    frozen_clock.move_to(TUESDAY)
    _as(client, personas, "sponsor")

    def grow():
        for n in range(3):
            escalation_open(personas, now=TUESDAY, title=f"Another promise {n}")

    frozen_clock.move_to(TUESDAY + dt.timedelta(days=7))
    assert_queries_flat(client, reverse("commitments:escalation_queue"), grow=grow)
    page = client.get(reverse("commitments:escalation_queue")).content.decode()
    assert "Waiting for you (4)" in page


# --- the documentation ----------------------------------------------------------------------------


def test_the_owner_and_the_sponsor_see_the_same_documentation(client, personas, frozen_clock):
    meeting_mentioning(personas, at=NOW - dt.timedelta(days=3))
    escalation = escalation_open(personas, now=NOW, moves=2)
    escalation_owner_side(
        escalation=escalation, owner=personas.members["member"], text="Finance owes me numbers."
    )
    frozen_clock.move_to(TUESDAY)
    url = reverse("commitments:escalation_detail", args=[escalation.pk])
    owner_doc = _documentation(_as(client, personas, "member").get(url).content.decode())
    sponsor_doc = _documentation(_as(client, personas, "sponsor").get(url).content.decode())
    assert owner_doc == sponsor_doc
    for expected in (
        "Waiting on finance, move 2",
        "Reminder sent",
        "Nudge sent",
        "Mentioned in meeting notes",
        "Finance owes me numbers.",
        "Lead Persona",
    ):
        assert expected in owner_doc


def test_the_owner_sees_the_forms_for_their_side_and_the_sponsor_the_resolution(
    client, personas, frozen_clock
):
    escalation = escalation_open(personas, now=NOW)
    frozen_clock.move_to(TUESDAY)
    url = reverse("commitments:escalation_detail", args=[escalation.pk])
    owner_page = _as(client, personas, "member").get(url).content.decode()
    sponsor_page = _as(client, personas, "sponsor").get(url).content.decode()
    owner_side = reverse("commitments:escalation_owner_side", args=[escalation.pk])
    resolve = reverse("commitments:escalation_resolve", args=[escalation.pk])
    assert owner_side in owner_page
    assert resolve not in owner_page
    assert resolve in sponsor_page
    assert owner_side not in sponsor_page


def test_the_pdf_holds_the_timeline(client, personas, frozen_clock):
    meeting_mentioning(personas, at=NOW - dt.timedelta(days=3))
    escalation = escalation_open(personas, now=NOW, moves=2)
    frozen_clock.move_to(TUESDAY)
    response = _as(client, personas, "sponsor").get(
        reverse("commitments:escalation_pdf", args=[escalation.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    for expected in (
        "Send the renewal pricing sheet",
        "Asked",
        "Date chosen",
        "Date moved",
        "Waiting on finance, move 1",
        "Waiting on finance, move 2",
        "Reminder sent",
        "Nudge sent",
        "Mentioned in meeting notes",
        "Escalated",
        "Three customers are waiting on this price list.",
    ):
        assert expected in text, expected


def test_the_commitment_page_offers_the_lead_escalation_and_shows_the_owner_theirs(
    client, personas
):
    commitment = commitment_overdue(personas, now=NOW)
    page = reverse("commitments:detail", args=[commitment.pk])
    html = _as(client, personas, "lead").get(page).content.decode()
    assert "Escalate to the sponsor" in html
    html = _as(client, personas, "member").get(page).content.decode()
    assert "Escalate to the sponsor" not in html
    escalation = escalation_raise(
        commitment=commitment, by=personas.members["lead"], reason="Customers wait.", now=NOW
    )
    html = _as(client, personas, "member").get(page).content.decode()
    assert reverse("commitments:escalation_detail", args=[escalation.pk]) in html


def test_the_commitment_page_keeps_an_escalation_from_overseers_until_the_owners_period_ends(
    client, personas, frozen_clock
):
    commitment = commitment_overdue(personas, now=NOW)
    escalation_raise(
        commitment=commitment,
        by=personas.members["lead"],
        reason="Escalated for the sponsor to read later.",
        now=NOW,
    )
    page = reverse("commitments:detail", args=[commitment.pk])
    for name in ("sponsor", "coordinator", "admin"):
        html = _as(client, personas, name).get(page).content.decode()
        assert "for the sponsor to read later" not in html, name
    for name in ("lead", "member"):
        html = _as(client, personas, name).get(page).content.decode()
        assert "for the sponsor to read later" in html, name
    frozen_clock.move_to(TUESDAY + dt.timedelta(hours=1))
    html = _as(client, personas, "sponsor").get(page).content.decode()
    assert "for the sponsor to read later" in html
