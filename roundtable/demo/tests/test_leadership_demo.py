"""The demo lead's toolkit looks lived in, as the demo lead sees it, and none of her private text
reaches another demo sign-in on any page they can open."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.demo.organisation import DemoResult, demo_seed
from roundtable.leadership.models import (
    AgreementAmendment,
    LeadOnboarding,
    Mission,
    MissionLine,
    PeerNote,
    Recognition,
    Reflection,
    ReflectionCadence,
    SupportPlan,
    WorkingAgreement,
)
from roundtable.meetings.models import Meeting, MeetingRotation
from roundtable.notifications.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    """Seeded once for the module, rolled back after it (each test runs in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_seed()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded_demo: DemoResult, db: None) -> DemoResult:
    return seeded_demo


def _anvil(demo: DemoResult) -> Circle:
    return next(c for c in demo.circles if c.name == "Anvil")


def _as(demo: DemoResult, key: str) -> Client:
    client = Client()
    client.force_login(demo.people[key].user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.content.decode())


def _sunday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=6 - today.weekday())


def _private_texts(demo: DemoResult) -> list[str]:
    """Every piece of the lead's private text (decrypted), long enough to be unmistakable."""
    lead = demo.people["lead"]
    texts: list[str] = []
    for reflection in Reflection.objects.filter(author=lead):
        texts += [reflection.leader, reflection.goals, reflection.outcomes]
    for note in PeerNote.objects.filter(author=lead):
        texts += [note.goals, note.needs, note.load, note.support]
    texts += [plan.next_step for plan in SupportPlan.objects.filter(author=lead)]
    return [text[:50] for text in texts if len(text) >= 30]


def test_the_mission_was_written_together_and_the_lead_finished_her_introduction(demo):
    lead, anvil = demo.people["lead"], _anvil(demo)
    lines = MissionLine.objects.filter(circle=anvil)
    assert lines.values("author").distinct().count() == 5  # every one of them proposed a line
    current = Mission.objects.filter(circle=anvil).first()
    assert current is not None
    assert current.number == 2
    assert current.acknowledgements.count() == 4  # one has yet to read version 2
    onboarding = LeadOnboarding.objects.get(circle=anvil, lead=lead)
    assert onboarding.finished_on is not None
    assert onboarding.finished_on < timezone.localdate() - dt.timedelta(days=90)
    welcome = Notice.objects.get(member=lead, kind=NoticeKind.LEAD_WELCOME)
    assert welcome.read_at is not None

    page = _page(_as(demo, "lead"), reverse("leadership:mission", args=[anvil.pk]))
    assert current.text.splitlines()[-1] in page


def test_the_lead_writes_reflections_over_months_and_is_prompted_to_revisit(demo):
    lead, anvil = demo.people["lead"], _anvil(demo)
    reflections = list(Reflection.objects.filter(author=lead, circle=anvil))
    assert len(reflections) > 1
    assert (reflections[0].written_on - reflections[-1].written_on).days > 60
    cadence = ReflectionCadence.objects.get(author=lead, circle=anvil)
    assert cadence.every_weeks == 4
    assert cadence.next_prompt_on is not None
    # Encrypted at rest: the column holds no readable text.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT leader FROM leadership_reflection WHERE id = %s", [reflections[0].pk]
        )
        (stored,) = cursor.fetchone()
    assert reflections[0].leader[:20] not in stored

    page = _page(_as(demo, "lead"), reverse("leadership:reflections", args=[anvil.pk]))
    for reflection in reflections:
        assert reflection.leader[:40] in page


def test_the_toolkit_hub_and_a_peer_page_show_notes_plans_and_what_peers_share(demo):
    lead, member, anvil = demo.people["lead"], demo.people["member"], _anvil(demo)
    client = _as(demo, "lead")
    hub = _page(client, reverse("leadership:toolkit", args=[anvil.pk]))
    assert member.name in hub
    assert member.shared_profile.can_help_with[:30] in hub

    plans = SupportPlan.objects.filter(author=lead, circle=anvil)
    assert {plan.approach for plan in plans} == set(SupportPlan.Approach.values)
    due = [p for p in plans if p.closed_on is None and p.review_on <= _sunday()]
    assert due, "one support plan is due for review this week"
    assert PeerNote.objects.filter(author=lead, circle=anvil).count() == 4

    peer = _page(client, reverse("leadership:peer", args=[anvil.pk, member.pk]))
    note = PeerNote.objects.get(author=lead, circle=anvil, peer=member)
    assert note.goals[:40] in peer
    coach = plans.get(peer=member, closed_on__isnull=True)
    assert coach.next_step[:40] in peer


