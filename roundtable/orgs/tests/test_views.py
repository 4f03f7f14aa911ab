"""Member pages: directory, member page, profile editing, CSV import; every persona, the outsider
included, and query counts that must not grow with the members shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create, member_set_availability, member_update
from roundtable.testing.personas import PERSONA_NAMES

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "members.csv"
TODAY = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
IMPORTERS = {"admin", "coordinator"}


def _queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(captured)


def _add_members(personas, count: int, *, manager: Member | None = None) -> list[Member]:
    members = []
    for i in range(count):
        member = member_create(
            organization=personas.organization,
            email=f"extra{i}-{count}@example.org",
            full_name=f"Extra {i}",
            role="coordinator" if i % 2 else "member",
            department=f"Dept {i % 3}",
            skills=[f"skill {i}", "shared"],
            approaches=["data-driven"],
            manager=manager,
        )
        member_set_availability(member=member, slots=[(i % 7, dt.time(9), dt.time(10))])
        members.append(member)
    return members


# --- directory ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_directory_is_for_the_organisations_members(client, personas, persona):
    client.force_login(personas.user(persona))
    response = client.get(reverse("orgs:directory", args=[personas.organization.slug]))
    if persona == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert "Lead Persona" in response.content.decode()
        assert "Outsider Persona" not in response.content.decode()


def test_directory_search_and_htmx_fragment(client, personas):
    client.force_login(personas.member)
    url = reverse("orgs:directory", args=[personas.organization.slug])
    response = client.get(url, {"q": "lead"})
    assert "Lead Persona" in response.content.decode()
    assert "Coordinator Persona" not in response.content.decode()
    fragment = client.get(url, {"q": "coordinator"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert b"Coordinator Persona" in fragment.content


def test_directory_says_when_a_long_search_was_cut(client, personas):
    client.force_login(personas.member)
    url = reverse("orgs:directory", args=[personas.organization.slug])
    cut = client.get(url, {"q": "lead " + " ".join(f"w{i}" for i in range(49))})
    assert cut.status_code == 200
    assert "reads at most 10 words and 200 characters" in cut.content.decode()
    whole = client.get(url, {"q": "lead persona"}).content.decode()
    assert "Lead Persona" in whole
    assert "reads at most" not in whole


def test_directory_marks_roles_other_than_member(client, personas):
    client.force_login(personas.member)
    body = client.get(
        reverse("orgs:directory", args=[personas.organization.slug]), {"q": "persona"}
    ).content.decode()
    assert body.count('<span class="badge">') == 2  # the admin and the coordinator
    assert '<span class="badge">Organisation admin</span>' in body


def test_directory_query_count_does_not_grow(client, personas):
    client.force_login(personas.member)
    url = reverse("orgs:directory", args=[personas.organization.slug])
    few = _queries(client, url)
    _add_members(personas, 15)
    assert _queries(client, url) == few
    assert _queries(client, url, HTTP_HX_REQUEST="true") <= few


# --- member page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_member_page_is_for_the_organisations_members(client, personas, persona):
    client.force_login(personas.user(persona))
    response = client.get(reverse("orgs:member_detail", args=[personas.members["member"].pk]))
    assert response.status_code == (404 if persona == "outsider" else 200)


def test_another_organisations_member_is_a_404_even_for_its_admin_elsewhere(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("orgs:member_detail", args=[personas.members["outsider"].pk]))
    assert response.status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_private_fields_are_for_the_person_admins_and_coordinators(client, personas):
    member = personas.members["member"]
    member_update(member=member, hire_date=dt.date(2019, 5, 1))
    url = reverse("orgs:member_detail", args=[member.pk])
    for persona, sees in [("lead", False), ("sponsor", False), ("member", True), ("admin", True)]:
        client.force_login(personas.user(persona))
        body = client.get(url).content.decode()
        assert ("1 May 2019 (6.9 years here)" in body) is sees, persona


def test_member_page_query_count_does_not_grow(client, personas):
    manager = personas.members["coordinator"]
    client.force_login(personas.admin)
    url = reverse("orgs:member_detail", args=[manager.pk])
    _add_members(personas, 2, manager=manager)
    few = _queries(client, url)
    _add_members(personas, 12, manager=manager)
    member_update(member=manager, skills=["a", "b", "c", "d"], approaches=["x", "y"])
    member_set_availability(member=manager, slots=[(d, dt.time(9), dt.time(10)) for d in range(5)])
    body = client.get(url).content.decode()
    assert body.count("Extra ") == 14  # every report is listed
    assert _queries(client, url) == few


# --- profile and member editing -----------------------------------------------------------


def _profile_data(**changes: str) -> dict[str, str]:
    data = {
        "full_name": "Mia Member",
        "job_title": "Account manager",
        "department": "Sales",
        "location": "Leeds",
        "hire_date": "2020-03-01",
        "years_experience": "6.5",
        "time_zone": "America/New_York",
        "skills": "negotiation; forecasting, Excel",
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
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_everyone_edits_their_own_profile(client, personas, persona):
    client.force_login(personas.user(persona))
    response = client.post(reverse("orgs:profile"), _profile_data())
    assert response.status_code == 302
    member = personas.members[persona]
    member.refresh_from_db()
    assert member.user.full_name == "Mia Member"
    assert member.time_zone == "America/New_York"
    assert sorted(t.name for t in member.skills.all()) == ["Excel", "forecasting", "negotiation"]
    assert [(s.weekday, s.start_time, s.end_time) for s in member.availability.all()] == [
        (1, dt.time(9), dt.time(11))
    ]


@time_machine.travel(TODAY, tick=False)
def test_profile_page_reports_bad_input_and_keeps_it(client, personas):
    client.force_login(personas.member)
    data = _profile_data(
        hire_date="2026-03-11",
        years_experience="abc",
        time_zone="Nowhere/Land",
        **{"availability-0-start_time": "15:00", "availability-0-end_time": "14:00"},
    )
    response = client.post(reverse("orgs:profile"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be in the future" in body
    assert "Enter a number" in body
    assert "Select a valid choice" in body
    assert "must end after it starts" in body
    assert 'value="Mia Member"' in body
    member = personas.members["member"]
    member.refresh_from_db()
    assert member.user.full_name == "Member Persona"
    assert not member.availability.exists()


def test_a_half_filled_availability_row_is_refused(client, personas):
    client.force_login(personas.member)
    data = _profile_data(**{"availability-0-end_time": ""})
    response = client.post(reverse("orgs:profile"), data)
    assert response.status_code == 200
    assert "Give a day, a start and an end" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_member_edit_is_for_the_organisations_admins(client, personas, persona):
    client.force_login(personas.user(persona))
    target = personas.members["lead"]
    response = client.post(
        reverse("orgs:member_edit", args=[target.pk]),
        _profile_data(role="coordinator", manager="", is_active="on"),
    )
    target.refresh_from_db()
    if persona == "admin":
        assert response.status_code == 302
        assert (target.role, target.user.full_name) == ("coordinator", "Mia Member")
    else:
        assert response.status_code == (302 if persona == "lead" else 404)
        assert (target.role, target.user.full_name) == ("member", "Lead Persona")


# --- CSV import ---------------------------------------------------------------------------


def _upload(client, org_slug, text: str, name: str = "people.csv"):
    return client.post(
        reverse("orgs:member_import", args=[org_slug]),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_import_pages_are_for_admins_and_coordinators(client, personas, persona):
    client.force_login(personas.user(persona))
    slug = personas.organization.slug
    assert client.get(reverse("orgs:member_import", args=[slug])).status_code == (
        200 if persona in IMPORTERS else 404
    )
    response = _upload(client, slug, EXAMPLE.read_text())
    assert response.status_code == (200 if persona in IMPORTERS else 404)
    response = client.post(reverse("orgs:member_import_confirm", args=[slug]))
    assert response.status_code == (302 if persona in IMPORTERS else 404)
    assert Member.objects.filter(user__email="ana.silva@example.org").exists() is False


def test_upload_preview_then_confirm(client, personas):
    client.force_login(personas.coordinator)
    slug = personas.organization.slug
    response = _upload(client, slug, EXAMPLE.read_text())
    assert response.status_code == 200
    body = response.content.decode()
    assert "8</strong> to add" in body
    assert not Member.objects.filter(user__email="ana.silva@example.org").exists()
    digest = response.context["report"].digest
    response = client.post(reverse("orgs:member_import_confirm", args=[slug]), {"digest": digest})
    assert response.status_code == 302
    assert response.url == reverse("orgs:directory", args=[slug])
    assert Member.objects.filter(user__email="ana.silva@example.org").exists()
    page = client.get(response.url)
    assert "8 added, 0 updated, 0 unchanged" in page.content.decode()
    # The previewed file is used once: confirming again finds nothing to import.
    response = client.post(reverse("orgs:member_import_confirm", args=[slug]), {"digest": digest})
    assert "no previewed file" in client.get(response.url).content.decode()


def test_confirm_refuses_a_file_other_than_the_previewed_one(client, personas):
    client.force_login(personas.admin)
    slug = personas.organization.slug
    first = _upload(client, slug, EXAMPLE.read_text())
    _upload(client, slug, "email,full_name\nother@example.org,Other\n")
    response = client.post(
        reverse("orgs:member_import_confirm", args=[slug]),
        {"digest": first.context["report"].digest},
    )
    assert response.status_code == 302
    assert not Member.objects.filter(user__email="ana.silva@example.org").exists()
    assert not Member.objects.filter(user__email="other@example.org").exists()
    page = client.get(response.url)
    assert "changed after the preview" in page.content.decode()


def test_bad_upload_shows_every_problem(client, personas):
    client.force_login(personas.admin)
    response = _upload(
        client, personas.organization.slug, "email,full_name,hire_date\nx@example.org,X,bad\ny,Y,\n"
    )
    body = response.content.decode()
    assert "Nothing was imported" in body
    assert "“bad” is not a date" in body
    assert "“y” is not a valid email" in body


def test_latin1_upload_gets_a_form_error(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("orgs:member_import", args=[personas.organization.slug]),
        {"file": SimpleUploadedFile("p.csv", "email,full_name\nz@x.org,Zoë\n".encode("latin-1"))},
    )
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_csv_template_is_offered_to_importers_and_imports_as_it_is(client, personas, persona):
    client.force_login(personas.user(persona))
    slug = personas.organization.slug
    url = reverse("orgs:member_import_template", args=[slug])
    response = client.get(url)
    if persona not in IMPORTERS:
        assert response.status_code == 404
        return
    assert url in client.get(reverse("orgs:member_import", args=[slug])).content.decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, _example = response.content.decode().splitlines()
    assert header.split(",")[:2] == ["email", "full_name"]
    assert "availability" in header
    preview = _upload(client, slug, response.content.decode())
    assert preview.context["report"].errors == []
    assert preview.context["report"].added == 1


def test_a_file_that_changes_nothing_offers_no_import(client, personas):
    client.force_login(personas.admin)
    slug = personas.organization.slug
    first = _upload(client, slug, EXAMPLE.read_text())
    assert "Import 8 changes" in first.content.decode()
    client.post(
        reverse("orgs:member_import_confirm", args=[slug]),
        {"digest": first.context["report"].digest},
    )
    again = _upload(client, slug, EXAMPLE.read_text()).content.decode()
    assert "Nothing to import" in again
    assert "8</strong> unchanged" in again
    assert reverse("orgs:member_import_confirm", args=[slug]) not in again
    assert "Import 0" not in again


def test_an_import_invites_another_organisations_person_instead_of_adding_them(client, personas):
    """Acme's coordinator imports Elsewhere Inc's admin: the preview says they will be invited,
    the import sends an invitation, and their account and Elsewhere Inc stay as they were."""
    from roundtable.accounts.models import Invitation

    client.force_login(personas.coordinator)
    slug = personas.organization.slug
    response = _upload(client, slug, "email,full_name\noutsider@example.org,RENAMED BY ACME\n")
    assert "1</strong> to invite" in response.content.decode()
    assert "Already has an account: invited by email" in response.content.decode()
    digest = response.context["report"].digest
    response = client.post(reverse("orgs:member_import_confirm", args=[slug]), {"digest": digest})
    assert response.status_code == 302
    assert not Member.objects.filter(
        organization=personas.organization, user=personas.outsider
    ).exists()
    invitation = Invitation.objects.get(email="outsider@example.org")
    assert (invitation.organization, invitation.accepted_at) == (personas.organization, None)
    personas.outsider.refresh_from_db()
    assert personas.outsider.full_name == "Outsider Persona"


def _share_lead_with_the_other_organisation(personas):
    """The lead's account also joins Elsewhere Inc (as an accepted invitation would do)."""
    return member_create(
        organization=personas.members["outsider"].organization,
        email=personas.lead.email,
        full_name="ignored: the account keeps its name",
    )


