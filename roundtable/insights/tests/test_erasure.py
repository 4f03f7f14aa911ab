"""Erasing a member: what goes and what stays (rule by rule), every figure the same before and
after, the whole database searched for the person afterwards, the log, and every refusal (the last
admin, oneself as the last admin, another organisation, a non-admin, a sponsor, twice) changing
nothing at all."""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from roundtable.accounts.models import ApiToken, User
from roundtable.accounts.services import api_token_create
from roundtable.circles.models import CircleMembership, PairRule
from roundtable.circles.services import circle_create
from roundtable.commitments.models import Activity, BusyPeriod, Commitment, DateChange
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Critique, Idea, TemperatureVote
from roundtable.insights.selectors.dashboard import program_dashboard
from roundtable.insights.selectors.health import circle_health
from roundtable.insights.services.erasure import (
    ERASED_NAME,
    REMOVED,
    member_erase,
    member_erasure_refusal,
)
from roundtable.insights.tests import export_data as data
from roundtable.leadership.models import (
    PeerNote,
    Recognition,
    Reflection,
    SharedProfile,
    SupportPlan,
)
from roundtable.meetings.history import meetings_consistency
from roundtable.meetings.models import Attendance, CalendarFeed, Feedback, Meeting, Rsvp
from roundtable.notifications.models import Notice
from roundtable.orgs.models import Member, MemberErasure, Role
from roundtable.orgs.services import member_create
from roundtable.programs.models import Enrolment
from roundtable.testing.anonymity import every_row
from roundtable.testing.personas import Personas

REASON = "The member asked to be erased"
# Rows a request may write whatever it does (the session, sign-in records).
VOLATILE = ("django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")


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


def _erase_url(member: Member) -> str:
    return reverse("insights:member_erase", args=[member.pk])


def _post(client: Client, member: Member, name: str | None = None, reason: str = REASON) -> Any:
    return client.post(_erase_url(member), {"name": name or member.name, "reason": reason})


def _export(client: Client, personas: Personas, kind: str) -> list[dict[str, str]]:
    url = reverse("insights:program_export", args=[personas.program.pk, kind])
    text = client.get(url).getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _stable() -> dict[str, Counter[tuple[Any, ...]]]:
    return {table: rows for table, rows in every_row().items() if table not in VOLATILE}


# --- what goes and what stays ------------------------------------------------------------------


def test_an_admin_erases_a_member_through_the_confirmation(
    personas: Personas, planted: data.Planted
) -> None:
    member = planted.member
    token, _secret = api_token_create(user=member.user, name="Sheets")
    member_client = _client(personas, "member")
    admin = _client(personas, "admin")
    page = admin.get(_erase_url(member))
    assert page.status_code == 200
    assert "Type the member" in html.unescape(page.content.decode())

    response = _post(admin, member, name="  member   PERSONA ")
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:erasure_list", args=["acme-ltd"])

    member.refresh_from_db()
    user = User.objects.get(pk=member.user_id)
    assert member.name == ERASED_NAME
    assert user.email.endswith("@erased.invalid")
    assert not user.has_usable_password()
    assert not user.is_active
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    # Their session no longer works.
    assert member_client.get(reverse("home:home")).status_code == 302
    assert (member.job_title, member.department, member.hire_date, member.manager) == (
        "",
        "",
        None,
        None,
    )
    assert not member.is_active
    assert member.role == Role.MEMBER
    assert member.time_zone == "Europe/London"