def test_the_agreement_has_two_versions_one_pending_and_an_open_amendment(demo):
    anvil, member = _anvil(demo), demo.people["member"]
    agreement = WorkingAgreement.objects.get(circle=anvil)
    second = agreement.versions.get(number=2)
    assert second.change_note
    assert member.pk not in set(second.acknowledgements.values_list("member_id", flat=True))
    assert second.acknowledgements.count() == 4
    assert agreement.amendments.filter(status=AgreementAmendment.Status.PROPOSED).count() == 1

    page = _page(_as(demo, "lead"), reverse("leadership:agreement", args=[anvil.pk]))
    assert "v2" in page
    assert "4 of 5" in page
    assert second.change_note[:40] in page
    # The demo member has yet to agree: the circle page asks them to.
    circle_page = _page(_as(demo, "member"), reverse("circles:detail", args=[anvil.pk]))
    assert "read and agree" in circle_page


def test_recognition_is_linked_to_the_demos_story_and_one_is_shared_with_a_manager(demo):
    anvil = _anvil(demo)
    given = Recognition.objects.filter(circle__program__organization=demo.organization)
    kinds = set(given.values_list("kind", flat=True))
    assert {"idea_adopted", "commitment_delivered", "meeting_led", "critique"} <= kinds
    assert all(r.given_by_id is not None for r in given)
    assert given.filter(shared_with_manager=True).count() == 1
    wall = _page(_as(demo, "lead"), reverse("leadership:recognition_wall", args=[anvil.pk]))
    for recognition in given.filter(circle=anvil):
        assert recognition.message[:40] in wall


def test_anvil_rotates_the_meeting_runner_in_order(demo):
    anvil = _anvil(demo)
    rotation = MeetingRotation.objects.get(circle=anvil)
    assert rotation.mode == MeetingRotation.Mode.IN_ORDER
    past = Meeting.objects.filter(
        circle=anvil, starts_at__lt=timezone.now(), runner__isnull=False
    ).order_by("starts_at")
    runners = list(past.values_list("runner_id", flat=True))
    assert len(runners) >= 5
    assert len(set(runners[:5])) == 5
    meeting = past.select_related("runner__user").last()
    assert meeting is not None
    assert meeting.runner is not None
    page = _page(_as(demo, "lead"), reverse("meetings:detail", args=[meeting.pk]))
    assert meeting.runner.name in page
    _page(_as(demo, "lead"), reverse("meetings:rotation", args=[anvil.pk]))


SKIP = ("/accounts/logout", "/logout", "/static/", "/admin/", ".csv", ".pdf", ".ics", "/api/")


@pytest.mark.parametrize("key", ["coordinator", "admin", "member"])
def test_no_other_demo_sign_in_sees_the_leads_private_text_on_any_page(demo, key):
    anvil, lead = _anvil(demo), demo.people["lead"]
    private = _private_texts(demo)
    assert len(private) > 15
    client = _as(demo, key)
    for url in (
        reverse("leadership:toolkit", args=[anvil.pk]),
        reverse("leadership:reflections", args=[anvil.pk]),
        reverse("leadership:peer", args=[anvil.pk, demo.people["member"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    start = [
        "/",
        reverse("circles:detail", args=[anvil.pk]),
        reverse("leadership:agreement", args=[anvil.pk]),
        reverse("leadership:recognition_wall", args=[anvil.pk]),
        reverse("leadership:my_notes"),
        reverse("notifications:notices"),
        reverse("orgs:member_detail", args=[lead.pk]),
        reverse("orgs:member_detail", args=[demo.people["member"].pk]),
    ]
    seen: set[str] = set()
    queue = deque(start)
    while queue and len(seen) < 60:
        url = queue.popleft()
        if url in seen or any(part in url for part in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        text = unescape(html)
        leaked = [p for p in private if p in text]
        assert not leaked, f"{url} shows the lead's private text to {key}: {leaked[0]}"
        for href in _links(html):
            if href not in seen:
                queue.append(href)
    assert len(seen) >= 20


def _links(html: str) -> list[str]:
    found = []
    for chunk in html.split('href="')[1:]:
        href = unescape(chunk.split('"', 1)[0])
        href = urldefrag(href)[0]
        if href.startswith("/") and not urlparse(href).netloc:
            found.append(href)
    return found
