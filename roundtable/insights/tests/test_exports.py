"""A program's CSV exports: every export as every persona, what each holds, anonymity and privacy
(planted words searched in every file), CSV injection, and streaming (a query count that does not
grow with the rows, and a body that is an iterator)."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.circles.services import program_withdraw
from roundtable.insights.selectors import exports
from roundtable.insights.selectors.exports import EXPORTS
from roundtable.insights.services.exports import csv_cell
from roundtable.insights.tests import export_data as data
from roundtable.meetings.models import Attendance, Meeting
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import Personas, second_program_create
from roundtable.testing.queries import assert_queries_flat

KINDS = [export.key for export in EXPORTS]
MAY_EXPORT = ("admin", "coordinator", "sponsor")


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(data.NOW, tick=False):
        yield


@pytest.fixture
def planted(personas: Personas) -> data.Planted:
    return data.plant(personas)


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(personas.user(name))
    return client


def _export(client: Client, personas: Personas, kind: str) -> list[dict[str, str]]:
    response = client.get(reverse("insights:program_export", args=[personas.program.pk, kind]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"-{kind}-2027-03-01.csv" in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _raw(client: Client, personas: Personas, kind: str) -> str:
    response = client.get(reverse("insights:program_export", args=[personas.program.pk, kind]))
    return response.getvalue().decode("utf-8-sig")


# --- who may export ------------------------------------------------------------------------


@pytest.mark.parametrize("name", MAY_EXPORT)
def test_admins_coordinators_and_the_sponsor_get_every_export(
    personas: Personas, planted: data.Planted, name: str
) -> None:
    client = _client(personas, name)
    page = client.get(reverse("insights:program_exports", args=[personas.program.pk]))
    assert page.status_code == 200
    for kind in KINDS:
        assert reverse("insights:program_export", args=[personas.program.pk, kind]) in (
            page.content.decode()
        )
        rows = _export(client, personas, kind)
        assert rows, f"{kind} is empty for {name}"


@pytest.mark.parametrize("name", ["lead", "member"])
def test_people_in_the_program_who_may_not_export_are_told_so(
    personas: Personas, planted: data.Planted, name: str
) -> None:
    client = _client(personas, name)
    page = client.get(reverse("insights:program_exports", args=[personas.program.pk]))
    assert page.status_code == 403
    assert "coordinators, its sponsor and the organisation's admins" in html.unescape(
        page.content.decode()
    )
    for kind in KINDS:
        response = client.get(reverse("insights:program_export", args=[personas.program.pk, kind]))
        assert response.status_code == 403
        assert data.NAMED_FEEDBACK not in response.content.decode()


def test_an_outsider_and_a_member_of_another_program_get_404(
    personas: Personas, planted: data.Planted
) -> None:
    second = second_program_create(personas)
    dana = Client()
    dana.force_login(second.dana.user)
    for client in (_client(personas, "outsider"), dana):
        page = client.get(reverse("insights:program_exports", args=[personas.program.pk]))
        assert page.status_code == 404
        for kind in KINDS:
            url = reverse("insights:program_export", args=[personas.program.pk, kind])
            assert client.get(url).status_code == 404


def test_the_coordinator_of_another_program_gets_404(
    personas: Personas, planted: data.Planted
) -> None:
    second = second_program_create(personas)
    client = Client()
    client.force_login(second.coordinator.user)
    url = reverse("insights:program_export", args=[personas.program.pk, "attendance"])
    assert client.get(url).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(personas: Personas) -> None:
    url = reverse("insights:program_export", args=[personas.program.pk, "members"])
    response = Client().get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_unknown_kind_is_not_found(personas: Personas) -> None:
    client = _client(personas, "admin")
    url = reverse("insights:program_export", args=[personas.program.pk, "passwords"])
    assert client.get(url).status_code == 404


# --- what the files hold -----------------------------------------------------------------------


def test_the_page_lists_every_export_with_its_row_count(
    personas: Personas, planted: data.Planted
) -> None:
    client = _client(personas, "coordinator")
    page = client.get(reverse("insights:program_exports", args=[personas.program.pk]))
    counts = {item.export.key: item.rows for item in page.context["exports"]}
    # Enrolled: lead, member, peer; circles North and South; four meetings of North; four
    # attendance rows; two feedback; three commitments; three ideas (none withdrawn); two
    # critiques.
    assert counts == {
        "members": 3,
        "circles": 2,
        "meetings": 4,
        "attendance": 4,
        "feedback": 2,
        "commitments": 3,
        "ideas": 3,
        "critiques": 2,
    }
    for kind, count in counts.items():
        assert len(_export(client, personas, kind)) == count
    assert reverse("insights:program_report_pdf", args=[personas.program.pk]) in (
        page.content.decode()
    )


def test_the_program_page_links_to_the_exports_for_those_who_may_export(
    personas: Personas,
) -> None:
    url = reverse("insights:program_exports", args=[personas.program.pk])
    detail = reverse("programs:detail", args=[personas.program.pk])
    for name in MAY_EXPORT:
        assert url in _client(personas, name).get(detail).content.decode()
    for name in ("lead", "member"):
        assert url not in _client(personas, name).get(detail).content.decode()


def test_attendance_rows_name_the_meeting_the_person_and_the_local_time(
    personas: Personas, planted: data.Planted
) -> None:
    rows = _export(_client(personas, "sponsor"), personas, "attendance")
    mine = [r for r in rows if r["member"] == "Member Persona"]
    assert [(r["starts_local"], r["status"], r["reported_by"]) for r in mine] == [
        ("2027-02-15 10:00", "present", "Lead Persona"),
        ("2027-02-22 10:00", "absent", "Member Persona"),
    ]
    assert {r["circle"] for r in rows} == {"North"}


def test_circle_figures(personas: Personas, planted: data.Planted) -> None:
    rows = {r["circle"]: r for r in _export(_client(personas, "admin"), personas, "circles")}
    north = rows["North"]
    assert north["lead"] == "Lead Persona"
    assert north["members_now"] == "2"
    assert north["meetings_held"] == "2"
    assert north["meetings_cancelled"] == "1"
    assert north["attendance_rate"] == "0.75"
    assert (north["ideas"], north["commitments_done"], north["done_on_time"]) == ("3", "1", "1")
    assert rows["South"]["attendance_rate"] == ""


def test_meetings_count_attendance_and_feedback(personas: Personas, planted: data.Planted) -> None:
    rows = {r["meeting_id"]: r for r in _export(_client(personas, "admin"), personas, "meetings")}
    held = rows[str(planted.held.pk)]
    assert (held["present"], held["absent"], held["feedback_count"], held["mean_rating"]) == (
        "2",
        "0",
        "2",
        "3.00",
    )
    assert rows[str(planted.cancelled.pk)]["status"] == "cancelled"
    assert rows[str(planted.upcoming.pk)]["runner"] == "Member Persona"


def test_commitments_say_on_time_and_moves(personas: Personas, planted: data.Planted) -> None:
    rows = {
        r["commitment_id"]: r
        for r in _export(_client(personas, "coordinator"), personas, "commitments")
    }
    assert rows[str(planted.done.pk)]["on_time"] == "yes"
    assert rows[str(planted.moved.pk)]["date_moves"] == "1"
    assert rows[str(planted.moved.pk)]["due_on"] == "2027-03-10"


# --- anonymity and privacy ---------------------------------------------------------------------


@pytest.mark.parametrize("name", MAY_EXPORT)
def test_no_private_word_is_in_any_export(
    personas: Personas, planted: data.Planted, name: str
) -> None:
    client = _client(personas, name)
    for kind in KINDS:
        text = _raw(client, personas, kind)
        for word in (*data.PRIVATE_WORDS, data.HIDDEN_IDEA):
            assert word not in text, f"{word} in the {kind} export for {name}"


def test_anonymous_rows_have_no_author(personas: Personas, planted: data.Planted) -> None:
    client = _client(personas, "admin")
    feedback = _export(client, personas, "feedback")
    ideas = _export(client, personas, "ideas")
    critiques = _export(client, personas, "critiques")
    for rows, text_column, word in (
        (feedback, "comment", data.ANON_FEEDBACK),
        (ideas, "summary", data.ANON_IDEA),
        (critiques, "reasoning", data.ANON_CRITIQUE),
    ):
        anonymous = [r for r in rows if r["anonymous"] == "yes"]
        assert [r[text_column] for r in anonymous] == [word]
        assert [r["author"] for r in anonymous] == [""]
        named = [r for r in rows if r["anonymous"] == "no"]
        assert named
        assert all(r["author"] for r in named)


def test_hidden_contributions_show_that_they_were_hidden(
    personas: Personas, planted: data.Planted
) -> None:
    ideas = _export(_client(personas, "admin"), personas, "ideas")
    hidden = [r for r in ideas if r["author"] == "Lead Persona"]
    assert [r["summary"] for r in hidden] == ["[hidden by the circle's lead]"]


def test_private_fields_only_for_those_who_may_see_them(
    personas: Personas, planted: data.Planted
) -> None:
    for name, sees in (("admin", True), ("coordinator", True), ("sponsor", False)):
        rows = {r["name"]: r for r in _export(_client(personas, name), personas, "members")}
        member = rows["Member Persona"]
        assert (member["hire_date"], member["manager"]) == (
            ("2015-03-04", "Sponsor Persona") if sees else ("", "")
        ), name
        assert member["circles"] == "North"
        assert rows["Lead Persona"]["leads"] == "North"


def test_a_withdrawn_member_keeps_private_fields_from_a_coordinator(
    personas: Personas, planted: data.Planted
) -> None:
    """Once someone leaves the program, its coordinator no longer sees their private fields
    (the policy's rule): the export follows it."""
    program_withdraw(program=personas.program, member=planted.member)
    rows = {r["name"]: r for r in _export(_client(personas, "coordinator"), personas, "members")}
    assert rows["Member Persona"]["withdrawn_on"] == "2027-03-01"
    assert rows["Member Persona"]["hire_date"] == ""


# --- CSV injection -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_looks_like_a_formula_is_kept_as_text(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain", "", "a=b", 42, -3, None])
def test_other_cells_are_left_alone(value: object) -> None:
    assert csv_cell(value) == value


def test_a_formula_title_is_exported_as_text(personas: Personas, planted: data.Planted) -> None:
    rows = _export(_client(personas, "admin"), personas, "commitments")
    assert "'" + data.FORMULA in [r["title"] for r in rows]
    assert data.FORMULA not in [r["title"] for r in rows]


# --- streaming ---------------------------------------------------------------------------------


def _grow_attendance(personas: Personas, meetings: int, people: int) -> None:
    members = MemberFactory.create_batch(people, organization=personas.organization)
    for n in range(meetings):
        meeting = Meeting.objects.create(
            circle=personas.circle, starts_at=data.NOW - (30 + n) * data.DAY
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member=m, status="present") for m in members
        )