def test_each_rule(personas: Personas, planted: data.Planted) -> None:
    member, lead = planted.member, planted.lead
    PairRule.objects.create(
        program=personas.program, kind="apart", first=member, second=lead, note="Friends"
    )
    member_erase(member=member, by=personas.members["admin"], reason=REASON, now=data.NOW)
    # Removed: private notes about them, their shared profile, busy periods, notices, feed.
    assert not PeerNote.objects.filter(peer=member).exists()
    assert not SupportPlan.objects.filter(peer=member).exists()
    assert Reflection.objects.filter(author=lead).exists()  # the lead's own reflection stays
    assert not SharedProfile.objects.filter(member=member).exists()
    assert not BusyPeriod.objects.filter(member=member).exists()
    assert not Notice.objects.filter(member=member).exists()
    assert not CalendarFeed.objects.filter(member=member).exists()
    assert not PairRule.objects.exists()
    # Replies to meetings to come go; those of meetings held stay.
    assert list(Rsvp.objects.filter(member=member).values_list("meeting_id", flat=True)) == [
        planted.held.pk
    ]
    # Kept, their words removed.
    named = Feedback.objects.get(member=member)
    assert (named.rating, named.comment) == (4, REMOVED)
    anonymous = Feedback.objects.get(anonymous=True)
    assert anonymous.comment == data.ANON_FEEDBACK
    assert TemperatureVote.objects.get(member=member).reason == REMOVED
    assert set(Commitment.objects.filter(owner=member).values_list("answer", flat=True)) == {
        "",
        REMOVED,
    }
    assert DateChange.objects.get(changed_by=member, from_due_at__isnull=False).reason == REMOVED
    recognition = Recognition.objects.get(recipient=member)
    assert recognition.message == REMOVED
    # The circle's deliberation stays as it was, under the erased name.
    assert Idea.objects.get(pk=planted.named_idea.pk).author == member
    assert Critique.objects.filter(anonymous=True).get().reasoning == data.ANON_CRITIQUE
    # Taking part ends today; the history stays.
    assert not CircleMembership.objects.filter(member=member, left_on__isnull=True).exists()
    assert CircleMembership.objects.filter(member=member, left_on=data.NOW.date()).exists()
    assert Enrolment.objects.get(member=member).withdrawn_on == data.NOW.date()
    assert Meeting.objects.get(pk=planted.upcoming.pk).runner is None
    assert Attendance.objects.filter(member=member).count() == 2


