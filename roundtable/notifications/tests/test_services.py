"""Reminders, change notices and wrap-ups: planned once, sent exactly once, retried on failure,
written in the recipient's time zone, with one-click RSVP links and an .ics attachment."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.circles.services import circle_update
from roundtable.meetings import services as meetings
from roundtable.meetings.tests.daylight_saving import DST_CASES, SERIES_STARTS_ON
from roundtable.meetings.tests.helpers import newcomer
from roundtable.notifications.models import Notification
from roundtable.notifications.services import (
    _claim,
    notification_deliver,
    notification_preferences_set,
    notifications_plan,
    notifications_send_due,
    worker_name,
)
from roundtable.notifications.tasks import notifications_tick_task
from roundtable.orgs.services import member_update


@pytest.fixture
def meeting(personas):
    meetings.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=(timezone.localdate() + dt.timedelta(days=2)).weekday(),
        start_time=dt.time(9),
        starts_on=timezone.localdate(),
    )
    return personas.circle.meetings.order_by("starts_at").first()


def _reminder_time(meeting):
    return meeting.starts_at - dt.timedelta(hours=23)


def test_plan_is_idempotent_and_covers_members_and_the_lead(personas, meeting):
    # One meeting in the coming eight days: two reminders and the lead's wrap-up.
    assert notifications_plan() == 3
    assert notifications_plan() == 0
    assert Notification.objects.count() == 3
    reminders = Notification.objects.filter(meeting=meeting, kind="reminder")
    assert {n.member_id for n in reminders} == {
        personas.members["lead"].pk,
        personas.members["member"].pk,
    }
    assert reminders.earliest("due_at").due_at == meeting.starts_at - dt.timedelta(hours=24)
    assert Notification.objects.get(meeting=meeting, kind="wrapup").member == personas.circle.lead


def test_each_reminder_is_sent_exactly_once_in_the_recipients_time_zone(personas, meeting):
    member_update(member=personas.members["member"], time_zone="America/New_York")
    meetings.agenda_item_add(meeting=meeting, member=personas.members["lead"], title="Spare parts")
    notifications_plan(now=timezone.now())
    when = _reminder_time(meeting)
    assert notifications_send_due(worker="a", now=when) == 2
    assert notifications_send_due(worker="b", now=when) == 0
    assert len(mail.outbox) == 2
    email = next(m for m in mail.outbox if m.to == ["member@example.org"])
    local = meeting.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert f"at {local:%H:%M}-" in email.body
    assert "America/New_York time" in email.body
    assert "Spare parts" in email.body
    assert re.search(r"Yes: http\S+/rsvp/\S+/", str(email.body))
    name, content, mimetype = email.attachments[0]
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    text = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in text


def test_two_workers_cannot_both_claim_a_row(personas, meeting):
    notifications_plan(now=timezone.now())
    row = Notification.objects.filter(kind="reminder").earliest("due_at")
    when = _reminder_time(meeting)
    assert _claim(row.pk, worker="a", now=when) is True
    assert _claim(row.pk, worker="b", now=when + dt.timedelta(seconds=39)) is False
    # A claim left by a worker that died is taken over after the timeout (40 s).
    assert _claim(row.pk, worker="b", now=when + dt.timedelta(seconds=41)) is True


def test_a_failed_send_is_retried_later_and_not_doubled(personas, meeting):
    notifications_plan(now=timezone.now())
    when = _reminder_time(meeting)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        assert notifications_send_due(worker="a", now=when) == 0
    failed = Notification.objects.filter(kind="reminder", sent_at__isnull=True)
    assert failed.count() == 2
    assert all(n.attempts == 1 and "SMTP down" in n.last_error for n in failed)
    assert notifications_send_due(worker="a", now=when) == 0  # backing off
    assert notifications_send_due(worker="a", now=when + dt.timedelta(minutes=3)) == 2
    assert notifications_send_due(worker="a", now=when + dt.timedelta(minutes=9)) == 0
    assert len(mail.outbox) == 2


def _message_id(email) -> str:
    return str(email.message()["Message-ID"])


def test_a_worker_whose_claim_was_taken_over_cannot_mark_the_row(personas, meeting):
    notifications_plan(now=timezone.now())
    when = _reminder_time(meeting)
    slow = Notification.objects.filter(kind="reminder").earliest("pk")
    slow_to = slow.member.user.email if slow.member else ""
    real_send = EmailMultiAlternatives.send

    def send_slowly(message, *args, **kwargs):
        # While worker "a" is stuck on this send, its claim goes stale and "b" takes it over.
        if message.to == [slow_to]:
            assert _claim(slow.pk, worker="b", now=when + dt.timedelta(seconds=41))
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", send_slowly):
        notifications_send_due(worker="a", now=when)
    slow.refresh_from_db()
    assert (slow.sent_at, slow.claimed_by) == (None, "b")  # "a" sent, but may not mark it
    assert Notification.objects.filter(kind="reminder", sent_at=when).count() == 1


def test_the_resend_after_a_worker_died_mid_send_has_the_same_message_id(personas, meeting):
    notifications_plan(now=timezone.now())
    when = _reminder_time(meeting)
    rows = list(Notification.objects.filter(kind="reminder").order_by("pk"))
    # Worker "dead" claimed the first row and sent it, then was killed before marking it.
    assert _claim(rows[0].pk, worker="dead", now=when)
    notification_deliver(notification=rows[0], now=when)
    assert notifications_send_due(worker="alive", now=when) == 1  # the other row only
    assert notifications_send_due(worker="alive", now=when + dt.timedelta(seconds=41)) == 1
    first, other, resent = mail.outbox
    assert first.to == resent.to
    assert _message_id(first) == _message_id(resent)
    assert _message_id(first) != _message_id(other)
    assert _message_id(first).endswith("@127.0.0.1>")  # the host of SITE_URL


def _dead_pid() -> int:
    process = subprocess.Popen(["/bin/true"])  # a process that has ended
    process.wait()
    return process.pid


def test_claims_of_a_killed_worker_on_this_host_are_taken_over_at_once(personas, meeting):
    notifications_plan(now=timezone.now())
    when = _reminder_time(meeting)
    dead, alive = Notification.objects.filter(kind="reminder").order_by("pk")
    host = worker_name().split(":")[0]
    assert _claim(dead.pk, worker=f"{host}:{_dead_pid()}:0a1b2c3d", now=when)
    assert _claim(alive.pk, worker=f"{host}:{os.getpid()}:0a1b2c3d", now=when)
    # One second later, long before CLAIM_TIMEOUT: the dead worker's row goes out again.
    assert notifications_send_due(worker="b", now=when + dt.timedelta(seconds=1)) == 1
    assert [m.to for m in mail.outbox] == [[dead.member.user.email if dead.member else ""]]
    alive.refresh_from_db()
    assert alive.sent_at is None  # still with its live worker


def test_with_a_time_budget_a_worker_sends_batch_after_batch(personas, meeting):
    notifications_plan(now=timezone.now())
    when = _reminder_time(meeting)
    assert notifications_send_due(worker="a", now=when, limit=1) == 1
    Notification.objects.update(sent_at=None, claimed_at=None, claimed_by="")
    assert notifications_send_due(worker="a", now=when, limit=1, seconds=30) == 2


def test_a_failed_attempt_and_its_retry_share_the_message_id(personas, meeting):
    notifications_plan(now=timezone.now())
    when = _reminder_time(meeting)
    attempts: list[tuple[str, str]] = []
    real_send = EmailMultiAlternatives.send

    def flaky(message, *args, **kwargs):
        attempts.append((message.to[0], _message_id(message)))
        if len(attempts) == 1:
            raise OSError("connection reset during DATA")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", flaky):
        notifications_send_due(worker="a", now=when, limit=1)
        notifications_send_due(worker="a", now=when + dt.timedelta(minutes=3))
    failed_to = attempts[0][0]
    ids = [message_id for to, message_id in attempts if to == failed_to]
    assert len(ids) == 2
    assert ids[0] == ids[1]


def test_members_can_turn_reminders_off(personas, meeting):
    notification_preferences_set(
        member=personas.members["member"], reminders=False, changes=True, wrapups=True
    )
    notifications_plan(now=timezone.now())
    notifications_send_due(now=_reminder_time(meeting))
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    skipped = Notification.objects.get(member=personas.members["member"], kind="reminder")
    assert skipped.sent_at is not None
    assert "Turned off" in skipped.skipped_reason


def test_change_notice_after_a_reminder_went_out(personas, meeting):
    notifications_plan(now=timezone.now())
    notifications_send_due(now=_reminder_time(meeting))
    mail.outbox.clear()
    meetings.meeting_move(
        meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(hours=2), reason="Room taken"
    )
    notifications_send_due()
    assert len(mail.outbox) == 2
    assert "moved" in mail.outbox[0].subject
    assert "Room taken" in mail.outbox[0].body
    # The lead's wrap-up follows the meeting.
    wrapup = Notification.objects.get(meeting=meeting, kind="wrapup")
    assert wrapup.due_at == meeting.ends_at + dt.timedelta(minutes=15)


def test_cancelling_before_the_reminder_sends_nothing(personas, meeting):
    notifications_plan(now=timezone.now())
    meetings.meeting_cancel(meeting=meeting, reason="Offsite")
    notifications_send_due(now=_reminder_time(meeting))
    assert mail.outbox == []


def test_wrapup_goes_to_the_lead_after_the_meeting(personas, meeting):
    notifications_plan(now=timezone.now())
    notifications_send_due(now=meeting.ends_at + dt.timedelta(minutes=16))
    wrapups = [m for m in mail.outbox if "attendance and notes" in m.subject]
    assert [m.to for m in wrapups] == [["lead@example.org"]]


def test_the_tick_task_plans_and_sends(personas, meeting, frozen_clock):
    result = notifications_tick_task.enqueue()
    assert result.return_value == 0  # planned, but nothing is due yet
    assert Notification.objects.filter(meeting=meeting).count() == 3
    frozen_clock.move_to(_reminder_time(meeting))
    assert notifications_tick_task.enqueue().return_value == 2


def test_plan_adds_only_what_is_new(personas, meeting):
    assert notifications_plan() == 3
    joined = newcomer(personas.circle)
    member_update(member=personas.members["member"], is_active=False)
    assert notifications_plan() == 1
    assert set(
        Notification.objects.filter(kind="reminder").values_list("member__user__email", flat=True)
    ) == {"lead@example.org", "member@example.org", joined.user.email}


def test_planning_costs_the_same_queries_however_many_meetings_and_members(personas, meeting):
    with CaptureQueriesContext(connection) as small:
        notifications_plan()
    for _ in range(4):
        newcomer(personas.circle)
    meetings.schedule_set(
        circle=personas.other_circle,
        frequency="weekly",
        weekday=2,
        start_time=dt.time(11),
        starts_on=timezone.localdate(),
    )
    with CaptureQueriesContext(connection) as big:
        assert notifications_plan() == 4 + 2  # the newcomers, and the other circle's peer + lead
    assert len(big) == len(small)


@pytest.mark.parametrize("zone", sorted(DST_CASES))
def test_the_reminder_comes_a_day_ahead_and_says_nine_across_daylight_saving(
    personas, zone, frozen_clock
):
    circle = circle_update(circle=personas.circle, time_zone=zone)
    member_update(member=personas.members["member"], time_zone=zone)
    frozen_clock.move_to(dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC))
    meetings.schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=SERIES_STARTS_ON,
    )
    _, after = DST_CASES[zone]
    meeting = circle.meetings.get(starts_at=after)
    frozen_clock.move_to(after - dt.timedelta(days=3))
    notifications_plan()
    reminder = Notification.objects.get(
        meeting=meeting, kind="reminder", member__user__email="member@example.org"
    )
    assert reminder.due_at == after - dt.timedelta(hours=24)
    assert notifications_send_due(now=reminder.due_at - dt.timedelta(minutes=1)) == 0
    notifications_send_due(now=reminder.due_at)
    email = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert "at 09:00-10:00" in email.body
    assert "09:00" in email.subject


def test_a_restored_meeting_gets_back_its_reminders_and_the_notice_says_it_changed(
    personas, meeting
):
    """Cancelled before the reminders went out, then restored: everyone is reminded after all;
    cancelled after them, then restored: those reminded hear it changed (it did not move)."""
    notifications_plan(now=timezone.now())
    meetings.meeting_cancel(meeting=meeting, reason="Office closed")
    meetings.meeting_restore(meeting=meeting, reason="Office open after all")
    notifications_send_due(now=_reminder_time(meeting))
    reminded = sorted(m.to[0] for m in mail.outbox)
    assert reminded == ["lead@example.org", "member@example.org"]

    mail.outbox.clear()
    meetings.meeting_cancel(meeting=meeting, reason="Office closed")
    meetings.meeting_restore(meeting=meeting, reason="Office open after all")
    notifications_send_due(now=_reminder_time(meeting) + dt.timedelta(minutes=1))
    # The cancellation notice, overtaken before it went out, is not sent: only where it stands.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("lead@example.org", f"{meeting.circle.name}: meeting changed"),
        ("member@example.org", f"{meeting.circle.name}: meeting changed"),
    ]
    restored = [m for m in mail.outbox if m.subject.endswith("changed")]
    assert "has changed" in restored[0].body
    assert "Office open after all" in restored[0].body
