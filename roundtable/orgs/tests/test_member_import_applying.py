"""Applying an import (member_import.applying): all rows or none, matched by email ignoring case,
empty cells keep values, re-import never duplicates, one parse and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import User
from roundtable.core.errors import DomainError
from roundtable.orgs.member_import import comparing
from roundtable.orgs.member_import.applying import member_import_apply, members_write
from roundtable.orgs.member_import.parsing import text_digest
from roundtable.orgs.models import Member, Tag
from roundtable.orgs.services import member_create, member_update
from roundtable.testing.personas import PASSWORD

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "members.csv"
HEADER = (
    "email,full_name,role,hire_date,years_experience,time_zone,manager_email,skills,availability"
)


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_the_example_file_imports(personas):
    org = personas.organization
    report = member_import_apply(organization=org, text=EXAMPLE.read_text())
    assert (report.added, report.updated) == (8, 0)
    ana = Member.objects.get(organization=org, user__email="ana.silva@example.org")
    assert ana.manager
    assert ana.manager.user.email == "grace.lee@example.org"
    assert ana.years_experience == Decimal("7.5")
    assert ana.hire_date == dt.date(2019, 4, 1)
    assert ana.user.full_name == "Ana Silva"
    assert not ana.user.has_usable_password()
    assert sorted(t.name for t in ana.skills.all()) == ["negotiation", "troubleshooting"]
    assert [t.name for t in ana.approaches.all()] == ["data-driven"]
    assert [(s.weekday, s.start_time, s.end_time) for s in ana.availability.all()] == [
        (1, dt.time(9), dt.time(11)),
        (2, dt.time(14), dt.time(16, 30)),
    ]
    maya = Member.objects.get(user__email="maya.johnson@example.org")
    assert maya.time_zone == "America/New_York"
    # A manager listed later in the file is found too.
    assert maya.manager
    assert maya.manager.user.email == "carlos.ortiz@example.org"
    grace = Member.objects.get(user__email="grace.lee@example.org")
    assert grace.role == "coordinator"
    assert grace.manager is None


def test_reimport_updates_and_never_duplicates(personas):
    org = personas.organization
    member_import_apply(organization=org, text=EXAMPLE.read_text())
    tags = Tag.objects.count()
    changed = EXAMPLE.read_text().replace("Ana Silva,member", "Ana Silva-Reyes,member")
    report = member_import_apply(organization=org, text=changed)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 7)
    assert Member.objects.filter(user__email="ana.silva@example.org").count() == 1
    assert User.objects.filter(email="ana.silva@example.org").count() == 1
    assert Member.objects.get(user__email="ana.silva@example.org").name == "Ana Silva-Reyes"
    assert Tag.objects.count() == tags
    ana = Member.objects.get(user__email="ana.silva@example.org")
    assert ana.availability.count() == 2


def test_matching_ignores_case_and_empty_cells_keep_values(personas):
    member = personas.members["member"]
    member_update(member=member, years_experience=Decimal("3"), skills=["Excel"])
    text = _csv("MEMBER@Example.org,Member Persona,,,,,,,Mon 09:00-10:00")
    report = member_import_apply(organization=personas.organization, text=text)
    assert (report.added, report.updated) == (0, 1)
    member.refresh_from_db()
    assert member.role == "member"
    assert member.department == "Sales"
    assert member.years_experience == Decimal("3")
    assert [t.name for t in member.skills.all()] == ["Excel"]
    assert [(s.weekday, s.start_time) for s in member.availability.all()] == [(0, dt.time(9))]


def test_given_tags_replace_the_old_ones_and_reuse_existing_tags_ignoring_case(personas):
    member = personas.members["member"]
    member_update(member=member, skills=["Excel", "Negotiation"])
    text = _csv('member@example.org,Member Persona,,,,,,"negotiation, Forecasting"')
    member_import_apply(organization=personas.organization, text=text)
    assert sorted(t.name for t in member.skills.all()) == ["Forecasting", "Negotiation"]
    assert personas.organization.tags.filter(kind="skill").count() == 3


def test_someone_with_an_account_elsewhere_is_not_added(personas):
    """Acme's file names Elsewhere Inc's admin: no membership, no change to their account (the
    invitation is sent by notifications' member_import_send)."""
    users = User.objects.count()
    report = member_import_apply(
        organization=personas.organization,
        text=_csv("Outsider@example.org,RENAMED BY ACME,coordinator", "new@example.org,New One"),
    )
    assert report.invite_emails == {"outsider@example.org"}
    assert not Member.objects.filter(
        organization=personas.organization, user=personas.outsider
    ).exists()
    assert Member.objects.filter(organization=personas.organization, user__email="new@example.org")
    assert User.objects.count() == users + 1
    personas.outsider.refresh_from_db()
    assert personas.outsider.full_name == "Outsider Persona"
    assert personas.outsider.check_password(PASSWORD)


def test_members_write_never_adds_an_existing_account(personas):
    rows = comparing.members_csv_parse(text=_csv("outsider@example.org,Someone")).rows
    with pytest.raises(DomainError, match="already has an account"):
        members_write(organization=personas.organization, rows=rows)
    assert not Member.objects.filter(
        organization=personas.organization, user=personas.outsider
    ).exists()


def test_an_import_renames_only_accounts_of_this_organisation_alone(personas):
    """Acme's member also belongs to Elsewhere Inc; Acme's sponsor belongs to Acme alone."""
    member_create(
        organization=personas.members["outsider"].organization,
        email="member@example.org",
        full_name="ignored",
    )
    member_import_apply(
        organization=personas.organization,
        text=_csv("member@example.org,RENAMED BY ACME", "sponsor@example.org,Sponsor Renamed"),
    )
    assert User.objects.get(email="member@example.org").full_name == "Member Persona"
    assert User.objects.get(email="sponsor@example.org").full_name == "Sponsor Renamed"


def test_a_manager_already_in_the_organisation_may_be_named(personas):
    text = _csv("new@example.org,New,,,,,lead@example.org")
    member_import_apply(organization=personas.organization, text=text)
    new = Member.objects.get(user__email="new@example.org")
    assert new.manager == personas.members["lead"]
    assert new.time_zone == "Europe/London"  # the organisation's


@pytest.mark.parametrize(
    "rows",
    [
        ["a@example.org,A,,2999-01-01"],
        ["a@example.org,A,,,,,nobody@example.org"],
        ['a@example.org,A,,,,,,,"Funday 09:00-10:00"'],
        ["ok@example.org,Ok", "a@example.org,A", "A@example.org,Again"],
    ],
)
def test_a_file_with_problems_imports_nothing(personas, rows):
    before = Member.objects.count()
    with pytest.raises(DomainError, match=r"Nothing was imported: 1 problem in the file\."):
        member_import_apply(organization=personas.organization, text=_csv(*rows))
    assert Member.objects.count() == before


def test_one_bad_row_stops_the_good_ones(personas):
    text = _csv("good@example.org,Good", "bad@example.org,Bad,,,,Nowhere/Zone")
    with pytest.raises(DomainError):
        member_import_apply(organization=personas.organization, text=text)
    assert not Member.objects.filter(user__email="good@example.org").exists()
    assert not User.objects.filter(email="good@example.org").exists()


def test_a_failure_while_writing_rolls_every_row_back(personas):
    text = _csv("good@example.org,Good,,,,,,skill", "other@example.org,Other")
    with (
        mock.patch(
            "roundtable.orgs.member_import.applying._availability_replace",
            side_effect=RuntimeError("disk full"),
        ),
        pytest.raises(RuntimeError),
    ):
        member_import_apply(organization=personas.organization, text=text)
    assert not User.objects.filter(email__in=["good@example.org", "other@example.org"]).exists()
    assert not Tag.objects.filter(name="skill").exists()


def test_a_file_other_than_the_previewed_one_is_refused(personas):
    text = _csv("new@example.org,New")
    with pytest.raises(DomainError, match="changed after the preview"):
        member_import_apply(
            organization=personas.organization, text=text, expected_digest=text_digest("other")
        )
    assert not Member.objects.filter(user__email="new@example.org").exists()
    member_import_apply(
        organization=personas.organization, text=text, expected_digest=text_digest(text)
    )
    assert Member.objects.filter(user__email="new@example.org").exists()


def test_the_file_is_parsed_once(personas):
    with mock.patch.object(
        comparing, "members_csv_parse", wraps=comparing.members_csv_parse
    ) as parse:
        member_import_apply(organization=personas.organization, text=EXAMPLE.read_text())
    assert parse.call_count == 1


def _rows(count: int, start: int = 0) -> str:
    return _csv(
        *(
            f"p{i}@example.org,Person {i},member,2020-01-0{1 + i % 9},{i % 20},Europe/Paris,"
            # Skills new to each file (and one they share), so both imports create tags.
            f'lead@example.org,"skill {start + i % 7}; shared",'
            f'"Mon 09:00-10:00; Thu 1{i % 8}:00-19:00"'
            for i in range(start, start + count)
        )
    )


def _queries(personas, text: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        member_import_apply(organization=personas.organization, text=text)
    return len(captured)


def test_queries_do_not_grow_with_the_rows(personas):
    """New members, then the same members updated: ten rows or a hundred, the same queries, but
    for a bulk write the database splits into batches (SQLite caps the parameters of a statement,
    so a hundred rows may take one or two more); a query per row would add 90."""
    new_10, new_100 = _queries(personas, _rows(10)), _queries(personas, _rows(100, start=10))
    assert new_10 <= new_100 <= new_10 + 2
    again_10, again_100 = _queries(personas, _rows(10)), _queries(personas, _rows(100, start=10))
    assert again_100 <= again_10 + 1
    assert Member.objects.filter(user__email__regex=r"^p[0-9]+@").count() == 110


def test_a_window_until_midnight_is_kept_to_the_last_minute(personas):
    text = _csv('night@example.org,Night,,,,,,,"Fri 20:00-24:00; fri 19:00–20:30"')
    member_import_apply(organization=personas.organization, text=text)
    night = Member.objects.get(user__email="night@example.org")
    # Touching or overlapping windows are merged; midnight is kept as the day's last minute.
    assert [(s.weekday, s.start_time, s.end_time) for s in night.availability.all()] == [
        (4, dt.time(19), dt.time(23, 59))
    ]