def test_the_activity_log_loses_their_reasons_and_stays_append_only(
    personas: Personas, planted: data.Planted
) -> None:
    member = planted.member
    kinds = dict(Activity.objects.filter(actor_id=member.pk).values_list("kind", "text"))
    assert kinds["moved"] == data.MOVE
    assert kinds["declined"] == data.DECLINE
    member_erase(member=member, by=personas.members["admin"], reason=REASON, now=data.NOW)
    after = dict(Activity.objects.filter(actor_id=member.pk).values_list("kind", "text"))
    assert after["moved"] == after["declined"] == REMOVED
    assert after["done"] == "Called them all"  # what was delivered is the circle's record
    table = Activity._meta.db_table
    for statement in (f"UPDATE {table} SET text = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)


def test_nothing_in_the_database_names_them_or_holds_their_words_afterwards(
    personas: Personas, planted: data.Planted
) -> None:
    member = planted.member
    words = (
        "Member Persona",
        "member@example.org",
        data.NAMED_FEEDBACK,
        data.DECLINE,
        data.MOVE,
        data.BUSY,
        data.SHARED,
        data.RECOGNITION,
        "feed-token-of-the-member",
    )
    before = every_row()
    assert any(word in repr(before) for word in words)
    member_erase(member=member, by=personas.members["admin"], reason=REASON, now=data.NOW)
    found = {
        (table, word)
        for table, rows in every_row().items()
        for row in rows
        for word in words
        if word in repr(row)
    }
    assert found == set()
    # The lead was told of the refusal: the notice stays, without the name or the words.
    told = Notice.objects.get(member=planted.lead, kind="commitment_answered")
    assert ERASED_NAME in told.title + told.body
    assert REMOVED in told.body
    # The lead's private notes about them are gone (their text is encrypted, so look for rows).
    assert not PeerNote.objects.exists()
    assert not SupportPlan.objects.exists()


def test_every_figure_is_the_same_before_and_after(
    personas: Personas, planted: data.Planted
) -> None:
    admin = _client(personas, "admin")
    today = data.NOW.date()

    def figures() -> dict[str, Any]:
        consistency = meetings_consistency(circle=planted.circle)
        dashboard = program_dashboard(personas.program, today=today)
        rows = {
            r.circle.name: (
                r.scheduled,
                r.held,
                r.present,
                r.recorded,
                r.usefulness,
                r.ratings,
                r.open_commitments,
                r.overdue,
                r.consistency,
                r.attendance,
            )
            for r in dashboard.rows
        }
        exports = {
            kind: len(_export(admin, personas, kind))
            for kind in ("meetings", "attendance", "feedback", "commitments", "ideas", "critiques")
        }
        circles = {
            r["circle"]: {k: v for k, v in r.items() if k not in ("members_now", "lead")}
            for r in _export(admin, personas, "circles")
        }
        attendance = Counter(
            (r["meeting_id"], r["status"]) for r in _export(admin, personas, "attendance")
        )
        meetings = [
            {k: v for k, v in r.items() if k != "runner"}
            for r in _export(admin, personas, "meetings")
        ]
        ideas = Counter((r["stage"], r["anonymous"]) for r in _export(admin, personas, "ideas"))
        return {
            # The circle health page's figures, month by month, for both circles.
            "health": [
                circle_health(circle, today=today)
                for circle in (planted.circle, personas.other_circle)
            ],
            "consistency": consistency,
            "dashboard": rows,
            "exports": exports,
            "circles": circles,
            "attendance": attendance,
            "meetings": meetings,
            "ideas": ideas,
            "flags": {r.circle.name: [f.code for f in r.flags] for r in dashboard.rows},
        }

    before = figures()
    assert before["consistency"].attendance_rate == 0.75
    assert before["health"][0].total.ratings == 2
    response = _post(admin, planted.member)
    assert response.status_code == 302
    after = figures()
    assert after == before


def test_a_lead_erased_leaves_the_circle_without_a_lead_and_their_notes_go(
    personas: Personas, planted: data.Planted
) -> None:
    lead = planted.lead
    member_erase(member=lead, by=personas.members["admin"], reason=REASON, now=data.NOW)
    planted.circle.refresh_from_db()
    assert planted.circle.lead is None
    assert not Reflection.objects.exists()
    assert not PeerNote.objects.exists()
    assert Critique.objects.filter(author=lead).count() == 1  # kept, as "Erased member"
    assert Member.objects.get(pk=lead.pk).name == ERASED_NAME


def test_an_account_shared_with_another_organisation_stays_its_owners(
    personas: Personas, planted: data.Planted
) -> None:
    member = planted.member
    elsewhere = personas.members["outsider"].organization
    member_create(organization=elsewhere, email="member@example.org", full_name="Ignored")
    user_pk = member.user_id
    member_erase(member=member, by=personas.members["admin"], reason=REASON, now=data.NOW)
    member.refresh_from_db()
    person = User.objects.get(pk=user_pk)
    assert (person.full_name, person.email, person.is_active) == (
        "Member Persona",
        "member@example.org",
        True,
    )
    assert person.has_usable_password()
    assert member.user_id != user_pk
    assert member.name == ERASED_NAME
    assert Member.objects.get(user_id=user_pk).organization == elsewhere
    client = Client()
    client.force_login(person)
    # Still signed in elsewhere; this organisation's pages are gone for them.
    assert client.get(reverse("orgs:directory", args=["elsewhere-inc"])).status_code == 200
    assert client.get(reverse("orgs:directory", args=["acme-ltd"])).status_code == 404


# --- the log -------------------------------------------------------------------------------------


def test_the_erasure_is_logged_without_personal_data(
    personas: Personas, planted: data.Planted
) -> None:
    admin = _client(personas, "admin")
    _post(admin, planted.member)
    erasure = MemberErasure.objects.get()
    assert erasure.member_pk == planted.member.pk
    assert erasure.erased_by == personas.members["admin"]
    assert erasure.erased_at == data.NOW
    assert erasure.reason == REASON
    assert erasure.counts["private notes about them deleted"] == 2
    assert erasure.counts["feedback comments removed"] == 1
    assert erasure.counts["activity log texts removed"] == 2
    logged = json.dumps([erasure.reason, erasure.counts])
    assert "Member" + " Persona" not in logged
    assert "member@example.org" not in logged

    page = admin.get(reverse("insights:erasure_list", args=["acme-ltd"]))
    text = html.unescape(page.content.decode())
    assert f"Member #{planted.member.pk}" in text
    assert REASON in text
    assert "Admin Persona" in text


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("admin", 200),
        ("coordinator", 403),
        ("sponsor", 403),
        ("lead", 403),
        ("member", 403),
        ("outsider", 404),
    ],
)
def test_only_admins_see_the_erasures(personas: Personas, name: str, status: int) -> None:
    url = reverse("insights:erasure_list", args=["acme-ltd"])
    assert _client(personas, name).get(url).status_code == status


def test_the_member_page_offers_erasure_to_admins_only(
    personas: Personas, planted: data.Planted
) -> None:
    url = reverse("orgs:member_detail", args=[planted.member.pk])
    assert _erase_url(planted.member) in _client(personas, "admin").get(url).content.decode()
    for name in ("coordinator", "sponsor", "lead", "member"):
        assert _erase_url(planted.member) not in _client(personas, name).get(url).content.decode()
    member_erase(member=planted.member, by=personas.members["admin"], reason=REASON, now=data.NOW)
    assert _erase_url(planted.member) not in _client(personas, "admin").get(url).content.decode()


# --- refusals, with nothing changed ---------------------------------------------------------------


def test_the_last_admin_cannot_be_erased_not_even_by_themselves(
    personas: Personas, planted: data.Planted
) -> None:
    admin_member = personas.members["admin"]
    client = _client(personas, "admin")
    before = _stable()
    page = client.get(_erase_url(admin_member))
    assert page.status_code == 403
    assert "the organisation's last admin" in html.unescape(page.content.decode())
    response = _post(client, admin_member)
    assert response.status_code == 403
    assert "You are the organisation's last admin" in html.unescape(response.content.decode())
    assert _stable() == before
    with pytest.raises(DomainError, match="last admin"):
        member_erase(member=admin_member, by=admin_member, reason=REASON, now=data.NOW)


