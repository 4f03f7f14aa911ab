"""Anonymous ideas and critiques, searched for their author in the whole database (every table,
every column, before and after each write through the pages), then read by every persona."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.ideas.models import Critique, Idea
from roundtable.ideas.services.ideas import circle_idea_settings_update
from roundtable.ideas.tests.helpers import OTHER_REASON, REASON, idea_make, make_anonymous
from roundtable.notifications.models import Notice
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

pytestmark = pytest.mark.usefixtures("frozen_clock")

WRITTEN_AT = dt.datetime(2027, 3, 2, 14, 41, 7, tzinfo=dt.UTC)
SUMMARY = "Plum-coloured umbrellas at the door"


@pytest.fixture
def author(personas, frozen_clock):
    member = MemberFactory.create(
        pk=MEMBER_ID,
        organization=personas.organization,
        user__id=USER_ID,
        user__full_name=FULL_NAME,
        user__email=EMAIL,
    )
    circle_add_member(circle=personas.circle, member=member, on=dt.date(2027, 2, 1))
    make_anonymous(personas.circle)
    return member


def _write(client, method_url: str, data: dict[str, str], session_key: str) -> dict[str, list]:
    before = every_row()
    response = client.post(method_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    written = rows_written(before, every_row())
    clues = clues_in(written, Author(session_key=session_key, moment=WRITTEN_AT))
    assert clues == set()
    return written


def test_anonymous_ideas_and_critiques_leave_nothing_that_leads_to_their_author(
    client, personas, challenge, author, frozen_clock
):
    circle_idea_settings_update(circle=personas.circle, guideline="Be kind.", anonymous=False)
    named_idea = idea_make(challenge, personas.circle, personas.members["lead"])
    assert named_idea.author == personas.members["lead"]
    make_anonymous(personas.circle)  # from here on, the circle writes anonymously
    frozen_clock.move_to(WRITTEN_AT)
    client.force_login(author.user)
    assert client.get(reverse("ideas:challenge_detail", args=[challenge.pk])).status_code == 200
    session_key = client.session.session_key

    written = _write(
        client,
        reverse("ideas:idea_propose", args=[challenge.pk]),
        {"summary": SUMMARY, "how": "Lend them on rainy days.", "effect": "Warmer calls."},
        session_key,
    )
    assert sorted(written) == ["ideas_idea", "ideas_ideaversion"]  # no session, no log row
    idea = Idea.objects.get(versions__summary=SUMMARY)
    assert (idea.author_id, idea.anonymous, idea.created_on) == (None, True, WRITTEN_AT.date())

    written = _write(
        client,
        reverse("ideas:idea_revise", args=[idea.pk]),
        {"summary": SUMMARY + " (v2)", "how": "Lend them on rainy days.", "effect": "Warmer."},
        session_key,
    )
    assert sorted(written) == ["ideas_idea", "ideas_ideaversion"]

    written = _write(
        client,
        reverse("ideas:critique_add", args=[named_idea.pk]),
        {"stance": "concern", "reasoning": REASON},
        session_key,
    )
    # The named idea's author is told, by a notice that keeps the day only and names nobody.
    assert sorted(written) == ["ideas_critique", "notifications_notice"]
    notice = Notice.objects.get(member=personas.members["lead"])
    assert (notice.created_at, notice.title) == (
        None,
        "Someone (anonymously) critiqued “A call script”",
    )
    critique = Critique.objects.get(reasoning=REASON)
    assert (critique.author_id, critique.anonymous) == (None, True)

    written = _write(
        client,
        reverse("ideas:critique_edit", args=[named_idea.pk, critique.pk]),
        {"stance": "question", "reasoning": OTHER_REASON},
        session_key,
    )
    assert sorted(written) == ["ideas_critique"]
    written = _write(
        client,
        reverse("ideas:critique_withdraw", args=[named_idea.pk, critique.pk]),
        {},
        session_key,
    )
    assert sorted(written) == ["ideas_critique"]
    critique.refresh_from_db()
    assert (critique.reasoning, critique.withdrawn) == (OTHER_REASON, True)


def _main(html: str) -> str:
    """The page's content, without the navigation (which names whoever is signed in)."""
    found = re.search(r"<main.*?</main>", html, re.DOTALL)
    assert found
    return found.group()