def _queries_streaming(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        rows = response.getvalue().count(b"\n") - 1
    return len(captured.captured_queries), rows


@pytest.mark.parametrize("kind", KINDS)
def test_an_export_takes_as_many_queries_for_many_rows_as_for_few(
    personas: Personas, planted: data.Planted, kind: str
) -> None:
    client = _client(personas, "admin")
    url = reverse("insights:program_export", args=[personas.program.pk, kind])
    client.get(url)
    before, _ = _queries_streaming(client, url)
    _grow_attendance(personas, meetings=30, people=8)
    after, rows = _queries_streaming(client, url)
    assert after == before, f"{kind}: {before} queries, then {after}"
    if kind == "attendance":
        assert rows == 4 + 30 * 8


def test_attendance_is_read_in_chunks_not_all_at_once(
    personas: Personas, planted: data.Planted, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The response is a generator over an iterator: nothing is read before the first chunk is
    asked for, and the rows come from `.iterator()` (a cursor), never a list."""
    _grow_attendance(personas, meetings=10, people=5)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 7)
    client = _client(personas, "admin")
    url = reverse("insights:program_export", args=[personas.program.pk, "attendance"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        before_reading = [q["sql"] for q in captured.captured_queries]
        body = response.getvalue()
    assert not any("meetings_attendance" in sql for sql in before_reading)
    assert body.count(b"\n") == 1 + 4 + 50


def test_the_exports_page_query_count_does_not_grow(
    personas: Personas, planted: data.Planted
) -> None:
    client = _client(personas, "coordinator")
    assert_queries_flat(
        client,
        reverse("insights:program_exports", args=[personas.program.pk]),
        grow=lambda: _grow_attendance(personas, meetings=5, people=5),
    )
