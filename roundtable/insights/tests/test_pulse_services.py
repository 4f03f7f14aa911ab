"""Pulse writes: the schedule (who sets it is the views' question; here its rules), answering
(one answer per member, circle and period, refused with the field named and nothing written
otherwise, a race included), the periods' boundaries with a frozen clock in the circle's time
zone, and the notice that a period has opened (once per member and period)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from roundtable.circles.models import CircleMembership
from roundtable.circles.services import circle_create
from roundtable.core.errors import DomainError
from roundtable.insights.models import PulseAnswer, PulseReceipt, PulseSchedule
from roundtable.insights.selectors.pulses import pulse_answered
from roundtable.insights.services import pulses as pulse_services
from roundtable.insights.services.pulses import (
    COMMENT_MAX_CHARS,
    PulseAlreadyAnswered,
    pulse_answer,
    pulse_open_notify,
    pulse_schedule_set,
)
from roundtable.insights.tasks import PERIODIC_TASKS
from roundtable.insights.tasks.pulses import pulse_open_notify_task
from roundtable.insights.tests.pulse_helpers import (
    FEB,
    JAN,
    MAR,
    NOW,
    STARTS_ON,
    TODAY,
    answer,
    peers_add,
    schedule_on,
    scores,
)
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.programs.models import Program


@pytest.fixture
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _nothing_written() -> bool:
    return PulseAnswer.objects.count() == 0 and PulseReceipt.objects.count() == 0


# --- the schedule --------------------------------------------------------------------------------


def test_a_new_schedule_starts_on_the_monday_of_this_week(personas):
    schedule = pulse_schedule_set(
        personas.program,
        by=personas.members["coordinator"],
        active=True,
        every_weeks=2,
        today=dt.date(2027, 3, 14),  # a Sunday
    )
    assert (schedule.active, schedule.every_weeks, schedule.starts_on) == (
        True,
        2,
        dt.date(2027, 3, 8),
    )
    assert schedule.period_start(dt.date(2027, 3, 21)) == dt.date(2027, 3, 8)
    assert schedule.period_start(dt.date(2027, 3, 22)) == dt.date(2027, 3, 22)


def test_schedule_refuses_a_start_that_is_not_a_monday_and_an_unknown_cadence(personas):
    coordinator = personas.members["coordinator"]
    with pytest.raises(DomainError) as refused:
        pulse_schedule_set(
            personas.program,
            by=coordinator,
            active=True,
            every_weeks=4,
            today=TODAY,
            starts_on=dt.date(2027, 3, 9),
        )
    assert refused.value.field == "starts_on"
    assert "Tuesday" in refused.value.message
    with pytest.raises(DomainError) as refused:
        pulse_schedule_set(
            personas.program, by=coordinator, active=True, every_weeks=3, today=TODAY
        )
    assert refused.value.field == "every_weeks"
    assert not PulseSchedule.objects.exists()


def test_turning_off_and_on_keeps_the_periods_and_a_new_cadence_starts_this_week(personas):
    coordinator = personas.members["coordinator"]
    schedule_on(personas)
    off = pulse_schedule_set(
        personas.program, by=coordinator, active=False, every_weeks=4, today=TODAY
    )
    assert (off.active, off.starts_on) == (False, STARTS_ON)
    on = pulse_schedule_set(
        personas.program, by=coordinator, active=True, every_weeks=4, today=TODAY
    )
    assert (on.active, on.starts_on) == (True, STARTS_ON)
    faster = pulse_schedule_set(
        personas.program, by=coordinator, active=True, every_weeks=2, today=TODAY
    )
    assert (faster.every_weeks, faster.starts_on) == (2, dt.date(2027, 3, 8))
    assert PulseSchedule.objects.count() == 1


# --- answering -----------------------------------------------------------------------------------


def test_an_answer_keeps_no_member_and_no_time(personas):
    schedule_on(personas)
    member = personas.members["member"]
    saved = answer(personas.circle, member, TODAY, 4, comment="  Clear and kind.  ", trust=2)
    row = PulseAnswer.objects.get()
    assert row.pk == saved.pk
    assert (row.circle_id, row.period_start, row.trust, row.clarity, row.comment) == (
        personas.circle.pk,
        MAR,
        2,
        4,
        "Clear and kind.",
    )
    fields = {f.name for f in PulseAnswer._meta.get_fields()}
    assert fields == {
        "id",
        "circle",
        "period_start",
        "trust",
        "clarity",
        "participation",
        "usefulness",
        "progress",
        "comment",
    }
    receipt = PulseReceipt.objects.get()
    assert receipt.digest == PulseReceipt.digest_for(
        circle_id=personas.circle.pk, period_start=MAR, member_id=member.pk
    )
    assert pulse_answered(circle_id=personas.circle.pk, period_start=MAR, member_id=member.pk)


def test_the_lead_answers_too(personas):
    schedule_on(personas)
    answer(personas.circle, personas.members["lead"], TODAY)
    assert PulseAnswer.objects.count() == 1


def test_a_second_answer_in_the_period_is_refused_and_nothing_changes(personas):
    schedule_on(personas)
    member = personas.members["member"]
    answer(personas.circle, member, dt.date(2027, 3, 1), 5, comment="first")
    with pytest.raises(PulseAlreadyAnswered) as refused:
        answer(personas.circle, member, dt.date(2027, 3, 28), 1, comment="second")
    assert "already answered this period" in refused.value.message
    assert "Monday 29 March" in refused.value.message
    assert refused.value.code == "already_answered"
    assert list(PulseAnswer.objects.values_list("trust", "comment")) == [(5, "first")]
    assert PulseReceipt.objects.count() == 1
    # The next period takes a new answer; another circle is another pulse.
    answer(personas.circle, member, dt.date(2027, 3, 29), 3)
    assert PulseAnswer.objects.count() == 2


def test_a_racing_second_answer_is_refused_by_the_receipt_and_writes_nothing(personas, monkeypatch):
    """Two requests at once both pass the first check; the receipt's unique digest stops the
    second before any answer row is written."""
    schedule_on(personas)
    member = personas.members["member"]
    answer(personas.circle, member, TODAY, 5)
    monkeypatch.setattr(pulse_services, "_receipt_exists", lambda digest: False)
    with pytest.raises(PulseAlreadyAnswered):
        answer(personas.circle, member, TODAY, 1, comment="the twin")
    assert list(PulseAnswer.objects.values_list("trust", flat=True)) == [5]
    assert PulseReceipt.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("trust", 0),
        ("clarity", 6),
        ("participation", -1),
        ("usefulness", "4"),
        ("progress", True),
        ("trust", None),
        ("clarity", 3.5),
    ],
)
def test_a_score_outside_1_to_5_is_refused_naming_its_statement(personas, field, value):
    schedule_on(personas)
    answers: dict[str, object] = dict(scores(3))
    answers[field] = value
    with pytest.raises(DomainError) as refused:
        pulse_answer(personas.circle, by=personas.members["member"], today=TODAY, answers=answers)
    assert refused.value.field == field
    assert "from 1 (strongly disagree) to 5 (strongly agree)" in refused.value.message
    assert _nothing_written()


def test_a_missing_or_unknown_statement_is_refused(personas):
    schedule_on(personas)
    member = personas.members["member"]
    partial = scores(3)
    del partial["progress"]
    with pytest.raises(DomainError) as refused:
        pulse_answer(personas.circle, by=member, today=TODAY, answers=partial)
    assert refused.value.field == "progress"
    with pytest.raises(DomainError) as refused:
        pulse_answer(personas.circle, by=member, today=TODAY, answers={**scores(3), "mood": 3})
    assert refused.value.field == "mood"
    assert _nothing_written()


def test_a_comment_is_stripped_and_limited(personas):
    schedule_on(personas)
    member = personas.members["member"]
    with pytest.raises(DomainError) as refused:
        answer(personas.circle, member, TODAY, comment="x" * (COMMENT_MAX_CHARS + 1))
    assert refused.value.field == "comment"
    assert "1,000 characters (it has 1,001)" in refused.value.message
    assert _nothing_written()
    answer(personas.circle, member, TODAY, comment=" " + "x" * COMMENT_MAX_CHARS + "\n")
    assert len(PulseAnswer.objects.get().comment) == COMMENT_MAX_CHARS


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor", "outsider"])
def test_someone_not_in_the_circle_is_refused(personas, name):
    schedule_on(personas)
    with pytest.raises(DomainError) as refused:
        answer(personas.circle, personas.members[name], TODAY)
    assert refused.value.field == "circle"
    assert refused.value.message == "Only the circle's members and lead answer its pulse."
    assert _nothing_written()


def test_a_member_of_another_circle_or_one_who_left_is_refused(personas):
    schedule_on(personas)
    (peer,) = peers_add(personas, 1, circle=personas.other_circle)
    with pytest.raises(DomainError):
        answer(personas.circle, peer, TODAY)
    member = personas.members["member"]
    CircleMembership.objects.filter(circle=personas.circle, member=member).update(
        left_on=dt.date(2027, 3, 1)
    )
    with pytest.raises(DomainError):
        answer(personas.circle, member, TODAY)
    assert _nothing_written()


def test_no_answer_without_a_running_pulse(personas):
    member = personas.members["member"]
    with pytest.raises(DomainError) as refused:
        answer(personas.circle, member, TODAY)
    assert refused.value.field == "circle"
    assert "has no pulse check running" in refused.value.message
    schedule_on(personas)
    with pytest.raises(DomainError):
        answer(personas.circle, member, dt.date(2027, 1, 3))  # before the first period
    PulseSchedule.objects.update(active=False)
    with pytest.raises(DomainError):
        answer(personas.circle, member, TODAY)
    assert _nothing_written()


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (dt.date(2027, 1, 4), JAN),  # the first day
        (dt.date(2027, 1, 31), JAN),  # a Sunday, the last day
        (dt.date(2027, 2, 1), FEB),  # the Monday after
        (dt.date(2027, 2, 28), FEB),
        (dt.date(2027, 3, 1), MAR),
    ],
)
def test_the_period_of_an_answer_at_its_boundaries(personas, day, period):
    schedule_on(personas)
    answer(personas.circle, personas.members["member"], day)
    assert PulseAnswer.objects.get().period_start == period


def test_the_page_answers_in_the_period_of_the_circle_s_own_day(personas, client):
    """At 20:00 UTC on Sunday 31 January it is already Monday 1 February in Auckland: a circle
    there answers February's pulse, one in London January's."""
    schedule_on(personas)
    personas.other_circle.time_zone = "Pacific/Auckland"
    personas.other_circle.save()
    peer = personas.other_circle.lead
    (londoner,) = peers_add(personas, 1)
    with time_machine.travel(dt.datetime(2027, 1, 31, 20, tzinfo=dt.UTC), tick=False):
        for member, circle in ((peer, personas.other_circle), (londoner, personas.circle)):
            client.force_login(member.user)
            data = {**{k: str(v) for k, v in scores(4).items()}, "comment": ""}
            response = client.post(reverse("insights:pulse_answer", args=[circle.pk]), data)
            assert response.status_code == 302
    assert sorted(PulseAnswer.objects.values_list("circle__name", "period_start")) == [
        ("North", JAN),
        ("South", FEB),
    ]


# --- the notice that a period has opened ---------------------------------------------------------


def _pulse_notices() -> list[tuple[str, str]]:
    return sorted(
        Notice.objects.filter(kind=NoticeKind.PULSE_OPEN).values_list("member__user__email", "key")
    )


def test_each_member_is_told_once_per_period(personas):
    schedule_on(personas)
    north, south = personas.circle, personas.other_circle
    told = pulse_open_notify(now=NOW)
    assert told == 3  # North's lead and member, South's lead
    assert _pulse_notices() == [
        ("lead@example.org", f"pulse-open:{north.pk}:2027-03-01:{personas.members['lead'].pk}"),
        (
            "member@example.org",
            f"pulse-open:{north.pk}:2027-03-01:{personas.members['member'].pk}",
        ),
        ("peer@example.org", f"pulse-open:{south.pk}:2027-03-01:{south.lead_id}"),
    ]
    notice = Notice.objects.get(member=personas.members["member"])
    assert notice.url == reverse("insights:pulse_answer", args=[north.pk])
    assert notice.title == "North's pulse check is open until Sunday 28 March"
    # Every hour after: nobody twice.
    assert pulse_open_notify(now=NOW + dt.timedelta(hours=1)) == 0
    assert pulse_open_notify(now=NOW + dt.timedelta(days=5)) == 0
    # Someone who joins mid-period is told at the next run.
    (newcomer,) = peers_add(personas, 1)
    assert pulse_open_notify(now=NOW + dt.timedelta(days=6)) == 1
    assert Notice.objects.filter(member=newcomer, kind=NoticeKind.PULSE_OPEN).count() == 1
    # The next period tells everyone again.
    assert pulse_open_notify(now=dt.datetime(2027, 3, 29, 0, 30, tzinfo=dt.UTC)) == 4


def test_a_period_opens_on_monday_in_the_circle_s_time_zone(personas):
    schedule_on(personas)
    personas.other_circle.time_zone = "Pacific/Auckland"
    personas.other_circle.save()
    # Sunday 28 March, 12:00 UTC: Monday 29 March (a new period) in Auckland only.
    now = dt.datetime(2027, 3, 28, 12, tzinfo=dt.UTC)
    pulse_open_notify(now=now - dt.timedelta(days=1))
    assert pulse_open_notify(now=now) == 1
    assert Notice.objects.filter(key__contains=":2027-03-29:").count() == 1


def test_nobody_is_told_without_a_running_pulse_or_an_active_program(personas):
    assert pulse_open_notify(now=NOW) == 0
    schedule_on(personas)
    PulseSchedule.objects.update(active=False)
    assert pulse_open_notify(now=NOW) == 0
    PulseSchedule.objects.update(active=True)
    Program.objects.filter(pk=personas.program.pk).update(status=Program.Status.ENDED)
    assert pulse_open_notify(now=NOW) == 0
    assert not Notice.objects.exists()


def test_notify_asks_a_fixed_number_of_queries_before_it_sends(
    personas, django_assert_max_num_queries
):
    schedule_on(personas)
    pulse_open_notify(now=NOW)
    for i in range(5):
        circle_create(program=personas.program, name=f"Extra {i}", members=[])
    peers_add(personas, 3)
    pulse_open_notify(now=NOW)  # tells the three newcomers
    with django_assert_max_num_queries(4):
        assert pulse_open_notify(now=NOW) == 0


def test_the_hourly_task_is_a_periodic_task_and_tells_members(personas):
    assert pulse_open_notify_task in PERIODIC_TASKS
    schedule_on(personas)
    with time_machine.travel(NOW, tick=False):
        pulse_open_notify_task.enqueue()
    assert len(_pulse_notices()) == 3


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_start_periodic_tasks_queues_the_pulse_task_once(personas):
    out = StringIO()
    call_command("start_periodic_tasks", stdout=out)
    call_command("start_periodic_tasks", stdout=out)
    waiting = DBTaskResult.objects.filter(
        task_path=pulse_open_notify_task.module_path, status="READY"
    )
    assert waiting.count() == 1


def test_answering_touches_no_notice(personas):
    """Marking the pulse notice read on answering would put a time beside the answer."""
    schedule_on(personas)
    pulse_open_notify(now=NOW)
    before = list(Notice.objects.order_by("pk").values())
    answer(personas.circle, personas.members["member"], TODAY)
    assert list(Notice.objects.order_by("pk").values()) == before
