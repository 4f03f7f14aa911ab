"""What a member shares with their circles: writing it on their own page, and who reads it on
the member page (the member, and the people in a circle with them now; nobody else)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.commitments.models import BusyPeriod
from roundtable.core.errors import DomainError
from roundtable.leadership.models import SharedProfile
from roundtable.leadership.selectors.profiles import shares_a_circle
from roundtable.leadership.services.profiles import shared_profile_update
from roundtable.orgs.models import Member
from roundtable.testing.personas import Personas

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
GOALS = "Lead the renewals team by next year."
HELP = "Pricing conversations and objection handling."


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _share(member: Member, *, busy: bool = True) -> None:
    shared_profile_update(member=member, goals=GOALS, can_help_with=HELP, share_busy_periods=busy)
    BusyPeriod.objects.create(
        member=member,
        label="Quarter-end close",
        starts_on=dt.date(2027, 3, 20),
        ends_on=dt.date(2027, 3, 31),
    )
    BusyPeriod.objects.create(
        member=member,
        label="Old launch",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 1, 9),
    )


def test_the_member_writes_what_they_share(personas: Personas) -> None:
    client = _client(personas.member)
    page = client.get(reverse("leadership:sharing"))
    assert page.status_code == 200
    assert "What I share with my circles" in page.content.decode()
    response = client.post(
        reverse("leadership:sharing"),
        {"goals": f"  {GOALS}  ", "can_help_with": HELP, "share_busy_periods": "on"},
    )
    assert response.status_code == 302
    profile = SharedProfile.objects.get(member=personas.members["member"])
    assert profile.goals == GOALS
    assert profile.share_busy_periods is True
    # And changes it again: one profile, updated.
    client.post(reverse("leadership:sharing"), {"goals": "", "can_help_with": HELP})
    profile.refresh_from_db()
    assert profile.goals == ""
    assert profile.share_busy_periods is False
    assert SharedProfile.objects.count() == 1


@pytest.mark.parametrize(("goals", "field"), [("x" * 1001, "goals"), ("Bad\x07bell", "goals")])
def test_bad_text_is_refused_and_nothing_changes(
    personas: Personas, goals: str, field: str
) -> None:
    member = personas.members["member"]
    shared_profile_update(member=member, goals=GOALS, can_help_with="", share_busy_periods=False)
    with pytest.raises(DomainError) as caught:
        shared_profile_update(
            member=member, goals=goals, can_help_with=HELP, share_busy_periods=True
        )
    assert caught.value.field == field
    profile = SharedProfile.objects.get(member=member)
    assert (profile.goals, profile.can_help_with, profile.share_busy_periods) == (GOALS, "", False)
    # Through the page too.
    response = _client(personas.member).post(
        reverse("leadership:sharing"), {"goals": goals, "can_help_with": HELP}
    )
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.goals == GOALS


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("member", True),  # themself
        ("lead", True),  # in North with them
        ("admin", False),  # sees the organisation, is in no circle with them
        ("coordinator", False),
        ("sponsor", False),
        ("outsider", None),  # not found at all
    ],
)
def test_who_reads_it_on_the_member_page(personas: Personas, name: str, sees: bool | None) -> None:
    _share(personas.members["member"])
    response = _client(personas.user(name)).get(
        reverse("orgs:member_detail", args=[personas.members["member"].pk])
    )
    if sees is None:
        assert response.status_code == 404
        return
    text = response.content.decode()
    assert (GOALS in text) is sees
    assert (HELP in text) is sees
    assert ("Quarter-end close" in text) is sees
    assert "Old launch" not in text  # over: not shown


def test_the_peer_of_another_circle_does_not_read_it(personas: Personas) -> None:
    _share(personas.members["member"])
    peer = personas.other_circle.lead
    assert peer is not None
    text = _client(peer.user).get(
        reverse("orgs:member_detail", args=[personas.members["member"].pk])
    )
    assert GOALS not in text.content.decode()


def test_busy_periods_show_only_when_chosen(personas: Personas) -> None:
    _share(personas.members["member"], busy=False)
    text = (
        _client(personas.lead)
        .get(reverse("orgs:member_detail", args=[personas.members["member"].pk]))
        .content.decode()
    )
    assert GOALS in text
    assert "Quarter-end close" not in text


def test_someone_who_left_the_circle_no_longer_reads_it(personas: Personas) -> None:
    member, lead = personas.members["member"], personas.members["lead"]
    _share(member)
    assert shares_a_circle(member=member, viewer=lead) is True
    membership = member.circle_memberships.get(circle=personas.circle)
    membership.left_on = NOW.date()
    membership.save()
    assert shares_a_circle(member=member, viewer=lead) is False
    text = _client(lead.user).get(reverse("orgs:member_detail", args=[member.pk]))
    assert GOALS not in text.content.decode()


def test_the_member_page_links_to_sharing_and_the_record_for_the_member_only(
    personas: Personas,
) -> None:
    url = reverse("orgs:member_detail", args=[personas.members["member"].pk])
    own = _client(personas.member).get(url).content.decode()
    assert reverse("leadership:sharing") in own
    assert reverse("leadership:experience") in own
    other = _client(personas.lead).get(url).content.decode()
    assert reverse("leadership:sharing") not in other
    assert reverse("leadership:experience") not in other


def test_the_sharing_page_needs_a_membership(personas: Personas) -> None:
    assert (
        _client(personas.member).get(reverse("leadership:sharing") + "?org=nope").status_code == 404
    )
