"""CSV import of members: validation with line numbers, all or nothing, preview, re-import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.core.errors import DomainError
from roundtable.orgs.member_import import (
    decode_upload,
    member_import_apply,
    member_import_preview,
)
from roundtable.orgs.models import Member
from roundtable.testing.personas import PERSONA_NAMES

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "members.csv"
HEADER = (
    "email,full_name,role,hire_date,years_experience,time_zone,manager_email,skills,availability"
)


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_the_example_file_imports(personas):
    org = personas.organization
    text = EXAMPLE.read_text()
    report = member_import_apply(organization=org, text=text)
    assert (report.added, report.updated) == (8, 0)
    ana = Member.objects.get(organization=org, user__email="ana.silva@example.org")
    assert ana.manager
    assert ana.manager.user.email == "grace.lee@example.org"
    assert ana.years_experience == Decimal("7.5")
    assert sorted(t.name for t in ana.skills.all()) == ["negotiation", "troubleshooting"]
    assert [(s.weekday, s.start_time) for s in ana.availability.all()] == [
        (1, dt.time(9)),
        (2, dt.time(14)),
    ]
    maya = Member.objects.get(user__email="maya.johnson@example.org")
    assert maya.time_zone == "America/New_York"
    # A manager listed later in the file is found too.
    assert maya.manager
    assert maya.manager.user.email == "carlos.ortiz@example.org"


def test_reimport_updates_and_never_duplicates(personas):
    org = personas.organization
    member_import_apply(organization=org, text=EXAMPLE.read_text())
    changed = EXAMPLE.read_text().replace("Ana Silva,member", "Ana Silva-Reyes,member")
    preview = member_import_preview(organization=org, text=changed)
    assert (preview.added, preview.updated, preview.unchanged) == (0, 1, 7)
    row = next(r for r in preview.rows if r.action == "updated")
    assert row.changes == [("name", "Ana Silva", "Ana Silva-Reyes")]
    member_import_apply(organization=org, text=changed)
    assert Member.objects.filter(user__email="ana.silva@example.org").count() == 1
    assert Member.objects.get(user__email="ana.silva@example.org").name == "Ana Silva-Reyes"


def test_matching_ignores_case_and_empty_cells_keep_values(personas):
    org = personas.organization
    text = _csv("MEMBER@Example.org,Member Persona,,,,,,,Mon 09:00-10:00")
    report = member_import_apply(organization=org, text=text)
    assert (report.added, report.updated) == (0, 1)
    member = personas.members["member"]
    member.refresh_from_db()
    assert member.role == "member"
    assert member.availability.count() == 1


def test_preview_writes_nothing(personas):
    before = Member.objects.count()
    report = member_import_preview(organization=personas.organization, text=EXAMPLE.read_text())
    assert report.is_valid
    assert report.added == 8
    assert Member.objects.count() == before


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        (["a@example.org,A,,2031-01-01"], 2, "in the future"),
        (["a@example.org,A,,01/02/2020"], 2, "YYYY-MM-DD"),
        (["a@example.org,A,,,lots"], 2, "not a number"),
        (["a@example.org,A,,,99"], 2, "between 0 and 70"),
        (["a@example.org,A,,,,Mars/Base"], 2, "not a known time zone"),
        (["a@example.org,A,boss"], 2, "not a role"),
        (["not-an-email,A"], 2, "not a valid email"),
        (["a@example.org,"], 2, "full name is empty"),
        (["a@example.org,A,,,,,nobody@example.org"], 2, "neither in this file"),
        (["a@example.org,A,,,,,a@example.org"], 2, "own manager"),
        (['a@example.org,A,,,,,,,"Funday 09:00-10:00"'], 2, "not a weekday"),
        (['a@example.org,A,,,,,,,"Mon 11:00-10:00"'], 2, "ends before it starts"),
        (["ok@example.org,Ok", "a@example.org,A", "A@example.org,Again"], 4, "appears twice"),
    ],
)
def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(
    personas, rows, line, message
):
    org = personas.organization
    before = Member.objects.count()
    report = member_import_preview(organization=org, text=_csv(*rows))
    assert not report.is_valid
    assert any(e.line == line and message in e.message for e in report.errors), report.errors
    with pytest.raises(DomainError, match="Nothing was imported"):
        member_import_apply(organization=org, text=_csv(*rows))
    assert Member.objects.count() == before


def test_one_bad_row_stops_the_good_ones(personas):
    text = _csv("good@example.org,Good", "bad@example.org,Bad,,,,Nowhere/Zone")
    with pytest.raises(DomainError):
        member_import_apply(organization=personas.organization, text=text)
    assert not Member.objects.filter(user__email="good@example.org").exists()


def test_missing_columns_are_named(personas):
    report = member_import_preview(
        organization=personas.organization, text="email,department\na@example.org,Sales\n"
    )
    assert report.errors[0].line == 1
    assert "full_name" in report.errors[0].message


def test_empty_and_header_only_files(personas):
    report = member_import_preview(organization=personas.organization, text="")
    assert "empty" in report.errors[0].message
    report = member_import_preview(organization=personas.organization, text=HEADER + "\n")
    assert "no members" in report.errors[0].message


def test_wrong_encoding_is_explained():
    with pytest.raises(DomainError, match="not UTF-8"):
        decode_upload("email,full_name\nzoë@example.org,Zoë\n".encode("latin-1"))
    assert decode_upload(b"\xef\xbb\xbfemail,full_name\n") == "email,full_name\n"


def test_semicolon_files_and_friendly_headers(personas):
    text = "E-mail;Name;Timezone\n"  # E-mail is unknown: a warning, and email is missing
    assert not member_import_preview(organization=personas.organization, text=text).is_valid
    text = "Email ; Full Name ; Timezone\nz@example.org;Zed;Asia/Tokyo\n"
    report = member_import_apply(organization=personas.organization, text=text)
    assert report.added == 1
    assert Member.objects.get(user__email="z@example.org").time_zone == "Asia/Tokyo"


def test_coordinators_cannot_make_admins(personas):
    text = _csv("new@example.org,New,admin")
    report = member_import_preview(
        organization=personas.organization, text=text, may_assign_admin=False
    )
    assert "Only organisation admins" in report.errors[0].message
    text = _csv("admin@example.org,Admin Persona,member")
    report = member_import_preview(
        organization=personas.organization, text=text, may_assign_admin=False
    )
    assert "change an admin's role" in report.errors[0].message


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_anything_but_a_domain_error(personas, data):
    try:
        text = decode_upload(data)
    except DomainError:
        return
    report = member_import_preview(organization=personas.organization, text=text)
    assert isinstance(report.is_valid, bool)


def _upload(client, org_slug, text: str, name: str = "people.csv"):
    return client.post(
        reverse("orgs:member_import", args=[org_slug]),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_import_pages_are_for_admins_and_coordinators(client, personas, persona):
    client.force_login(personas.user(persona))
    url = reverse("orgs:member_import", args=[personas.organization.slug])
    assert client.get(url).status_code == (200 if persona in {"admin", "coordinator"} else 404)
    response = client.post(reverse("orgs:member_import_confirm", args=[personas.organization.slug]))
    assert response.status_code == (302 if persona in {"admin", "coordinator"} else 404)


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
    assert Member.objects.filter(user__email="ana.silva@example.org").exists()
    page = client.get(response.url)
    assert "8 added, 0 updated" in page.content.decode()


def test_confirm_refuses_a_file_other_than_the_previewed_one(client, personas):
    client.force_login(personas.admin)
    slug = personas.organization.slug
    first = _upload(client, slug, EXAMPLE.read_text())
    _upload(client, slug, _csv("other@example.org,Other"))
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
    response = _upload(client, personas.organization.slug, _csv("x@example.org,X,,bad-date", "y,Y"))
    body = response.content.decode()
    assert "Nothing was imported" in body
    assert "not a date" in body
    assert "not a valid email" in body


def test_latin1_upload_gets_a_form_error(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("orgs:member_import", args=[personas.organization.slug]),
        {"file": SimpleUploadedFile("p.csv", "email,full_name\nz@x.org,Zoë\n".encode("latin-1"))},
    )
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()
