"""Reading a members CSV (member_import.parsing): encodings, headers, cell values and the checks
across rows, each problem with its line number. No database needed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from roundtable.core.errors import DomainError
from roundtable.orgs.member_import.parsing import (
    MAX_BYTES,
    decode_upload,
    members_csv_parse,
    rows_check,
)
from roundtable.timeslots import WeeklySlot

HEADER = (
    "email,full_name,role,hire_date,years_experience,time_zone,manager_email,skills,availability"
)
TODAY = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _problems(text: str) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in members_csv_parse(text=text).errors]


def test_wrong_encoding_is_explained_and_a_byte_order_mark_is_fine():
    with pytest.raises(DomainError, match="not UTF-8"):
        decode_upload("email,full_name\nzoë@example.org,Zoë\n".encode("latin-1"))
    assert decode_upload(b"\xef\xbb\xbfemail,full_name\n") == "email,full_name\n"


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(DomainError, match="larger than 2 MB"):
        decode_upload(b"a" * (MAX_BYTES + 1))


@time_machine.travel(TODAY, tick=False)
def test_every_column_is_read_into_its_value():
    parsed = members_csv_parse(
        text=_csv(
            'Ana@Example.org,Ana Silva,Coordinator,2026-03-10,"7,5",Europe/Lisbon,'
            'grace@example.org,"troubleshooting; negotiation, CRM",'
            '"Tue 09:00-11:00; wednesday 14:00–16:30"'
        )
    )
    assert parsed.errors == []
    (row,) = parsed.rows
    assert row.email == "ana@example.org"
    assert row.values == {
        "email": "ana@example.org",
        "full_name": "Ana Silva",
        "role": "coordinator",
        "hire_date": dt.date(2026, 3, 10),
        "years_experience": Decimal("7.5"),
        "time_zone": "Europe/Lisbon",
        "manager_email": "grace@example.org",
        "skills": ["troubleshooting", "negotiation", "CRM"],
        "availability": [WeeklySlot(1, 9 * 60, 11 * 60), WeeklySlot(2, 14 * 60, 16 * 60 + 30)],
    }


def test_availability_uses_the_one_window_syntax_midnight_included():
    parsed = members_csv_parse(text=_csv('a@example.org,A,,,,,,,"Fri 20:00-24:00;"'))
    assert parsed.rows[0].values["availability"] == [WeeklySlot(4, 20 * 60, 24 * 60)]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        (["a@example.org,A,,2026-03-11"], 2, "the hire date 2026-03-11 is in the future"),
        (["a@example.org,A,,01/02/2020"], 2, "“01/02/2020” is not a date in the form YYYY-MM-DD"),
        (["a@example.org,A,,,lots"], 2, "“lots” is not a number of years"),
        (["a@example.org,A,,,99"], 2, "years of experience must be between 0 and 70"),
        (["a@example.org,A,,,,Mars/Base"], 2, "“Mars/Base” is not a known time zone"),
        (["a@example.org,A,boss"], 2, "“boss” is not a role"),
        (["ok@example.org,Ok", "not-an-email,A"], 3, "“not-an-email” is not a valid email"),
        (["a@example.org,"], 2, "full name is empty"),
        (['a@example.org,A,,,,,,,"Funday 09:00-10:00"'], 2, "“Funday” is not a weekday"),
        (['a@example.org,A,,,,,,,"Mon 11:00-10:00"'], 2, "ends before it starts"),
        (['a@example.org,A,,,,,,,"Mon 09:00-25:00"'], 2, "has a time that does not exist"),
        (["a@example.org,A,,,,,,,,,extra"], 2, "11 cells but the header has 9"),
    ],
)
def test_a_bad_cell_is_reported_on_its_line(rows, line, message):
    problems = _problems(_csv(*rows))
    assert len(problems) == 1, problems
    assert problems[0][0] == line
    assert message in problems[0][1]


def test_several_problems_of_one_row_are_reported_together():
    ((line, message),) = _problems(_csv("a@example.org,,boss,,lots"))
    assert line == 2
    assert "full name is empty" in message
    assert "“boss” is not a role" in message
    assert "“lots” is not a number of years" in message


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("a@example.org," + "N" * 151, "the name is longer than 150 characters."),
        ("not-an-email,Ana", "“not-an-email” is not a valid email address."),
        ("a@example.org,", "full name is empty."),
        ("a@example.org", "full name is missing."),
    ],
)
def test_a_required_cell_that_is_wrong_is_reported_once_not_also_as_missing(row, problem):
    assert _problems(_csv(row, header="email,full_name")) == [(2, problem)]


def test_missing_columns_are_named_on_the_header_line():
    assert _problems("email,department\na@example.org,Sales\n") == [
        (
            1,
            "Missing required column: full_name. The header line has: email, department.",
        )
    ]


def test_a_column_given_twice_is_refused():
    assert _problems("email,full_name,Name\na@example.org,A,B\n") == [
        (1, "Columns given twice: full_name.")
    ]


def test_empty_and_header_only_files():
    assert _problems("") == [(1, "The file is empty.")]
    assert _problems(HEADER + "\n") == [(2, "The file has a header but no members.")]


def test_semicolon_files_friendly_headers_and_unknown_columns():
    parsed = members_csv_parse(
        text="Email ; Full Name ; Timezone ; Shoe size\nz@example.org;Zed;Asia/Tokyo;44\n"
    )
    assert parsed.errors == []
    assert parsed.warnings == ["Ignored unknown columns: Shoe size."]
    assert parsed.rows[0].values == {
        "email": "z@example.org",
        "full_name": "Zed",
        "time_zone": "Asia/Tokyo",
    }


def test_blank_lines_are_skipped_but_lines_keep_their_numbers():
    parsed = members_csv_parse(text=_csv("a@example.org,A", ",,,", "b@example.org,B"))
    assert [(r.line, r.email) for r in parsed.rows] == [(2, "a@example.org"), (4, "b@example.org")]


def _rows(*lines: str):
    return members_csv_parse(text=_csv(*lines)).rows


def test_an_email_twice_names_both_lines_ignoring_case():
    errors = rows_check(
        rows=_rows("ok@example.org,Ok", "a@example.org,A", "A@Example.org,Again"),
        existing_roles={},
        organization_name="Acme",
        may_assign_admin=True,
    )
    assert [(e.line, e.message) for e in errors] == [
        (4, "a@example.org appears twice (lines 3 and 4).")
    ]


def test_managers_must_be_in_the_file_or_the_organisation_and_not_the_person():
    errors = rows_check(
        rows=_rows(
            "a@example.org,A,,,,,boss@example.org",
            "b@example.org,B,,,,,nobody@example.org",
            "c@example.org,C,,,,,c@example.org",
            "d@example.org,D,,,,,a@example.org",
        ),
        existing_roles={"boss@example.org": "member"},
        organization_name="Acme",
        may_assign_admin=True,
    )
    assert [(e.line, e.message) for e in errors] == [
        (3, "The manager nobody@example.org is neither in this file nor in Acme."),
        (4, "A member cannot be their own manager."),
    ]


@pytest.mark.parametrize(
    ("row", "current_role", "message"),
    [
        ("new@example.org,New,admin", None, "Only organisation admins can make someone an admin."),
        ("x@example.org,X,admin", "member", "Only organisation admins can make someone an admin."),
        ("x@example.org,X,member", "admin", "Only organisation admins can change an admin's role."),
    ],
)
def test_only_admins_give_or_take_the_admin_role(row, current_role, message):
    existing = {"x@example.org": current_role} if current_role else {}
    rows = _rows(row)
    refused = rows_check(
        rows=rows, existing_roles=existing, organization_name="Acme", may_assign_admin=False
    )
    assert [e.message for e in refused] == [message]
    allowed = rows_check(
        rows=rows, existing_roles=existing, organization_name="Acme", may_assign_admin=True
    )
    assert allowed == []


def test_a_coordinator_may_leave_an_admin_as_admin():
    errors = rows_check(
        rows=_rows("x@example.org,X,admin", "y@example.org,Y"),
        existing_roles={"x@example.org": "admin", "y@example.org": "admin"},
        organization_name="Acme",
        may_assign_admin=False,
    )
    assert errors == []


@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_refused_with_a_reason_or_read_with_line_numbers(data):
    try:
        text = decode_upload(data)
    except DomainError:
        return  # only undecodable bytes are refused, as the encoding test shows
    parsed = members_csv_parse(text=text)
    last_line = len(text.splitlines()) + 1
    for error in parsed.errors:
        assert 1 <= error.line <= last_line
        assert error.message
    for row in parsed.rows:
        assert "@" in row.email
        assert 2 <= row.line <= last_line