def test_every_persona_reads_every_page_and_never_learns_the_author(
    client, personas, challenge, program_challenge, author, peer
):
    client.force_login(author.user)
    proposed = client.post(
        reverse("ideas:idea_propose", args=[challenge.pk]),
        {"summary": SUMMARY, "how": "Lend them on rainy days.", "effect": "Warmer calls."},
    )
    assert proposed.status_code == 302
    idea = Idea.objects.get()
    added = client.post(
        reverse("ideas:critique_add", args=[idea.pk]), {"stance": "concern", "reasoning": REASON}
    )
    assert added.status_code == 302
    # An anonymous idea for the program-wide challenge, with an anonymous strength: the
    # points-of-view page shows both, in full to North and in summary to the other circles.
    proposed = client.post(
        reverse("ideas:idea_propose", args=[program_challenge.pk]),
        {"summary": SUMMARY + " (program)", "how": "Lend them.", "effect": "Warmer calls."},
    )
    assert proposed.status_code == 302
    program_idea = Idea.objects.get(challenge=program_challenge)
    strength = client.post(
        reverse("ideas:critique_add", args=[program_idea.pk]),
        {"stance": "strength", "reasoning": OTHER_REASON},
    )
    assert strength.status_code == 302
    pages = [
        reverse("ideas:idea_detail", args=[idea.pk]),
        reverse("ideas:challenge_detail", args=[challenge.pk]),
        reverse("ideas:circle_challenges", args=[personas.circle.pk]),
        reverse("ideas:program_challenges", args=[personas.program.pk]),
        reverse("ideas:challenge_detail", args=[program_challenge.pk]),
        reverse("ideas:points_of_view", args=[program_challenge.pk]),
    ]
    # The voice page lists every member by name (the author among them), so it is read apart:
    # the author's row must read as any silent member's, their anonymous writing not counted.
    voice = reverse("ideas:circle_voice", args=[personas.circle.pk])
    # The author, from this browser: told it is theirs, never named next to it.
    html = _main(client.get(pages[0]).content.decode())
    assert "You wrote this anonymously" in html
    assert FULL_NAME not in html
    assert "Zebulon" not in html
    assert EMAIL not in html

    readers = {name: personas.user(name) for name in ("admin", "coordinator", "sponsor", "lead",
                                                      "member", "outsider")}  # fmt: skip
    readers["peer"] = peer.user
    readers["author, another browser"] = author.user
    for name, user in readers.items():
        other = Client()  # a browser without the author's capability
        other.force_login(user)
        for url in pages:
            response = other.get(url)
            body = response.content.decode()
            text = _main(body) if response.status_code == 200 else body
            for clue in (FULL_NAME, "Zebulon", "Quillfeather", EMAIL, str(MEMBER_ID)):
                assert clue not in text, (name, url, clue)
            assert "You wrote this anonymously" not in text, (name, url)
        response = other.get(voice)
        assert response.status_code == (200 if name == "lead" else 404), name
        if name == "lead":
            counts = {
                who: re.findall(r"<td>(\d+)</td>", row)
                for who, row in re.findall(
                    r"<tr>\s*<th scope=\"row\"><a [^>]*>([^<]+)</a>(.*?)</tr>",
                    response.content.decode(),
                    re.DOTALL,
                )
            }
            assert counts[FULL_NAME] == counts["Member Persona"] == ["0", "0"], counts
        idea_page = other.get(pages[0])
        if name in ("outsider", "peer"):
            assert idea_page.status_code == 404, name
        else:
            assert "anonymous" in _main(idea_page.content.decode()), name
