"""Voice: the lead's page of named contributions per member over the circle's last six meetings
(or eight weeks), quiet markers, experience; the lead alone sees it; anonymous contributions are
never counted and no total is shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.ideas.selectors.voice import circle_voice
from roundtable.ideas.tests.conftest import NOW
from roundtable.ideas.tests.helpers import critique_make, idea_make, make_anonymous
from roundtable.ideas.tests.travel import meeting_at
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.usefixtures("frozen_clock")

PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "peer", "outsider")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _on(frozen_clock, days: int) -> None:
    frozen_clock.move_to(NOW + dt.timedelta(days=days))


def _row(page: str, name: str) -> str:
    found = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{name}</a>.*?</tr>", page, re.DOTALL)
    assert found, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group())).strip()


@pytest.fixture
def weekly(personas):
    """Seven meetings held, weekly, the last a week ago; the next one in a week."""
    held = [meeting_at(personas.circle, -7 * weeks) for weeks in range(7, 0, -1)]
    meeting_at(personas.circle, 7)
    return held


def test_only_the_circles_lead_sees_its_voice(personas, peer):
    users = {name: personas.user(name) for name in PERSONAS if name != "peer"}
    users["peer"] = peer.user
    seen = {
        name: (
            _client(user).get(reverse("ideas:circle_voice", args=[personas.circle.pk])).status_code,
            _client(user)
            .get(reverse("ideas:circle_voice", args=[personas.other_circle.pk]))
            .status_code,
        )
        for name, user in users.items()
    }
    assert seen == {
        name: (200 if name == "lead" else 404, 200 if name == "peer" else 404) for name in PERSONAS
    }


def test_the_circle_page_links_to_voice_for_its_lead_only(personas):
    url = reverse("circles:detail", args=[personas.circle.pk])
    voice = reverse("ideas:circle_voice", args=[personas.circle.pk])
    assert voice in _client(personas.lead).get(url).content.decode()
    for name in ("admin", "coordinator", "member"):
        assert voice not in _client(personas.user(name)).get(url).content.decode(), name


def test_named_contributions_over_the_last_six_meetings_and_quiet_since_the_third_last(
    personas, challenge, weekly, frozen_clock
):
    lead, member = personas.members["lead"], personas.members["member"]
    _on(frozen_clock, -45)  # before the sixth-last meeting (day -42): not counted
    old = idea_make(challenge, personas.circle, member)
    _on(frozen_clock, -40)
    idea_make(challenge, personas.circle, member)
    critique_make(old, member)
    _on(frozen_clock, -10)  # after the third-last meeting (day -21)
    critique_make(old, lead)
    _on(frozen_clock, 0)
    voice = circle_voice(circle=personas.circle, user=personas.lead)
    assert (voice.since, voice.by_meetings, voice.quiet_since) == (
        (NOW - dt.timedelta(days=42)).date(), True, (NOW - dt.timedelta(days=21)).date(),
    )  # fmt: skip
    counts = {v.member.name: (v.ideas, v.critiques, v.quiet) for v in voice.members}
    assert counts == {"Member Persona": (1, 1, True), "Lead Persona": (0, 1, False)}


def test_before_six_meetings_the_span_is_eight_weeks_and_before_three_nobody_is_quiet(
    personas, challenge, frozen_clock
):
    meeting_at(personas.circle, -7)
    meeting_at(personas.circle, -14, cancelled=True)
    _on(frozen_clock, -60)
    idea_make(challenge, personas.circle, personas.members["member"])
    _on(frozen_clock, -50)
    idea_make(challenge, personas.circle, personas.members["member"])
    _on(frozen_clock, 0)
    voice = circle_voice(circle=personas.circle, user=personas.lead)
    assert (voice.since, voice.by_meetings, voice.quiet_since) == (
        (NOW - dt.timedelta(weeks=8)).date(), False, None,
    )  # fmt: skip
    assert [(v.ideas, v.quiet) for v in voice.members if v.member.name == "Member Persona"] == [
        (1, False)
    ]


def test_anonymous_contributions_are_not_counted_and_no_total_shows(
    personas, challenge, weekly, frozen_clock
):
    member = personas.members["member"]
    quiet_one = MemberFactory.create(organization=personas.organization, years_experience=None,
                                     user__full_name="Quinn Quiet")  # fmt: skip
    circle_add_member(circle=personas.circle, member=quiet_one)
    _on(frozen_clock, -3)
    named = idea_make(challenge, personas.circle, member)
    make_anonymous(personas.circle)
    for _ in range(3):
        anonymous = idea_make(challenge, personas.circle, quiet_one)
        critique_make(named, quiet_one)
        assert anonymous.author_id is None
    _on(frozen_clock, 0)
    page = (
        _client(personas.lead)
        .get(reverse("ideas:circle_voice", args=[personas.circle.pk]))
        .content.decode()
    )
    # Quinn wrote three ideas and three critiques, anonymously: none of it shows.
    assert _row(page, "Quinn Quiet") == "Quinn Quiet quiet 0 0 —"
    assert _row(page, "Member Persona").startswith("Member Persona 1 0")
    assert "Anonymous ideas and critiques are not counted" in page
    assert "This circle writes anonymously since" in page
    # The only figures are each member's own: no total to subtract the named ones from.
    assert sorted(int(n) for n in re.findall(r"<td>(\d+)</td>", page)) == [0, 0, 0, 0, 0, 1]
    assert "total" not in page.lower()


def test_experience_shows_and_the_hire_date_only_where_the_lead_may_see_it(personas, weekly):
    Member.objects.filter(pk=personas.members["member"].pk).update(
        years_experience=12, hire_date=dt.date(2015, 3, 1)
    )
    page = (
        _client(personas.lead)
        .get(reverse("ideas:circle_voice", args=[personas.circle.pk]))
        .content.decode()
    )
    row = _row(page, "Member Persona")
    assert "12.0 yrs" in row
    assert "yrs here" not in row  # the hire date is private: the lead does not see it
    # Quiet and most experienced first.
    assert page.index("Member Persona") < page.index("Lead Persona")


def test_the_page_takes_as_many_queries_with_more_members_meetings_and_contributions(
    client, personas, challenge, weekly
):
    client.force_login(personas.lead)

    def grow():
        for n in range(4):
            other = MemberFactory.create(organization=personas.organization, years_experience=n)
            circle_add_member(circle=personas.circle, member=other)
            idea = idea_make(challenge, personas.circle, other)
            critique_make(idea, personas.members["member"])
            meeting_at(personas.circle, -1 - n)

    assert_queries_flat(client, reverse("ideas:circle_voice", args=[personas.circle.pk]), grow=grow)
