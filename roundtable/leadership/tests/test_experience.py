"""The experience record: its figures against a hand-built situation, who may see and download
it, the CSV and the PDF, and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_create
from roundtable.commitments.models import Commitment
from roundtable.ideas.models import Stage, Trial
from roundtable.ideas.tests.decision_factories import idea_create
from roundtable.leadership.models import Recognition
from roundtable.leadership.selectors.experience import experience_record
from roundtable.leadership.services.recognition import recognition_give
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _commitment(circle: Circle, owner: Member, *, late: bool = False, done: bool = True) -> None:
    due = NOW - 5 * DAY
    Commitment.objects.create(
        circle=circle,
        owner=owner,
        title="Call five customers",
        status=Commitment.Status.DONE if done else Commitment.Status.OPEN,
        due_at=due,
        done_at=(due + DAY if late else due - DAY) if done else None,
    )


def _trial(circle: Circle, owner: Member) -> None:
    idea = idea_create(circle=circle, author=None, anonymous=True, stage=Stage.TRIAL)
    Trial.objects.create(
        idea=idea,
        owner=owner,
        starts_on=NOW.date(),
        ends_on=NOW.date() + 14 * DAY,
        measure="Calls under 25 minutes",
        review_on=NOW.date() + 15 * DAY,
    )


def _meeting(circle: Circle, *, runner: Member | None = None, days: int = -1, **kw: object) -> None:
    Meeting.objects.create(circle=circle, starts_at=NOW + days * DAY, runner=runner, **kw)


def _situation(personas: Personas) -> dict[str, Member]:
    """The member in North (led by the lead) and in Lab, a circle the member leads."""
    lead, member = personas.members["lead"], personas.members["member"]
    north = personas.circle
    lab = circle_create(program=personas.program, name="Lab", members=[member, lead], lead=member)
    # Ideas: two named in North (one adopted), one adopted in Lab, one anonymous adopted idea
    # (never counted), one withdrawn, and the lead's.
    idea_create(circle=north, author=member)
    idea_create(circle=north, author=member, stage=Stage.ADOPTED)
    idea_create(circle=lab, author=member, stage=Stage.ADOPTED)
    idea_create(circle=north, anonymous=True, stage=Stage.ADOPTED)
    withdrawn = idea_create(circle=north, author=member)
    withdrawn.withdrawn = True
    withdrawn.save()
    idea_create(circle=north, author=lead, stage=Stage.ADOPTED)
    # Commitments: in North one on time, one late, one still open; one on time in Lab.
    _commitment(north, member)
    _commitment(north, member, late=True)
    _commitment(north, member, done=False)
    _commitment(lab, member)
    _commitment(north, lead)
    # Trials: one in North, and the lead's.
    _trial(north, member)
    _trial(north, lead)
    # Meetings: in North the member ran one (held), one to come and one cancelled; the lead ran
    # the rest. In Lab, which the member leads, two held with no runner and one the lead ran.
    _meeting(north, runner=member)
    _meeting(north, runner=member, days=3)
    _meeting(north, runner=member, status=Meeting.Status.CANCELLED)
    _meeting(north, days=-8)
    _meeting(lab, days=-2)
    _meeting(lab, days=-9)
    _meeting(lab, runner=lead, days=-16)
    # Recognition: two in North, one in Lab; one the member gave.
    for circle, text in ((north, "Great script"), (north, "Ran it well"), (lab, "Brave critique")):
        recognition_give(circle=circle, given_by=lead, recipient_id=member.pk,
                         kind=Recognition.Kind.OTHER, message=text)  # fmt: skip
    recognition_give(circle=north, given_by=member, recipient_id=lead.pk,
                     kind=Recognition.Kind.OTHER, message="Thanks lead")  # fmt: skip
    return {"lead": lead, "member": member}


def test_the_figures_match_the_situation(personas: Personas) -> None:
    member = _situation(personas)["member"]
    record = experience_record(member=member)
    per_circle = {row.circle: row.figures for row in record.circles}
    assert per_circle["North"] == {
        "meetings_led": 1,
        "ideas_proposed": 2,
        "ideas_adopted": 1,
        "trials_owned": 1,
        "commitments_delivered": 2,
        "delivered_on_time": 1,
        "recognition_received": 2,
    }
    assert per_circle["Lab"] == {
        "meetings_led": 2,
        "ideas_proposed": 1,
        "ideas_adopted": 1,
        "trials_owned": 0,
        "commitments_delivered": 1,
        "delivered_on_time": 1,
        "recognition_received": 1,
    }
    assert record.total.values == [3, 3, 2, 1, 3, 2, 3]
    assert [r.message for r in record.recognitions] == [
        "Brave critique",
        "Ran it well",
        "Great script",
    ]


def test_the_lead_counts_meetings_with_no_runner_in_circles_they_lead(personas: Personas) -> None:
    lead = _situation(personas)["lead"]
    record = experience_record(member=lead)
    per_circle = {row.circle: row.figures["meetings_led"] for row in record.circles}
    # North: the held meeting with no runner (not the member's); Lab: the one they ran.
    assert per_circle == {"Lab": 1, "North": 1}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor", "lead", "member", "outsider"])
def test_each_persona_sees_only_their_own_record(personas: Personas, name: str) -> None:
    _situation(personas)
    client = _client(personas.user(name))
    page = client.get(reverse("leadership:experience"))
    assert page.status_code == 200
    assert page.context["record"].member == personas.members[name]
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("leadership:experience_csv")).content.decode()))
    )
    total = rows[-1]
    expected = "3" if name == "member" else "0"
    assert total[0] == "Total"
    assert total[2] == (expected if name != "lead" else "2")  # meetings led


def test_another_organisation_is_not_found(personas: Personas) -> None:
    client = _client(personas.member)
    for url in ("leadership:experience", "leadership:experience_csv", "leadership:experience_pdf"):
        assert client.get(reverse(url) + "?org=elsewhere-inc").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(personas: Personas) -> None:
    for url in ("leadership:experience", "leadership:experience_csv", "leadership:experience_pdf"):
        response = Client().get(reverse(url))
        assert response.status_code == 302
        assert "login" in response["Location"] or "sign" in response["Location"]


def test_the_csv_parses(personas: Personas) -> None:
    _situation(personas)
    response = _client(personas.member).get(reverse("leadership:experience_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_circle = {row["Circle"]: row for row in rows}
    assert by_circle["North"]["Program"] == "Customer retention circles"
    assert by_circle["North"]["Delivered on time"] == "1"
    assert by_circle["Lab"]["Meetings led"] == "2"
    assert by_circle["Total"]["Recognition received"] == "3"


def test_a_circle_name_that_looks_like_a_formula_stays_text(personas: Personas) -> None:
    member = personas.members["member"]
    circle_create(program=personas.program, name="=HYPERLINK(1)", members=[member], lead=member)
    rows = _client(personas.member).get(reverse("leadership:experience_csv")).content.decode()
    assert "'=HYPERLINK(1)" in rows


def test_the_pdf_is_a_pdf(personas: Personas) -> None:
    _situation(personas)
    response = _client(personas.member).get(reverse("leadership:experience_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_page_shows_the_figures_and_the_recognition(personas: Personas) -> None:
    _situation(personas)
    text = _client(personas.member).get(reverse("leadership:experience")).content.decode()
    assert "Brave critique" in text
    assert "Delivered on time" in text
    assert "Download PDF" in text


def test_the_page_costs_the_same_queries_with_more_data(personas: Personas) -> None:
    member, lead = personas.members["member"], personas.members["lead"]
    counter = iter(range(100))

    def grow() -> None:
        n = next(counter)
        circle = circle_create(
            program=personas.program, name=f"Grown {n}", members=[member, lead], lead=lead
        )
        idea_create(circle=circle, author=member, stage=Stage.ADOPTED)
        _commitment(circle, member)
        _trial(circle, member)
        _meeting(circle, runner=member)
        recognition_give(circle=circle, given_by=lead, recipient_id=member.pk,
                         kind=Recognition.Kind.OTHER, message="More")  # fmt: skip

    grow()
    assert_queries_flat(_client(personas.member), reverse("leadership:experience"), grow=grow)
