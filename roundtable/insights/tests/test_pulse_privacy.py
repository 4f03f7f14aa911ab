"""THE pulse privacy test: three named members answer through the page with distinctive
comments, and every table of the database, read before and after each answer, holds nothing
that ties an answer to a member: no member or user id, name, email or session key, and no time
finer than a day, in any row written; receipts hold a digest and nothing else. First the search
itself is shown to catch a write that does tie a member to a moment."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.insights.models import PulseAnswer, PulseReceipt
from roundtable.insights.tests.pulse_helpers import MAR, schedule_on, scores
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member
from roundtable.testing.anonymity import (
    EMAIL,
    FULL_NAME,
    MEMBER_ID,
    USER_ID,
    Author,
    clues_in,
    every_row,
    rows_written,
)
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import PERSONA_NAMES

# Three people, each with distinctive ids, name and email, and a distinctive comment; each
# answers at their own minute of Wednesday 10 March 2027 (the March period).
PEOPLE: tuple[dict[str, Any], ...] = (
    {"pk": MEMBER_ID, "user_id": USER_ID, "name": FULL_NAME, "email": EMAIL,
     "comment": "The tangerine stapler rule keeps us honest",
     "at": dt.datetime(2027, 3, 10, 9, 13, 41, tzinfo=dt.UTC)},
    {"pk": 37373737, "user_id": 51515151, "name": "Ottoline Marchbanks",
     "email": "ottoline.m@example.org",
     "comment": "Nobody mentions the walrus in the spreadsheet",
     "at": dt.datetime(2027, 3, 10, 11, 27, 5, tzinfo=dt.UTC)},
    {"pk": 29292929, "user_id": 63636363, "name": "Barnaby Fitzwilliam",
     "email": "barnaby.f@example.org",
     "comment": "Our quiet colleague from Tromsø has the best ideas",
     "at": dt.datetime(2027, 3, 10, 16, 52, 19, tzinfo=dt.UTC)},
)  # fmt: skip


def _person_clues(person: dict[str, Any], session_key: str) -> tuple[str, ...]:
    minute = f"{person['at']:%H:%M}"
    surname = person["name"].split()[-1]
    return (person["name"], surname, person["email"], session_key, minute, f"T{minute}")


def _ties(written: dict[str, list[tuple[Any, ...]]], person: dict[str, Any], key: str) -> set:
    """What in `written` gives away `person` or the moment they wrote."""
    found = set()
    for table, rows in written.items():
        for row in rows:
            for value in row:
                if isinstance(value, bool):
                    continue
                if isinstance(value, int) and value in (person["pk"], person["user_id"]):
                    found.add((table, repr(value), "an id"))
                elif isinstance(value, dt.datetime | dt.time):
                    found.add((table, repr(value), "a time of day"))
                elif isinstance(value, int | float) and (
                    min(
                        abs(value - person["at"].timestamp()),
                        abs(value / 1000 - person["at"].timestamp()),
                    )
                    < 86_400
                ):
                    found.add((table, repr(value), "a Unix time"))
                else:
                    text = str(value)
                    found |= {
                        (table, text[:60], clue)
                        for clue in _person_clues(person, key)
                        if clue in text
                    }
    return found


def _member(personas, person: dict[str, Any]) -> Member:
    member = MemberFactory.create(
        pk=person["pk"],
        organization=personas.organization,
        user__id=person["user_id"],
        user__full_name=person["name"],
        user__email=person["email"],
    )
    circle_add_member(circle=personas.circle, member=member, on=dt.date(2027, 2, 1))
    return member


def test_the_search_catches_a_write_that_ties_a_member_to_a_moment(personas):
    """The check can fail: a notice sent to the first person at their moment (an exact time and
    their member id) is found by both searches."""
    member = _member(personas, PEOPLE[0])
    before = every_row()
    notice_send(
        member=member,
        kind=NoticeKind.PULSE_OPEN,
        title="A notice with a time",
        url="/",
        now=PEOPLE[0]["at"],
    )
    written = rows_written(before, every_row())
    assert sorted(written) == ["notifications_notice"]
    assert _ties(written, PEOPLE[0], "no-session") != set()
    assert clues_in(written, Author(session_key="no-session", moment=PEOPLE[0]["at"])) != set()
    # And a comment holding a name is caught too.
    leaky = {"insights_pulseanswer": [(1, 2, MAR, 4, 4, 4, 4, 4, "as Ottoline Marchbanks said")]}
    assert _ties(leaky, PEOPLE[1], "no-session") == {
        ("insights_pulseanswer", "as Ottoline Marchbanks said", "Ottoline Marchbanks"),
        ("insights_pulseanswer", "as Ottoline Marchbanks said", "Marchbanks"),
    }


def test_three_members_answer_and_no_row_ties_an_answer_to_any_of_them(personas):
    schedule_on(personas)
    members = [_member(personas, person) for person in PEOPLE]
    url = reverse("insights:pulse_answer", args=[personas.circle.pk])
    sessions: list[str] = []
    for member, person, value in zip(members, PEOPLE, (2, 4, 5), strict=True):
        client = Client()
        with time_machine.travel(person["at"], tick=False):
            client.force_login(member.user)
            assert "Send my answer, anonymously" in client.get(url).content.decode()  # warm
            session_key = client.session.session_key
            assert session_key
            before = every_row()
            data = {**{k: str(v) for k, v in scores(value).items()}, "comment": person["comment"]}
            response = client.post(url, data)
            assert response.status_code == 302
            written = rows_written(before, every_row())
        sessions.append(session_key)
        # The search finds what was written: the comment is in one new row of the answers.
        holding = [row for rows in written.values() for row in rows if person["comment"] in row]
        assert len(holding) == 1
        assert sorted(written) == ["insights_pulseanswer", "insights_pulsereceipt"]
        for other, key in zip(PEOPLE, [*sessions, session_key], strict=False):
            assert _ties(written, other, key) == set()
        if person["pk"] == MEMBER_ID:
            author = Author(session_key=session_key, moment=person["at"])
            assert clues_in(written, author) == set()
        # The receipt holds its random key, the circle, the period's first day and a digest.
        (receipt,) = written["insights_pulsereceipt"]
        assert len(receipt) == 4
        digest = next(v for v in receipt if isinstance(v, str))
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert digest == PulseReceipt.digest_for(
            circle_id=personas.circle.pk, period_start=MAR, member_id=member.pk
        )
        assert MAR in receipt
        # The member learns they answered, and nothing else about it.
        with time_machine.travel(person["at"] + dt.timedelta(minutes=1), tick=False):
            page = client.get(url).content.decode()
        assert "You answered this period." in page
        assert person["comment"] not in page

    assert PulseAnswer.objects.count() == PulseReceipt.objects.count() == 3
    # The whole database, every table and row: wherever a comment is, nothing of any of the
    # three is in that row; and the comments are only in the answers table.
    everything = every_row()
    for table, rows in everything.items():
        for row in rows:
            text = " ".join(str(v) for v in row)
            if any(person["comment"] in text for person in PEOPLE):
                assert table == "insights_pulseanswer"
                assert all(
                    _ties({table: [row]}, p, k) == set()
                    for p, k in zip(PEOPLE, sessions, strict=True)
                )


def test_every_persona_reads_the_results_and_never_a_name_beside_an_answer(personas):
    schedule_on(personas)
    members = [_member(personas, person) for person in PEOPLE]
    for member, person in zip(members, PEOPLE, strict=True):
        client = Client()
        with time_machine.travel(person["at"], tick=False):
            client.force_login(member.user)
            data = {**{k: str(v) for k, v in scores(4).items()}, "comment": person["comment"]}
            assert (
                client.post(
                    reverse("insights:pulse_answer", args=[personas.circle.pk]), data
                ).status_code
                == 302
            )
    after_close = dt.datetime(2027, 3, 29, 9, tzinfo=dt.UTC)  # the March period has closed
    urls = [
        reverse("insights:pulse_answer", args=[personas.circle.pk]),
        reverse("circles:detail", args=[personas.circle.pk]),
        reverse("insights:pulse_schedule", args=[personas.program.pk]),
        f"/api/circles/{personas.circle.pk}/pulse",
    ]
    names = [p["name"] for p in PEOPLE] + [p["email"] for p in PEOPLE]
    readers = [*sorted(PERSONA_NAMES), "answerer"]
    for name in readers:
        client = Client()
        user = members[1].user if name == "answerer" else personas.user(name)
        with time_machine.travel(after_close, tick=False):
            client.force_login(user)
            pulse_page = client.get(urls[0])
            if name == "outsider":
                assert pulse_page.status_code == 404
                continue
            html = pulse_page.content.decode()
            main = re.search(r"<main.*?</main>", html, re.DOTALL)
            assert main
            # The comments are there, together, and no name of theirs is on the page.
            assert all(p["comment"] in main.group() for p in PEOPLE)
            assert not any(n in main.group() for n in names)
            for url in urls[1:]:
                response = client.get(url)
                expected = (
                    403 if name in {"lead", "member", "answerer"} and "programs" in url else 200
                )
                assert response.status_code == expected, url
                body = response.content.decode()
                if url == urls[1]:  # the circle's page lists its members, and no answer
                    assert not any(p["comment"] in body for p in PEOPLE)
                else:
                    assert not any(n in body for n in names), url
            api = client.get(urls[3]).json()
            assert sorted(api["periods"][-2]["comments"]) == sorted(p["comment"] for p in PEOPLE)
