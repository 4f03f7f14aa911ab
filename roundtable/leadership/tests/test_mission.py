"""The circle's mission, written together: lines proposed and withdrawn, versions assembled,
the current version acknowledged; who may do what; the circle page's box; queries that do not
grow with the circle."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.core.errors import DomainError
from roundtable.leadership.models import Mission, MissionAcknowledgement, MissionLine
from roundtable.leadership.selectors.mission import mission_page
from roundtable.leadership.services.mission import (
    mission_acknowledge,
    mission_assemble,
    mission_line_propose,
    mission_line_withdraw,
)
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

IN_THE_CIRCLE = ("lead", "member")
OVERSEERS = ("admin", "coordinator", "sponsor")


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _url(personas: Personas, name: str = "mission", *args: Any) -> str:
    return reverse(f"leadership:{name}", args=[personas.circle.pk, *args])


def _assemble(personas: Personas, text: str, *, by: str = "lead", lines: Any = ()) -> Mission:
    latest = Mission.objects.filter(circle=personas.circle).order_by("-number").first()
    return mission_assemble(
        circle=personas.circle,
        assembled_by=personas.members[by],
        lines=list(lines),
        text=text,
        based_on=latest.number if latest else None,
    )


def _mission_notices(member: Member) -> list[Notice]:
    return list(
        Notice.objects.filter(member=member, kind=NoticeKind.MISSION_CHANGED).order_by("created_at")
    )


# --- services -----------------------------------------------------------------------------------


def test_a_member_proposes_a_line_and_the_lead_is_told_once_per_line(personas: Personas) -> None:
    lead, member = personas.members["lead"], personas.members["member"]
    line = mission_line_propose(circle=personas.circle, author=member, text="  Win back  trust ")
    assert line.text == "Win back trust"
    second = mission_line_propose(circle=personas.circle, author=member, text="Share what works")
    notices = _mission_notices(lead)
    assert [n.key for n in notices] == [f"mission-line-{line.pk}", f"mission-line-{second.pk}"]
    assert notices[0].url == _url(personas)
    assert _mission_notices(member) == []
    # The lead's own line tells nobody.
    mission_line_propose(circle=personas.circle, author=lead, text="Every call counts")
    assert len(_mission_notices(lead)) == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("   ", "Write the line"),
        ("x" * 301, r"300 characters \(this one has 301\)"),
    ],
)
def test_an_empty_or_too_long_line_is_refused(personas: Personas, text: str, reason: str) -> None:
    with pytest.raises(DomainError, match=reason):
        mission_line_propose(circle=personas.circle, author=personas.members["member"], text=text)
    assert not MissionLine.objects.exists()
    assert not Notice.objects.filter(kind=NoticeKind.MISSION_CHANGED).exists()


def test_someone_outside_the_circle_or_a_twin_line_is_refused(personas: Personas) -> None:
    with pytest.raises(DomainError, match="Only the people in North"):
        mission_line_propose(
            circle=personas.circle, author=personas.members["coordinator"], text="Be kind"
        )
    mission_line_propose(circle=personas.circle, author=personas.members["member"], text="Be kind")
    with pytest.raises(DomainError, match="already proposed"):
        mission_line_propose(
            circle=personas.circle, author=personas.members["lead"], text="be KIND"
        )
    assert MissionLine.objects.count() == 1


def test_only_its_author_withdraws_a_line_and_versions_keep_their_text(
    personas: Personas,
) -> None:
    line = mission_line_propose(
        circle=personas.circle, author=personas.members["member"], text="Be kind"
    )
    _assemble(personas, "", lines=[line])
    with pytest.raises(DomainError, match="Only the person who proposed"):
        mission_line_withdraw(line=line, member=personas.members["lead"])
    line.refresh_from_db()
    assert line.withdrawn_on is None
    mission_line_withdraw(line=line, member=personas.members["member"])
    with pytest.raises(DomainError, match="already withdrew"):
        mission_line_withdraw(line=line, member=personas.members["member"])
    assert Mission.objects.get().text == "Be kind"
    with pytest.raises(DomainError, match="not withdrawn"):
        _assemble(personas, "Be kinder", lines=[line])


def test_versions_are_numbered_and_the_members_but_not_the_author_are_told(
    personas: Personas,
) -> None:
    lead, member = personas.members["lead"], personas.members["member"]
    a = mission_line_propose(circle=personas.circle, author=member, text="Win back customers")
    b = mission_line_propose(circle=personas.circle, author=member, text="Share what works")
    first = _assemble(personas, "", lines=[a, b])
    assert first.number == 1
    assert first.text == "Win back customers\nShare what works"
    assert set(first.lines.all()) == {a, b}
    second = _assemble(personas, "Together we win back lapsed customers.", lines=[a])
    assert second.number == 2
    member_keys = [n.key for n in _mission_notices(member)]
    assert member_keys == [f"mission-{first.pk}", f"mission-{second.pk}"]
    assert [n.key for n in _mission_notices(lead)] == [
        f"mission-line-{a.pk}",
        f"mission-line-{b.pk}",
    ]  # the lead, who assembled, hears of the lines only


def test_a_version_assembled_meanwhile_or_the_same_text_again_is_refused(
    personas: Personas,
) -> None:
    _assemble(personas, "Win back lapsed customers.")
    with pytest.raises(DomainError, match="Version 1 of the mission was assembled"):
        mission_assemble(
            circle=personas.circle,
            assembled_by=personas.members["coordinator"],
            lines=[],
            text="Something else",
            based_on=None,
        )
    with pytest.raises(DomainError, match="word for word"):
        _assemble(personas, "Win back lapsed customers.")
    with pytest.raises(DomainError, match="Choose the lines"):
        _assemble(personas, "   ")
    with pytest.raises(DomainError, match="1500 characters"):
        _assemble(personas, "y" * 1501)
    assert Mission.objects.count() == 1


def test_an_old_version_cannot_be_acknowledged_and_a_new_one_needs_new_acknowledgements(
    personas: Personas,
) -> None:
    lead, member = personas.members["lead"], personas.members["member"]
    _assemble(personas, "Version one.")
    mission_acknowledge(circle=personas.circle, member=member, number=1)
    mission_acknowledge(circle=personas.circle, member=lead, number=1)
    with pytest.raises(DomainError, match="already acknowledged version 1"):
        mission_acknowledge(circle=personas.circle, member=member, number=1)

    _assemble(personas, "Version two.")
    with pytest.raises(DomainError, match="Version 1 is not the current mission: version 2 is"):
        mission_acknowledge(circle=personas.circle, member=member, number=1)
    assert MissionAcknowledgement.objects.filter(mission__number=2).count() == 0
    standing = mission_page(circle=personas.circle, user=personas.member).standing
    assert (standing.acknowledged_count, standing.member_count) == (0, 2)
    assert standing.waiting_for_me

    mission_acknowledge(circle=personas.circle, member=member, number=2)
    standing = mission_page(circle=personas.circle, user=personas.member).standing
    assert [m.pk for m in standing.acknowledged] == [member.pk]
    with pytest.raises(DomainError, match="Only the people in North"):
        mission_acknowledge(circle=personas.circle, member=personas.members["sponsor"], number=2)


def test_nothing_to_acknowledge_before_a_first_version(personas: Personas) -> None:
    with pytest.raises(DomainError, match="no mission to acknowledge yet"):
        mission_acknowledge(circle=personas.circle, member=personas.members["member"], number=1)


# --- pages, persona by persona -------------------------------------------------------------------


@pytest.mark.parametrize("name", [*IN_THE_CIRCLE, *OVERSEERS])
def test_everyone_who_sees_the_circle_sees_the_mission_page(
    client: Any, personas: Personas, name: str
) -> None:
    line = mission_line_propose(
        circle=personas.circle, author=personas.members["member"], text="Share what works"
    )
    _assemble(personas, "Version one.", lines=[line])
    mission_acknowledge(circle=personas.circle, member=personas.members["member"], number=1)
    _assemble(personas, "Version two: we win back customers together.")
    mission_acknowledge(circle=personas.circle, member=personas.members["member"], number=2)
    client.force_login(personas.user(name))
    page = _text(client.get(_url(personas)))
    assert "Version two: we win back customers together." in page
    assert "1 of 2" in page
    assert "Share what works" in page
    assert "Earlier versions" in page
    assert "Version one." in page
    # Names of who acknowledged: for the people in the circle.
    assert ("acknowledged: Member Persona" in page) is (name in IN_THE_CIRCLE)
    assert ("I acknowledge version 2" in page) is (name == "lead")
    assert ("Propose this line" in page) is (name in IN_THE_CIRCLE)
    assert ("Assemble a new version" in page) is (name in ("lead", "admin", "coordinator"))


def test_an_outsider_finds_no_mission_page_and_changes_nothing(
    client: Any, personas: Personas
) -> None:
    line = mission_line_propose(
        circle=personas.circle, author=personas.members["member"], text="Share what works"
    )
    _assemble(personas, "Version one.")
    client.force_login(personas.outsider)
    assert client.get(_url(personas)).status_code == 404
    assert client.get(_url(personas, "mission_assemble")).status_code == 404
    for name, data in [
        ("mission_line_propose", {"text": "Mine"}),
        ("mission_assemble", {"text": "Mine", "based_on": 1}),
        ("mission_acknowledge", {"number": 1}),
    ]:
        assert client.post(_url(personas, name), data).status_code == 404
    assert client.post(_url(personas, "mission_line_withdraw", line.pk)).status_code == 404
    assert MissionLine.objects.count() == 1
    assert Mission.objects.count() == 1
    assert not MissionAcknowledgement.objects.exists()


@pytest.mark.parametrize("name", [*IN_THE_CIRCLE, *OVERSEERS])
def test_proposing_a_line_is_for_the_people_in_the_circle(
    client: Any, personas: Personas, name: str
) -> None:
    client.force_login(personas.user(name))
    response = client.post(_url(personas, "mission_line_propose"), {"text": "Share what works"})
    if name in IN_THE_CIRCLE:
        assert response.url == _url(personas)
        assert MissionLine.objects.get().author == personas.members[name]
    else:
        assert response.status_code == 403
        assert "Only the circle's members and its lead" in _text(response)
        assert not MissionLine.objects.exists()


def test_a_bad_line_is_refused_on_the_page_with_the_text_kept(
    client: Any, personas: Personas
) -> None:
    client.force_login(personas.member)
    response = client.post(_url(personas, "mission_line_propose"), {"text": "z" * 301})
    assert response.status_code == 400
    page = _text(response)
    assert "Keep a line to 300 characters" in page
    assert "z" * 301 in page  # what they typed is still there to shorten
    response = client.post(_url(personas, "mission_line_propose"), {"text": "  "})
    assert "Write the line you propose" in _text(response)
    assert not MissionLine.objects.exists()


@pytest.mark.parametrize("name", [*IN_THE_CIRCLE, *OVERSEERS])
def test_assembling_is_for_the_lead_coordinators_and_admins(
    client: Any, personas: Personas, name: str
) -> None:
    line = mission_line_propose(
        circle=personas.circle, author=personas.members["member"], text="Share what works"
    )
    client.force_login(personas.user(name))
    form = client.get(_url(personas, "mission_assemble"))
    response = client.post(
        _url(personas, "mission_assemble"), {"lines": [line.pk], "text": "", "based_on": ""}
    )
    if name in ("lead", "admin", "coordinator"):
        assert "Share what works" in _text(form)
        assert response.url == _url(personas)
        mission = Mission.objects.get()
        assert (mission.number, mission.text) == (1, "Share what works")
        assert mission.assembled_by == personas.members[name]
    else:
        assert form.status_code == 403
        assert response.status_code == 403
        assert "Only the circle's lead, the program's coordinators and admins" in _text(response)
        assert not Mission.objects.exists()


def test_assembling_over_a_version_made_meanwhile_is_refused_on_the_form(
    client: Any, personas: Personas
) -> None:
    _assemble(personas, "Version one.", by="coordinator")
    client.force_login(personas.lead)
    response = client.post(
        _url(personas, "mission_assemble"), {"text": "Mine, from nothing", "based_on": ""}
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "Version 1 of the mission was assembled while you were writing" in _text(response)
    assert Mission.objects.count() == 1


@pytest.mark.parametrize("name", [*IN_THE_CIRCLE, *OVERSEERS])
def test_acknowledging_is_for_the_people_in_the_circle(
    client: Any, personas: Personas, name: str
) -> None:
    _assemble(personas, "Version one.")
    client.force_login(personas.user(name))
    response = client.post(_url(personas, "mission_acknowledge"), {"number": 1})
    acknowledged = MissionAcknowledgement.objects.filter(member=personas.members[name])
    if name in IN_THE_CIRCLE:
        assert response.url == _url(personas)
        assert acknowledged.count() == 1
    else:
        assert response.status_code == 403
        assert not MissionAcknowledgement.objects.exists()


def test_acknowledging_an_old_version_on_the_page_is_refused_clearly(
    client: Any, personas: Personas
) -> None:
    _assemble(personas, "Version one.")
    _assemble(personas, "Version two.")
    client.force_login(personas.member)
    response = client.post(_url(personas, "mission_acknowledge"), {"number": 1})
    assert response.status_code == 400
    assert "Version 1 is not the current mission: version 2 is" in _text(response)
    assert not MissionAcknowledgement.objects.exists()


def test_withdrawing_someone_elses_line_is_refused(client: Any, personas: Personas) -> None:
    line = mission_line_propose(
        circle=personas.circle, author=personas.members["member"], text="Share what works"
    )
    client.force_login(personas.lead)
    page = _text(client.get(_url(personas)))
    assert "Withdraw my line" not in page
    response = client.post(_url(personas, "mission_line_withdraw", line.pk))
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.withdrawn_on is None
    client.force_login(personas.member)
    assert "Withdraw my line" in _text(client.get(_url(personas)))
    assert client.post(_url(personas, "mission_line_withdraw", line.pk)).url == _url(personas)
    line.refresh_from_db()
    assert line.withdrawn_on is not None
    assert "Share what works" not in _text(client.get(_url(personas)))


def test_a_line_of_another_circle_is_not_found_here(client: Any, personas: Personas) -> None:
    peer = Member.objects.get(user__email="peer@example.org")
    theirs = mission_line_propose(circle=personas.other_circle, author=peer, text="South's")
    client.force_login(personas.lead)
    assert client.post(_url(personas, "mission_line_withdraw", theirs.pk)).status_code == 404


# --- the circle page -----------------------------------------------------------------------------


def test_the_circle_page_shows_the_mission_and_asks_a_member_to_acknowledge(
    client: Any, personas: Personas
) -> None:
    circle_page = reverse("circles:detail", args=[personas.circle.pk])
    client.force_login(personas.member)
    assert "Write the mission together" in _text(client.get(circle_page))

    _assemble(personas, "We win back lapsed customers, together.")
    mission_acknowledge(circle=personas.circle, member=personas.members["lead"], number=1)
    page = _text(client.get(circle_page))
    assert "We win back lapsed customers, together." in page
    assert "1 of 2" in page
    assert "I acknowledge version 1" in page

    response = client.post(
        _url(personas, "mission_acknowledge"), {"number": 1, "back_to_circle": "1"}
    )
    assert response.url == circle_page
    page = _text(client.get(circle_page))
    assert "2 of 2" in page
    assert "I acknowledge version 1" not in page

    client.force_login(personas.sponsor)
    page = _text(client.get(circle_page))
    assert "We win back lapsed customers, together." in page
    assert "I acknowledge" not in page
    assert "introduction to leading your peers" not in page


# --- queries -----------------------------------------------------------------------------------


def test_the_mission_page_and_circle_page_cost_the_same_however_big_the_circle(
    client: Any, personas: Personas
) -> None:
    _assemble(personas, "Version one.")
    client.force_login(personas.lead)
    count = [0]

    def grow() -> None:
        count[0] += 1
        for i in range(4):
            person = member_create(
                organization=personas.organization,
                email=f"grow{count[0]}-{i}@example.org",
                full_name=f"Grow {i}",
            )
            circle_add_member(circle=personas.circle, member=person)
            mission_line_propose(circle=personas.circle, author=person, text=f"Line {count[0]}.{i}")
        version = _assemble(personas, f"Version {count[0] + 1}.", lines=MissionLine.objects.all())
        for person in Member.objects.filter(user__full_name__startswith="Grow"):
            mission_acknowledge(circle=personas.circle, member=person, number=version.number)

    assert_queries_flat(client, _url(personas), grow=grow)
    assert_queries_flat(client, _url(personas, "mission_assemble"), grow=grow)
    assert_queries_flat(client, reverse("circles:detail", args=[personas.circle.pk]), grow=grow)
