"""The demo's pulse looks lived in: both programs run one; Anvil (the demo lead's and member's
circle) formed, stormed, then normed; a period stayed under three answers and shows its count
alone; the demo member is asked to answer the open period and the demo lead has answered; and
every answer is stored as the app stores one (no member, a receipt per answer)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.demo.organisation import DemoResult, demo_seed
from roundtable.insights.models import PulseAnswer, PulseReceipt, PulseSchedule
from roundtable.insights.selectors.pulses import Stage, pulse_results
from roundtable.notifications.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_seed()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded_demo: DemoResult, db: None) -> DemoResult:
    return seeded_demo


def _circle(demo: DemoResult, name: str) -> Any:
    return next(c for c in demo.circles if c.name == name)


def test_both_programs_run_a_pulse_with_answers_in_every_circle(demo):
    assert PulseSchedule.objects.filter(active=True).count() == len(demo.programs) == 2
    answered = set(PulseAnswer.objects.values_list("circle_id", flat=True))
    assert answered == {c.pk for c in demo.circles}
    assert PulseAnswer.objects.count() == PulseReceipt.objects.count() > 100


def test_anvil_stormed_then_normed_and_a_period_stayed_below_three(demo):
    today = timezone.localdate()
    found = pulse_results([c.pk for c in demo.circles], today=today)
    anvil = [r.stage for r in found[_circle(demo, "Anvil").pk] if r.shown]
    assert anvil[0] == Stage.FORMING
    first_storm = anvil.index(Stage.STORMING)
    assert Stage.NORMING in anvil[first_storm:]
    assert anvil[-1] == Stage.NORMING
    under = [
        r for results in found.values() for r in results if not r.is_open and 0 < r.answers < 3
    ]
    assert under
    assert all(r.means is None and r.stage is None for r in under)
    stages = {r.stage for results in found.values() for r in results if r.shown}
    assert stages == set(Stage)


def test_the_demo_member_is_asked_and_the_demo_lead_has_answered(demo):
    anvil = _circle(demo, "Anvil")
    url = reverse("insights:pulse_answer", args=[anvil.pk])
    member, lead = Client(), Client()
    member.force_login(demo.people["member"].user)
    lead.force_login(demo.people["lead"].user)
    assert "Pulse checks open" in member.get(reverse("home:home")).content.decode()
    assert "Send my answer, anonymously" in member.get(url).content.decode()
    page = lead.get(url).content.decode()
    assert "You answered this period." in page
    assert "<strong>Norming</strong>" in page  # Anvil's latest reading
    assert "Storming is a normal step" in page  # in the stages explained below it
    assert Notice.objects.filter(member=demo.people["member"], kind=NoticeKind.PULSE_OPEN).exists()