def test_with_another_admin_one_may_erase_oneself_and_is_signed_out(
    personas: Personas, planted: data.Planted
) -> None:
    other = member_create(
        organization=personas.organization, email="a2@example.org", full_name="Ada", role="admin"
    )
    admin_member = personas.members["admin"]
    assert member_erasure_refusal(member=admin_member, by=other) is None
    client = _client(personas, "admin")
    response = _post(client, admin_member)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("home:home")).status_code == 302
    # Now Ada is the last admin.
    assert "last admin" in (member_erasure_refusal(member=other, by=other) or "")


def test_another_organisations_member_is_not_found(
    personas: Personas, planted: data.Planted
) -> None:
    client = _client(personas, "outsider")  # an admin of Elsewhere Inc
    before = _stable()
    assert client.get(_erase_url(planted.member)).status_code == 404
    assert _post(client, planted.member).status_code == 404
    assert _stable() == before


@pytest.mark.parametrize("name", ["coordinator", "sponsor", "lead", "member"])
def test_a_non_admin_is_refused(personas: Personas, planted: data.Planted, name: str) -> None:
    client = _client(personas, name)
    target = planted.member if name != "member" else planted.lead
    before = _stable()
    for response in (client.get(_erase_url(target)), _post(client, target)):
        assert response.status_code == 403
        assert "Only the organisation's admins can erase a member" in html.unescape(
            response.content.decode()
        )
    assert _stable() == before


def test_the_sponsor_is_refused_until_the_program_has_another(
    personas: Personas, planted: data.Planted
) -> None:
    sponsor = personas.members["sponsor"]
    client = _client(personas, "admin")
    before = _stable()
    response = _post(client, sponsor)
    assert response.status_code == 403
    assert "sponsors “Customer retention circles”" in html.unescape(response.content.decode())
    assert _stable() == before


def test_a_wrong_name_or_no_reason_erases_nothing(
    personas: Personas, planted: data.Planted
) -> None:
    client = _client(personas, "admin")
    before = _stable()
    wrong = _post(client, planted.member, name="Lead Persona")
    assert wrong.status_code == 400
    assert "not the member's name" in html.unescape(wrong.content.decode())
    empty = _post(client, planted.member, reason="   ")
    assert empty.status_code == 400
    assert _stable() == before


def test_a_member_is_erased_once(personas: Personas, planted: data.Planted) -> None:
    admin = personas.members["admin"]
    member_erase(member=planted.member, by=admin, reason=REASON, now=data.NOW)
    with pytest.raises(DomainError, match="already erased"):
        member_erase(member=planted.member, by=admin, reason=REASON, now=data.NOW)
    response = _client(personas, "admin").get(_erase_url(planted.member))
    assert response.status_code == 403
    assert MemberErasure.objects.count() == 1


def test_the_erasure_takes_few_queries_whatever_their_history(personas: Personas) -> None:
    """The rules are bulk updates and deletes: a member with many meetings costs no more."""
    from django.test.utils import CaptureQueriesContext

    admin = personas.members["admin"]

    def erase_someone(meetings: int) -> int:
        person = member_create(
            organization=personas.organization,
            email=f"p{meetings}@example.org",
            full_name=f"Person {meetings}",
        )
        circle = circle_create(program=personas.program, name=f"C{meetings}", members=[person])
        for n in range(meetings):
            meeting = Meeting.objects.create(circle=circle, starts_at=data.NOW - (n + 1) * data.DAY)
            Attendance.objects.create(meeting=meeting, member=person, status="present")
            Feedback.objects.create(
                meeting=meeting, member=person, rating=3, comment="ok", given_on=data.NOW
            )
        with CaptureQueriesContext(connection) as captured:
            member_erase(member=person, by=admin, reason=REASON, now=data.NOW)
        return len(captured.captured_queries)

    assert erase_someone(2) == erase_someone(12)


def test_every_model_that_points_at_a_person_has_a_rule() -> None:
    """A new model with a member or an account in it must say what an erasure does to it (in
    the erasure service's rules) before this passes."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from roundtable.insights.services import erasure

    people = (Member, get_user_model())
    missing = [
        model._meta.label
        for model in apps.get_models()
        if any(
            field.is_relation and not field.auto_created and field.related_model in people
            for field in model._meta.get_fields()
        )
        and model.__name__ not in (erasure.__doc__ or "")
    ]
    assert missing == []
