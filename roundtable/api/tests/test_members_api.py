"""The members API: the directory, search, and private fields per the policy."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import User
from roundtable.orgs.models import Member, Organization, Tag
from roundtable.orgs.services import member_create, organization_create
from roundtable.programs.services import program_enrol
from roundtable.testing.api import (
    as_persona,
    assert_error,
    bearer,
    new_member,
)
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db


def test_member_directory_lists_and_searches(personas: Personas) -> None:
    client = as_persona(personas, "member")
    page = client.get("/api/members").json()
    assert page["count"] == 6  # five personas and the peer of the other circle
    assert "Outsider Persona" not in [m["name"] for m in page["items"]]

    found = client.get(
        "/api/members", {"organization": personas.organization.slug, "q": "coord"}
    ).json()
    assert [m["name"] for m in found["items"]] == ["Coordinator Persona"]


def test_member_directory_of_someone_elses_organisation_is_404(personas: Personas) -> None:
    response = as_persona(personas, "outsider").get(
        "/api/members", {"organization": personas.organization.slug}
    )
    assert_error(response, 404, "not_found")


def test_member_of_another_organisation_is_404(personas: Personas) -> None:
    response = as_persona(personas, "outsider").get(f"/api/members/{personas.members['member'].pk}")
    assert_error(response, 404, "not_found")


def test_private_member_fields_follow_the_policy(personas: Personas) -> None:
    manager = personas.members["admin"]
    colleague = new_member(personas, "colleague", hire_date=dt.date(2020, 1, 6), manager=manager)
    url = f"/api/members/{colleague.pk}"

    # A peer sees the public profile only.
    hidden = as_persona(personas, "member").get(url).json()
    assert hidden["hire_date"] is None
    assert hidden["manager_id"] is None
    assert hidden["availability"] is None
    assert hidden["organization"]["slug"] == personas.organization.slug

    # A coordinator sees them once the colleague is in their program; the person always does.
    assert as_persona(personas, "coordinator").get(url).json()["hire_date"] is None
    program_enrol(program=personas.program, members=[colleague])
    for client in (as_persona(personas, "coordinator"), bearer(colleague.user)):
        shown = client.get(url).json()
        assert shown["hire_date"] == "2020-01-06"
        assert shown["manager_id"] == manager.pk
        assert shown["availability"] == []

    listed = {
        m["id"]: m for m in as_persona(personas, "member").get("/api/members").json()["items"]
    }
    assert listed[colleague.pk]["hire_date"] is None
    listed = {m["id"]: m for m in as_persona(personas, "admin").get("/api/members").json()["items"]}
    assert listed[colleague.pk]["hire_date"] == "2020-01-06"


def test_member_directory_needs_an_organisation_when_there_are_several(
    personas: Personas,
) -> None:
    other = organization_create(name="Second Ltd")
    member_create(organization=other, email="member@example.org", full_name="Member Persona")
    client = as_persona(personas, "member")
    body = assert_error(client.get("/api/members"), 400, "invalid")
    assert body["field"] == "organization"
    assert client.get("/api/members", {"organization": other.slug}).json()["count"] == 1


# --- program writes -------------------------------------------------------------------------


def test_member_directory_query_count_does_not_grow(personas: Personas) -> None:
    client = as_persona(personas, "admin")
    manager = personas.members["coordinator"]

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/api/members").json()
        return len(captured), page["count"]

    queries()  # the token's first use is recorded once; measure after it
    few, count = queries()
    for i in range(15):
        new_member(
            personas, f"extra{i}", skills=[f"s{i}", "shared"], approaches=["a"], manager=manager
        )
    many, more = queries()
    assert (count, more) == (6, 21)
    assert many == few


# --- search that cannot hang the server -----------------------------------------------------


def _crowd(organization: Organization, size: int) -> None:
    """`size` members, each with two skills and an approach, built in bulk (a few seconds)."""
    users = User.objects.bulk_create(
        User(email=f"crowd{i}@example.org", full_name=f"Crowd Person {i}") for i in range(size)
    )
    members = Member.objects.bulk_create(
        Member(organization=organization, user=user, job_title="Engineer", department="Ops")
        for user in users
    )
    skills = Tag.objects.bulk_create(
        Tag(organization=organization, kind=Tag.Kind.SKILL, name=name)
        for name in ("facilitation", "negotiation")
    )
    approach = Tag.objects.create(
        organization=organization, kind=Tag.Kind.APPROACH, name="data-driven"
    )
    Member.skills.through.objects.bulk_create(
        Member.skills.through(member=member, tag=tag) for member in members for tag in skills
    )
    Member.approaches.through.objects.bulk_create(
        Member.approaches.through(member=member, tag=approach) for member in members
    )


def test_a_fifty_word_search_answers_quickly_on_ten_thousand_members(
    personas: Personas,
) -> None:
    """The search used to multiply rows per word (10 words took minutes). Here it must answer well
    inside the statement timeout even on a loaded CI machine; the one-second target itself is
    measured by bench/search/bench_member_search.py (about 0.15 s on SQLite, bench/README.md)."""
    _crowd(personas.organization, 10_000)
    # Words found only in tags, the costliest path, and every one matches every crowd member.
    words = ["facil", "negot", "data-", "tion", "driv", "acil", "egot", "ata", "itat", "iati"]
    words += [f"zz{i}" for i in range(40)]
    client = as_persona(personas, "member")
    client.get("/api/members")  # the token's first use is recorded once; time after it

    started = time.perf_counter()
    response = client.get("/api/members", {"q": " ".join(words)})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    # The first ten words are searched and the rest ignored: all the crowd, none of the personas.
    assert response.json()["count"] == 10_000
    assert elapsed < 3.0, f"a 50-word search took {elapsed:.2f} s"


def test_member_search_queries_do_not_grow_with_the_words(personas: Personas) -> None:
    new_member(personas, "tagged", skills=["facilitation"], approaches=["data-driven"])
    client = as_persona(personas, "member")
    client.get("/api/members")

    def queries(q: str) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/api/members", {"q": q}).json()
        return len(captured), [m["name"] for m in page["items"]]

    assert queries("tagged") == queries("tag facil data driv extra example.org tagg ged ta g")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_cancels_statements_that_run_past_the_timeout() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("5s",)
