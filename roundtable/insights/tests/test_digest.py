"""The weekly email of at-risk flags (services/digest.py, tasks/digest.py): Monday 08:00 on each
coordinator's and sponsor's own clock (London, New York, Sydney), planned no more than a day
ahead, sent once per person and week however often the worker ticks; only to those with a
flagged circle who have not turned it off; flags judged again when it goes out; what it says
(reasons, since when, links) and what it never says (pulse comments)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.insights.models import PulseSchedule
from roundtable.insights.services.digest import (
    NOTHING_FLAGGED,
    TURNED_OFF,
    health_digest_plan,
)
from roundtable.insights.tasks import PERIODIC_TASKS
from roundtable.insights.tasks.digest import health_digest_plan_task
from roundtable.insights.tests.dashboard_data import (
    circles_bulk,
    people,
    pulse_answers,
    schedule_for,
)
from roundtable.meetings.management.commands.start_periodic_tasks import (
    periodic_tasks_of_other_apps,
)
from roundtable.notifications.models import Notification
from roundtable.notifications.registry import email_kind_registered
from roundtable.notifications.services import notification_preferences_set, notifications_send_due
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create, member_update
from roundtable.programs.models import Program
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db

UTC = dt.UTC
Kind = Notification.Kind
MONDAY = dt.date(2027, 3, 8)  # London on GMT, New York on EST (DST from 14 March), Sydney on AEDT
START = dt.datetime(2027, 3, 6, 12, tzinfo=UTC)  # Saturday noon


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(personas: Personas) -> Personas:
    """North has a schedule; South has none (flagged). The coordinator lives in London, the
    sponsor in New York, and a second coordinator, Sid, in Sydney."""
    schedule_for(personas.circle, starts_on=dt.date(2027, 1, 4))
    member_update(member=personas.members["sponsor"], time_zone="America/New_York")
    sid = member_create(
        organization=personas.organization,
        email="sid@example.org",
        full_name="Sid Sydney",
        time_zone="Australia/Sydney",
    )
    personas.program.coordinators.add(sid)
    personas.members["sid"] = sid
    return personas


def _tick(clock: time_machine.Traveller, at: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """The worker at `at`, twice (two workers, or a tick run again): plan, then send what is
    due. Returns (when, recipient) of each email sent."""
    clock.move_to(at)
    before = len(mail.outbox)
    for worker in ("one", "two"):
        health_digest_plan(now=at)
        notifications_send_due(worker=worker, now=at)
    return [(at, message.to[0]) for message in mail.outbox[before:]]


def _walk(clock, start: dt.datetime, end: dt.datetime, step=dt.timedelta(minutes=30)):
    sent, at = [], start
    while at <= end:
        sent += _tick(clock, at)
        at += step
    return sent


def test_each_overseer_gets_it_once_at_0800_on_their_own_monday(world, clock):
    sent = _walk(clock, START, dt.datetime(2027, 3, 9, 12, tzinfo=UTC))
    assert sent == [
        (dt.datetime(2027, 3, 7, 21, tzinfo=UTC), "sid@example.org"),  # 08:00 AEDT
        (dt.datetime(2027, 3, 8, 8, tzinfo=UTC), "coordinator@example.org"),  # 08:00 GMT
        (dt.datetime(2027, 3, 8, 13, tzinfo=UTC), "sponsor@example.org"),  # 08:00 EST
    ]
    rows = Notification.objects.filter(kind=Kind.HEALTH_WEEKLY)
    assert {row.digest_on for row in rows} == {MONDAY}
    assert rows.count() == 3


def test_planned_no_earlier_than_a_day_before_and_sent_not_a_second_early(world, clock):
    coordinator = world.members["coordinator"]
    mine = Notification.objects.filter(kind=Kind.HEALTH_WEEKLY, member=coordinator)
    health_digest_plan(now=dt.datetime(2027, 3, 7, 7, 59, tzinfo=UTC))
    assert not mine.exists()
    health_digest_plan(now=dt.datetime(2027, 3, 7, 8, tzinfo=UTC))
    (row,) = mine
    assert (row.digest_on, row.due_at) == (MONDAY, dt.datetime(2027, 3, 8, 8, tzinfo=UTC))
    notifications_send_due(now=dt.datetime(2027, 3, 8, 7, 59, 59, tzinfo=UTC))
    assert [m.to for m in mail.outbox] == [["sid@example.org"]]  # 08:00 in Sydney long ago
    notifications_send_due(now=dt.datetime(2027, 3, 8, 8, tzinfo=UTC))
    assert [m.to for m in mail.outbox] == [["sid@example.org"], [coordinator.user.email]]


def test_a_second_row_for_the_same_week_is_refused_by_the_database(world):
    coordinator = world.members["coordinator"]
    at = dt.datetime(2027, 3, 8, 8, tzinfo=UTC)
    Notification.objects.create(
        kind=Kind.HEALTH_WEEKLY, member=coordinator, digest_on=MONDAY, due_at=at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            kind=Kind.HEALTH_WEEKLY, member=coordinator, digest_on=MONDAY, due_at=at
        )
    # A day before New York's Monday 08:00: the others' rows, not a second one for London.
    assert health_digest_plan(now=dt.datetime(2027, 3, 7, 13, tzinfo=UTC)) == 2


def test_nobody_hears_of_a_week_without_flags(world, clock):
    schedule_for(world.other_circle, starts_on=dt.date(2027, 1, 4))
    assert _walk(clock, START, dt.datetime(2027, 3, 9, tzinfo=UTC), dt.timedelta(hours=2)) == []
    assert not Notification.objects.filter(kind=Kind.HEALTH_WEEKLY).exists()


def test_flags_gone_by_monday_morning_mean_no_email(world, clock):
    health_digest_plan(now=dt.datetime(2027, 3, 7, 9, tzinfo=UTC))
    schedule_for(world.other_circle, starts_on=dt.date(2027, 1, 4))
    notifications_send_due(now=dt.datetime(2027, 3, 8, 8, tzinfo=UTC))
    row = Notification.objects.get(kind=Kind.HEALTH_WEEKLY, member=world.members["coordinator"])
    assert (row.sent_at is not None, row.skipped_reason) == (True, NOTHING_FLAGGED)
    assert mail.outbox == []


def test_only_coordinators_and_sponsors_of_running_programs_get_it(world, clock):
    _walk(clock, START, dt.datetime(2027, 3, 9, 12, tzinfo=UTC), dt.timedelta(hours=1))
    recipients = set(
        Notification.objects.filter(kind=Kind.HEALTH_WEEKLY).values_list(
            "member__user__email", flat=True
        )
    )
    assert recipients == {"coordinator@example.org", "sponsor@example.org", "sid@example.org"}
    Notification.objects.all().delete()
    Program.objects.filter(pk=world.program.pk).update(status=Program.Status.ENDED)
    assert health_digest_plan(now=dt.datetime(2027, 3, 14, 9, tzinfo=UTC)) == 0


def test_someone_who_turned_it_off_gets_nothing(world, clock):
    coordinator = world.members["coordinator"]
    notification_preferences_set(
        member=coordinator, reminders=True, changes=True, wrapups=True, health_digest=False
    )
    health_digest_plan(now=dt.datetime(2027, 3, 7, 22, tzinfo=UTC))
    assert not Notification.objects.filter(member=coordinator).exists()


def test_turned_off_after_it_was_planned_it_is_not_sent(world, clock):
    coordinator = world.members["sponsor"]
    health_digest_plan(now=dt.datetime(2027, 3, 8, 9, tzinfo=UTC))
    notification_preferences_set(
        member=coordinator, reminders=True, changes=True, wrapups=True, health_digest=False
    )
    notifications_send_due(now=dt.datetime(2027, 3, 8, 13, tzinfo=UTC))
    row = Notification.objects.get(kind=Kind.HEALTH_WEEKLY, member=coordinator)
    assert row.skipped_reason == TURNED_OFF
    assert mail.outbox == []


def test_a_deactivated_overseer_gets_nothing(world, clock):
    member_update(member=world.members["coordinator"], is_active=False)
    health_digest_plan(now=dt.datetime(2027, 3, 7, 9, tzinfo=UTC))
    assert not Notification.objects.filter(member=world.members["coordinator"]).exists()


def test_what_the_email_says_and_what_it_never_says(world, clock):
    PulseSchedule.objects.create(
        program=world.program, every_weeks=4, starts_on=dt.date(2027, 1, 4)
    )
    pulse_answers(world.circle, dt.date(2027, 2, 1), 3)
    world.circle.pulse_answers.update(comment="Juniper-lighthouse: I hold back in meetings.")
    _walk(clock, dt.datetime(2027, 3, 8, 7, 30, tzinfo=UTC), dt.datetime(2027, 3, 8, 8, tzinfo=UTC))
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.subject == "1 circle flagged at risk this week"
    text, (html, _type) = str(message.body), message.alternatives[0]
    south = world.other_circle
    for body in (text, str(html)):
        assert "Customer retention circles" in body
        assert "South" in body
        assert "No schedule" in body
        assert "The circle has no schedule, so no meetings are planned" in body
        assert f"Since {south.created_at.date().day} {south.created_at.date():%b %Y}." in body
        assert settings.SITE_URL + reverse("insights:circle_health", args=[south.pk]) in body
        assert (
            settings.SITE_URL + reverse("insights:program_dashboard", args=[world.program.pk])
            in body
        )
        assert settings.SITE_URL + reverse("orgs:profile") + "#health-emails" in body
        assert "North" not in body
        assert "Juniper" not in body


def test_the_app_registers_its_email_and_the_worker_plans_it(world):
    registered = email_kind_registered(Kind.HEALTH_WEEKLY)
    assert registered is not None
    assert registered.render.__module__ == "roundtable.insights.services.digest"
    assert health_digest_plan_task in PERIODIC_TASKS
    assert "health_digest_plan_task" in {p.name for p in periodic_tasks_of_other_apps()}
    with time_machine.travel(dt.datetime(2027, 3, 7, 20, tzinfo=UTC), tick=False):
        health_digest_plan_task.call()
    assert Notification.objects.filter(kind=Kind.HEALTH_WEEKLY).count() == 3


def test_planning_costs_the_same_queries_however_many_programs_and_circles(world):
    pool = people(world.circle, 2)
    at = dt.datetime(2027, 3, 7, 20, tzinfo=UTC)  # within a day of every Monday 08:00

    def measure() -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            health_digest_plan(now=at)
        return len(captured.captured_queries)

    before = measure()
    for n in range(3):
        program = Program.objects.create(
            organization=world.organization,
            name=f"More {n}",
            purpose="More circles.",
            sponsor=Member.objects.get(pk=world.members["sponsor"].pk),
            start_date=dt.date(2026, 12, 1),
            status=Program.Status.ACTIVE,
        )
        program.coordinators.add(world.members["coordinator"], *people(world.circle, 2))
        circles_bulk(program, 10, prefix=f"More {n}", pool=pool, last_monday=dt.date(2027, 3, 1))
    assert measure() == before
    assert Notification.objects.filter(kind=Kind.HEALTH_WEEKLY).count() == 3 + 6