def test_an_admin_cannot_rename_an_account_another_organisation_shares(client, personas):
    elsewhere = _share_lead_with_the_other_organisation(personas)
    client.force_login(personas.user("outsider"))
    url = reverse("orgs:member_edit", args=[elsewhere.pk])
    page = client.get(url).content.decode()
    assert "only they can change" in page
    response = client.post(
        url,
        _profile_data(full_name="RENAMED BY ELSEWHERE", role="member", manager="", is_active="on"),
    )
    assert response.status_code == 302
    personas.lead.refresh_from_db()
    assert personas.lead.full_name == "Lead Persona"
    with pytest.raises(DomainError, match="only they can change their name"):
        member_update(member=elsewhere, full_name="RENAMED BY ELSEWHERE")
    # the other fields are the organisation's own and still change
    elsewhere.refresh_from_db()
    assert elsewhere.location == "Leeds"


def test_the_person_renames_their_shared_account_themselves(client, personas):
    _share_lead_with_the_other_organisation(personas)
    client.force_login(personas.lead)
    assert client.post(reverse("orgs:profile"), _profile_data()).status_code == 302
    personas.lead.refresh_from_db()
    assert personas.lead.full_name == "Mia Member"


def test_an_admin_renames_an_account_only_their_organisation_holds(personas):
    member_update(member=personas.members["member"], full_name="Corrected Name")
    personas.member.refresh_from_db()
    assert personas.member.full_name == "Corrected Name"
