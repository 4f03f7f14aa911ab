"""Recognition: crediting a peer in a circle, what each persona sees and may do, the wall and the
circle page, the recipient's choice to show it to their manager."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member
from roundtable.commitments.models import Commitment
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Critique, Decision, Idea, Stage
from roundtable.ideas.tests.decision_factories import idea_create
from roundtable.leadership.models import Recognition
from roundtable.leadership.services.recognition import (
    recognition_give,
    recognition_share_with_manager,
)
from roundtable.meetings.models import Meeting
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
Kind = Recognition.Kind


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _m(personas: Personas, name: str) -> Member:
    return personas.members[name]


def _peer(personas: Personas) -> Member:
    peer = personas.other_circle.lead
    assert peer is not None
    return peer


def _critique(idea: Idea, author: Member | None, *, decided: bool = True) -> Critique:
    version = idea.versions.get(number=1)
    critique = Critique.objects.create(
        idea=idea,
        version=version,
        author=author,
        anonymous=author is None,
        created_on=NOW.date(),
        stance="concern",
        reasoning="Scripts make calls sound canned; customers notice.",
    )
    if decided:
        Decision.objects.create(
            idea=idea,
            from_stage=Stage.PROPOSED,
            to_stage=Stage.SET_ASIDE,
            rationale="The concern about canned calls convinced us.",
            decided_at=NOW,
        )
    return critique


def _done(circle: Circle, owner: Member, title: str = "Call five customers") -> Commitment:
    return Commitment.objects.create(
        circle=circle,
        owner=owner,
        title=title,
        status=Commitment.Status.DONE,
        due_at=NOW - dt.timedelta(days=2),
        done_at=NOW - dt.timedelta(days=3),
    )


def _give(personas: Personas, **kw: object) -> Recognition:
    values: dict[str, object] = {
        "circle": personas.circle,
        "given_by": _m(personas, "lead"),
        "recipient_id": _m(personas, "member").pk,
        "kind": Kind.OTHER,
        "message": "Covered the renewals board while I was away.",
    }
    values.update(kw)
    return recognition_give(**values)  # type: ignore[arg-type]


# --- the service ---------------------------------------------------------------------------------


def test_a_peer_credits_an_adopted_idea_and_the_recipient_is_told(personas: Personas) -> None:
    member = _m(personas, "member")
    idea = idea_create(circle=personas.circle, author=member, stage=Stage.ADOPTED)
    recognition = _give(
        personas, kind=Kind.IDEA_ADOPTED, item=f"idea:{idea.pk}", message="  The script!  "
    )
    assert recognition.idea == idea
    assert recognition.message == "The script!"
    notice = Notice.objects.get(member=member, kind=NoticeKind.RECOGNISED)
    assert notice.key == f"recognition-{recognition.pk}"
    assert notice.url.endswith(f"#recognition-{recognition.pk}")
    assert "Lead Persona" in notice.title


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("self", "recipient"),
        ("outsider_of_circle", "recipient"),
        ("left_the_circle", "recipient"),
        ("blank", "message"),
        ("too_long", "message"),
        ("control_char", "message"),
        ("bad_kind", "kind"),
        ("idea_of_another_circle", "item"),
        ("idea_not_adopted", "item"),
        ("idea_of_someone_else", "item"),
        ("anonymous_idea", "item"),
        ("anonymous_critique", "item"),
        ("critique_of_someone_else", "item"),
        ("critique_without_decision", "item"),
        ("commitment_of_someone_else", "item"),
        ("commitment_not_done", "item"),
        ("meeting_run_by_someone_else", "item"),
        ("meeting_to_come", "item"),
        ("wrong_kind_for_item", "item"),
        ("other_with_item", "item"),
        ("garbage_item", "item"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(
    personas: Personas, case: str, field: str
) -> None:
    lead, member = _m(personas, "lead"), _m(personas, "member")
    peer = _peer(personas)
    circle = personas.circle
    kw: dict[str, object] = {}
    if case == "self":
        kw = {"recipient_id": lead.pk}
    elif case == "outsider_of_circle":
        kw = {"recipient_id": peer.pk}
    elif case == "left_the_circle":
        membership = member.circle_memberships.get(circle=circle)
        membership.left_on = NOW.date()
        membership.save()
    elif case == "blank":
        kw = {"message": " \u200b "}
    elif case == "too_long":
        kw = {"message": "x" * 1001}
    elif case == "control_char":
        kw = {"message": "Thanks\x00"}
    elif case == "bad_kind":
        kw = {"kind": "promotion"}
    elif case == "idea_of_another_circle":
        idea = idea_create(circle=personas.other_circle, author=member, stage=Stage.ADOPTED)
        kw = {"kind": Kind.IDEA_ADOPTED, "item": f"idea:{idea.pk}"}
    elif case == "idea_not_adopted":
        idea = idea_create(circle=circle, author=member, stage=Stage.TRIAL)
        kw = {"kind": Kind.IDEA_ADOPTED, "item": f"idea:{idea.pk}"}
    elif case == "idea_of_someone_else":
        idea = idea_create(circle=circle, author=lead, stage=Stage.ADOPTED)
        kw = {"kind": Kind.IDEA_ADOPTED, "item": f"idea:{idea.pk}"}
    elif case == "anonymous_idea":
        idea = idea_create(circle=circle, anonymous=True, stage=Stage.ADOPTED)
        kw = {"kind": Kind.IDEA_ADOPTED, "item": f"idea:{idea.pk}"}
    elif case == "anonymous_critique":
        critique = _critique(idea_create(circle=circle, author=lead), None)
        kw = {"kind": Kind.CRITIQUE, "item": f"critique:{critique.pk}"}
    elif case == "critique_of_someone_else":
        critique = _critique(idea_create(circle=circle, author=lead), lead)
        kw = {"kind": Kind.CRITIQUE, "item": f"critique:{critique.pk}"}
    elif case == "critique_without_decision":
        critique = _critique(idea_create(circle=circle, author=lead), member, decided=False)
        kw = {"kind": Kind.CRITIQUE, "item": f"critique:{critique.pk}"}
    elif case == "commitment_of_someone_else":
        kw = {"kind": Kind.COMMITMENT_DELIVERED, "item": f"commitment:{_done(circle, lead).pk}"}
    elif case == "commitment_not_done":
        c = _done(circle, member)
        Commitment.objects.filter(pk=c.pk).update(status=Commitment.Status.OPEN, done_at=None)
        kw = {"kind": Kind.COMMITMENT_DELIVERED, "item": f"commitment:{c.pk}"}
    elif case == "meeting_run_by_someone_else":
        meeting = Meeting.objects.create(circle=circle, starts_at=NOW - dt.timedelta(days=1))
        kw = {"kind": Kind.MEETING_LED, "item": f"meeting:{meeting.pk}"}  # the lead ran it
    elif case == "meeting_to_come":
        meeting = Meeting.objects.create(
            circle=circle, starts_at=NOW + dt.timedelta(days=1), runner=member
        )
        kw = {"kind": Kind.MEETING_LED, "item": f"meeting:{meeting.pk}"}
    elif case == "wrong_kind_for_item":
        kw = {"kind": Kind.MEETING_LED, "item": f"commitment:{_done(circle, member).pk}"}
    elif case == "other_with_item":
        kw = {"kind": Kind.OTHER, "item": f"commitment:{_done(circle, member).pk}"}
    elif case == "garbage_item":
        kw = {"kind": Kind.IDEA_ADOPTED, "item": "idea:not-a-uuid"}
    with pytest.raises(DomainError) as caught:
        _give(personas, **kw)
    assert caught.value.field == field
    assert caught.value.message
    assert not Recognition.objects.exists()
    assert not Notice.objects.filter(kind=NoticeKind.RECOGNISED).exists()


def test_each_kind_of_link_is_accepted_for_its_person(personas: Personas) -> None:
    lead, member = _m(personas, "lead"), _m(personas, "member")
    circle = personas.circle
    led = Meeting.objects.create(circle=circle, starts_at=NOW - dt.timedelta(days=7), runner=member)
    no_runner = Meeting.objects.create(circle=circle, starts_at=NOW - dt.timedelta(days=14))
    critique = _critique(idea_create(circle=circle, author=lead), member)
    commitment = _done(circle, member)
    _give(personas, kind=Kind.MEETING_LED, item=f"meeting:{led.pk}")
    _give(personas, kind=Kind.CRITIQUE, item=f"critique:{critique.pk}")
    _give(personas, kind=Kind.COMMITMENT_DELIVERED, item=f"commitment:{commitment.pk}")
    # A meeting nobody else was down to run: its lead ran it.
    _give(
        personas,
        given_by=member,
        recipient_id=lead.pk,
        kind=Kind.MEETING_LED,
        item=f"meeting:{no_runner.pk}",
    )
    assert Recognition.objects.count() == 4
    assert Recognition.objects.filter(recipient=lead, meeting=no_runner).exists()


def test_only_the_recipient_shares_with_their_manager(personas: Personas) -> None:
    recognition = _give(personas)
    with pytest.raises(DomainError):
        recognition_share_with_manager(
            recognition=recognition, member=_m(personas, "lead"), shared=True
        )
    recognition.refresh_from_db()
    assert recognition.shared_with_manager is False
    recognition_share_with_manager(
        recognition=recognition, member=_m(personas, "member"), shared=True
    )
    recognition.refresh_from_db()
    assert recognition.shared_with_manager is True


# --- pages ---------------------------------------------------------------------------------------


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(personas.user(name))
    return client


def _manager(personas: Personas) -> Member:
    manager = member_create(
        organization=personas.organization, email="manny@example.org", full_name="Manny Manager"
    )
    member = _m(personas, "member")
    member.manager = manager
    member.save()
    return manager


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("sponsor", 200),
        ("lead", 200),
        ("member", 200),
        ("outsider", 404),
    ],
)
def test_the_wall_to_each_persona(personas: Personas, name: str, status: int) -> None:
    _give(personas, message="Ran the churn review brilliantly.")
    response = _client(personas, name).get(
        reverse("leadership:recognition_wall", args=[personas.circle.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert "Ran the churn review brilliantly." in response.content.decode()


def test_the_wall_hides_from_the_peer_of_another_circle(personas: Personas) -> None:
    client = Client()
    client.force_login(_peer(personas).user)
    url = reverse("leadership:recognition_wall", args=[personas.circle.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("lead", "form"),
        ("member", "form"),
        ("coordinator", "form"),
        ("admin", "form"),
        ("sponsor", "refused"),
        ("outsider", 404),
    ],
)
def test_the_give_form_to_each_persona(personas: Personas, name: str, outcome: object) -> None:
    url = reverse("leadership:recognition_new", args=[personas.circle.pk])
    client = _client(personas, name)
    response = client.get(url)
    if outcome == 404:
        assert response.status_code == 404
    elif outcome == "refused":
        assert response.status_code == 302
        follow = client.get(url, follow=True)
        assert "Recognition is given by" in follow.content.decode()
        post = client.post(url, {"recipient": _m(personas, "member").pk, "kind": "other",
                                 "message": "Nice"})  # fmt: skip
        assert post.status_code == 302
        assert not Recognition.objects.exists()
    else:
        assert response.status_code == 200
        assert "Recognise a peer" in response.content.decode()


def test_giving_through_the_form(personas: Personas) -> None:
    member = _m(personas, "member")
    idea = idea_create(circle=personas.circle, author=member, stage=Stage.ADOPTED)
    client = _client(personas, "lead")
    url = reverse("leadership:recognition_new", args=[personas.circle.pk])
    # Pre-filled from the idea's page: the kind, the idea and its author.
    page = client.get(f"{url}?kind=idea_adopted&idea={idea.pk}").content.decode()
    assert f'value="idea:{idea.pk}" selected' in page
    assert f'value="{member.pk}" selected' in page
    response = client.post(
        url,
        {
            "recipient": member.pk,
            "kind": "idea_adopted",
            "item": f"idea:{idea.pk}",
            "message": "Your script cut our calls to 25 minutes.",
        },
    )
    recognition = Recognition.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#recognition-{recognition.pk}")
    assert recognition.idea == idea
    assert recognition.given_by == _m(personas, "lead")


def test_the_form_refuses_a_mismatched_item_with_a_reason(personas: Personas) -> None:
    lead = _m(personas, "lead")
    idea = idea_create(circle=personas.circle, author=lead, stage=Stage.ADOPTED)
    response = _client(personas, "lead").post(
        reverse("leadership:recognition_new", args=[personas.circle.pk]),
        {
            "recipient": _m(personas, "member").pk,
            "kind": "idea_adopted",
            "item": f"idea:{idea.pk}",
            "message": "Thanks",
        },
    )
    assert response.status_code == 200
    assert "proposed by someone else" in response.content.decode()
    assert not Recognition.objects.exists()


def test_the_form_does_not_offer_oneself(personas: Personas) -> None:
    page = _client(personas, "member").get(
        reverse("leadership:recognition_new", args=[personas.circle.pk])
    )
    options = page.context["form"].fields["recipient"].choices
    assert [label for _, label in options] == ["Choose someone", "Lead Persona"]


def test_the_recipient_toggles_show_to_my_manager(personas: Personas) -> None:
    recognition = _give(personas)
    url = reverse("leadership:recognition_share", args=[recognition.pk])
    # Someone else who sees it cannot; the outsider does not find it.
    assert _client(personas, "lead").post(url, {"shared": "on"}).status_code == 302
    assert _client(personas, "outsider").post(url, {"shared": "on"}).status_code == 404
    recognition.refresh_from_db()
    assert recognition.shared_with_manager is False
    member = _client(personas, "member")
    wall = member.get(reverse("leadership:recognition_wall", args=[personas.circle.pk]))
    assert "Show to my manager" in wall.content.decode()
    response = member.post(url, {"shared": "on", "next": "https://evil.example/"})
    assert response["Location"].startswith("/circles/")
    recognition.refresh_from_db()
    assert recognition.shared_with_manager is True
    member.post(url, {"shared": ""})
    recognition.refresh_from_db()
    assert recognition.shared_with_manager is False


def test_the_manager_sees_only_what_was_shared(personas: Personas) -> None:
    manager = _manager(personas)
    shared = _give(personas, message="Shared with my manager")
    _give(personas, message="Kept in the circle")
    recognition_share_with_manager(recognition=shared, member=_m(personas, "member"), shared=True)
    client = Client()
    client.force_login(manager.user)
    page = client.get(reverse("orgs:member_detail", args=[_m(personas, "member").pk]))
    text = page.content.decode()
    assert "Shared with my manager" in text
    assert "Kept in the circle" not in text
    # The manager is not in the circle: its wall stays hidden.
    wall = client.get(reverse("leadership:recognition_wall", args=[personas.circle.pk]))
    assert wall.status_code == 404
    # And someone else's manager sees none of it.
    other = Client()
    other.force_login(_peer(personas).user)
    seen = other.get(reverse("orgs:member_detail", args=[_m(personas, "member").pk]))
    assert "Shared with my manager" not in seen.content.decode()


def test_circle_page_shows_the_latest_three_and_the_button(personas: Personas) -> None:
    for n in range(4):
        _give(personas, message=f"Thanks number {n}")
    circle_url = reverse("circles:detail", args=[personas.circle.pk])
    text = _client(personas, "member").get(circle_url).content.decode()
    assert "Thanks number 3" in text
    assert "Thanks number 1" in text
    assert "Thanks number 0" not in text
    assert "Recognise a peer" in text
    assert "Recognise a peer" not in _client(personas, "sponsor").get(circle_url).content.decode()


def test_the_wall_and_circle_page_queries_stay_flat(personas: Personas) -> None:
    client = _client(personas, "member")
    member, lead = _m(personas, "member"), _m(personas, "lead")
    counter = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            n = next(counter)
            newcomer = member_create(
                organization=personas.organization, email=f"n{n}@example.org", full_name=f"N {n}"
            )
            circle_add_member(circle=personas.circle, member=newcomer)
            idea = idea_create(circle=personas.circle, author=newcomer, stage=Stage.ADOPTED)
            _give(personas, recipient_id=newcomer.pk, kind=Kind.IDEA_ADOPTED,
                  item=f"idea:{idea.pk}")  # fmt: skip
            _give(personas, given_by=newcomer, recipient_id=lead.pk)
            c = _done(personas.circle, newcomer)
            _give(personas, recipient_id=newcomer.pk, kind=Kind.COMMITMENT_DELIVERED,
                  item=f"commitment:{c.pk}")  # fmt: skip

    _give(personas, recipient_id=member.pk)
    assert_queries_flat(
        client, reverse("leadership:recognition_wall", args=[personas.circle.pk]), grow=grow
    )
    assert_queries_flat(client, reverse("circles:detail", args=[personas.circle.pk]), grow=grow)
    assert_queries_flat(
        client, reverse("leadership:recognition_new", args=[personas.circle.pk]), grow=grow
    )
