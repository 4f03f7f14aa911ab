"""The import preview (member_import.comparing): who is new, which fields change, who stays the
same; every problem found with its line; nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from roundtable.orgs.member_import.applying import member_import_apply
from roundtable.orgs.member_import.comparing import member_import_preview
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create, member_set_availability, member_update

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "members.csv"
HEADER = "email,full_name,role,years_experience,skills,availability"


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_preview_of_the_example_adds_everyone_and_writes_nothing(personas):
    before = Member.objects.count()
    report = member_import_preview(organization=personas.organization, text=EXAMPLE.read_text())
    assert report.errors == []
    assert (report.added, report.updated, report.unchanged) == (8, 0, 0)
    assert [r.email for r in report.rows][:2] == ["grace.lee@example.org", "ana.silva@example.org"]
    assert Member.objects.count() == before


def test_reimport_preview_lists_only_the_fields_that_change(personas):
    org = personas.organization
    member_import_apply(organization=org, text=EXAMPLE.read_text())
    changed = EXAMPLE.read_text().replace("Ana Silva,member", "Ana Silva-Reyes,coordinator")
    preview = member_import_preview(organization=org, text=changed)
    assert (preview.added, preview.updated, preview.unchanged) == (0, 1, 7)
    (row,) = [r for r in preview.rows if r.action == "updated"]
    assert (row.line, row.email) == (3, "ana.silva@example.org")
    assert row.changes == [
        ("name", "Ana Silva", "Ana Silva-Reyes"),
        ("role", "member", "coordinator"),
    ]


def test_tags_and_windows_compare_as_sets_ignoring_case_and_order(personas):
    member = personas.members["member"]
    member_update(member=member, skills=["Negotiation", "Excel"])
    member_set_availability(
        member=member, slots=[(0, dt.time(9), dt.time(10)), (2, dt.time(14), dt.time(16))]
    )
    same = _csv(
        'member@example.org,Member Persona,,,"excel; negotiation","Wed 14:00-16:00; Mon 9:00-10:00"'
    )
    report = member_import_preview(organization=personas.organization, text=same)
    assert report.rows[0].action == "unchanged"
    other = _csv('member@example.org,Member Persona,,4,excel,"Mon 09:00-10:30"')
    (row,) = member_import_preview(organization=personas.organization, text=other).rows
    assert row.changes == [
        ("experience", "—", "4.0"),
        ("skills", "Excel; Negotiation", "excel"),
        ("availability", "Monday 09:00–10:00; Wednesday 14:00–16:00", "Monday 09:00–10:30"),
    ]


def test_problems_across_rows_come_sorted_by_line(personas):
    text = _csv(
        "a@example.org,A,boss",
        "b@example.org,B",
        "A@example.org,Again",
    )
    report = member_import_preview(organization=personas.organization, text=text)
    assert [(e.line, e.message) for e in report.errors] == [
        (2, "“boss” is not a role (use admin, coordinator or member)."),
        (4, "a@example.org appears twice (lines 2 and 4)."),
    ]


def test_coordinators_cannot_make_admins_nor_demote_one(personas):
    org = personas.organization
    report = member_import_preview(
        organization=org, text=_csv("new@example.org,New,admin"), may_assign_admin=False
    )
    assert [e.message for e in report.errors] == [
        "Only organisation admins can make someone an admin."
    ]
    report = member_import_preview(
        organization=org,
        text=_csv("ADMIN@example.org,Admin Persona,member"),
        may_assign_admin=False,
    )
    assert [e.message for e in report.errors] == [
        "Only organisation admins can change an admin's role."
    ]


def test_someone_with_an_account_elsewhere_is_invited_and_the_preview_says_so(personas):
    text = _csv("outsider@example.org,Outsider Persona", "fresh@example.org,Fresh Person")
    report = member_import_preview(organization=personas.organization, text=text)
    assert [(r.email, r.action) for r in report.rows] == [
        ("outsider@example.org", "invite"),
        ("fresh@example.org", "new"),
    ]
    assert "invited" in report.rows[0].note
    assert (report.added, report.invited) == (1, 1)


def test_a_shared_account_keeps_its_name_and_the_preview_says_so(personas):
    """Acme's member also belongs to Elsewhere Inc: Acme's file cannot rename them."""
    member_create(
        organization=personas.members["outsider"].organization,
        email="member@example.org",
        full_name="ignored",
    )
    text = _csv("member@example.org,RENAMED BY ACME", "sponsor@example.org,Sponsor Renamed")
    report = member_import_preview(organization=personas.organization, text=text)
    shared, alone = report.rows
    assert (shared.action, shared.changes) == ("unchanged", [])
    assert "Name not changed" in shared.note
    assert alone.changes == [("name", "Sponsor Persona", "Sponsor Renamed")]


def test_preview_queries_do_not_grow_with_rows(personas, django_assert_num_queries):
    org = personas.organization
    member_import_apply(organization=org, text=EXAMPLE.read_text())
    # Members, then their skills, approaches and availability, each prefetched once; then
    # which of their accounts are shared with another organisation.
    with django_assert_num_queries(5):
        member_import_preview(organization=org, text=EXAMPLE.read_text())
    lines = [f"p{i}@example.org,P {i},,2,a; b,Mon 09:00-10:00" for i in range(60)]
    member_import_apply(organization=org, text=_csv(*lines))
    with django_assert_num_queries(5):
        member_import_preview(organization=org, text=_csv(*lines))
