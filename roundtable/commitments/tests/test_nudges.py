"""Nudges (services/nudges.py, nudge_emails.py): a reminder at 09:00 on the owner's clock the day
before the due day and a nudge at 09:00 the day after it, planned by the worker, sent once
however often it ticks, moved with the date, never for what is done or dropped; or one email on
Monday at 08:00 for who chose it. The clock is frozen and walked forward tick by tick."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from roundtable.commitments.models import Activity, Commitment
from roundtable.commitments.services.commitments import (
    commitment_done,
    commitment_drop,
    commitment_move,
    commitment_take_on,
)
from roundtable.commitments.services.nudges import (
    SKIPPED_LATE,
    nudges_plan,
    nudges_weekly_plan,
)
from roundtable.meetings.management.commands.start_periodic_tasks import (
    periodic_tasks_of_other_apps,
)
from roundtable.notifications.models import Notification
from roundtable.notifications.registry import email_kind_registered
from roundtable.notifications.services import notification_preferences_set, notifications_send_due
from roundtable.orgs.services import member_update

UTC = dt.UTC
START = dt.datetime(2027, 3, 1, 10, tzinfo=UTC)  # Monday 1 March 2027
Kind = Notification.Kind


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _tick(clock: time_machine.Traveller, at: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """The worker at `at`, twice (two workers, or a tick run again): plan, then send what is
    due. Returns (when, subject) of each email it sent."""
    clock.move_to(at)
    before = len(mail.outbox)
    for worker in ("one", "two"):
        nudges_plan(now=at)
        nudges_weekly_plan(now=at)
        notifications_send_due(worker=worker, now=at)
    return [(at, str(message.subject)) for message in mail.outbox[before:]]


def _walk(clock, start: dt.datetime, end: dt.datetime, step=dt.timedelta(minutes=30)):
    """Every tick from `start` to `end`: the emails sent, with when."""
    sent = []
    at = start
    while at <= end:
        sent += _tick(clock, at)
        at += step
    return sent


def _owner(personas, zone: str):
    return member_update(member=personas.members["member"], time_zone=zone)


def _take_on(personas, owner, *, due_on: dt.date, due_time=dt.time(17), title="Call the renewals"):
    return commitment_take_on(
        circle=personas.circle, owner=owner, title=title, due_on=due_on, due_time=due_time
    )


def _kinds(commitment: Commitment) -> list[str]:
    return list(commitment.activity.values_list("kind", flat=True))


# Due on the day the clocks change; the reminder comes on the old offset, the nudge on the new.
DST_CASES = [
    # zone, due day, reminder (UTC), nudge (UTC)
    (
        "Europe/London",
        dt.date(2027, 3, 28),
        dt.datetime(2027, 3, 27, 9, tzinfo=UTC),  # Sat 09:00 GMT
        dt.datetime(2027, 3, 29, 8, tzinfo=UTC),  # Mon 09:00 BST
    ),
    (
        "America/New_York",
        dt.date(2027, 3, 14),
        dt.datetime(2027, 3, 13, 14, tzinfo=UTC),  # Sat 09:00 EST
        dt.datetime(2027, 3, 15, 13, tzinfo=UTC),  # Mon 09:00 EDT
    ),
    (
        "Australia/Sydney",
        dt.date(2027, 4, 4),
        dt.datetime(2027, 4, 2, 22, tzinfo=UTC),  # Sat 3 Apr 09:00 AEDT
        dt.datetime(2027, 4, 4, 23, tzinfo=UTC),  # Mon 5 Apr 09:00 AEST
    ),
]


@pytest.mark.parametrize(("zone", "due_on", "reminder", "nudge"), DST_CASES)
def test_reminder_and_nudge_come_once_each_at_nine_on_the_owners_clock_across_dst(
    personas, clock, zone, due_on, reminder, nudge
):
    owner = _owner(personas, zone)
    clock.move_to(reminder - dt.timedelta(days=3))
    commitment = _take_on(personas, owner, due_on=due_on)
    sent = _walk(clock, reminder - dt.timedelta(days=2), nudge + dt.timedelta(days=2))
    assert [when for when, _ in sent] == [reminder, nudge]
    assert [when.astimezone(ZoneInfo(zone)).hour for when, _ in sent] == [9, 9]
    assert sent[0][1] == f"Reminder: “Call the renewals” is due {due_on:%a %d %b} at 17:00"
    assert sent[1][1] == "How is “Call the renewals” going?"
    assert mail.outbox[0].to == [owner.user.email]
    assert f"by {due_on:%A} {due_on.day} {due_on:%B} at 17:00 ({zone} time)" in mail.outbox[0].body
    assert _kinds(commitment) == ["created", "reminded", "nudged"]
    entries = commitment.activity.filter(kind__in=["reminded", "nudged"])
    assert [entry.at for entry in entries] == [reminder, nudge]


def test_nothing_is_sent_for_a_commitment_done_or_dropped_through_its_services(personas, clock):
    owner = _owner(personas, "Europe/London")
    done = _take_on(personas, owner, due_on=dt.date(2027, 3, 5), title="Done early")
    dropped = _take_on(personas, owner, due_on=dt.date(2027, 3, 5), title="Dropped")
    assert Notification.objects.filter(sent_at__isnull=True).count() == 4  # planned at once
    commitment_done(commitment=done, member=owner, note="Sent on Tuesday")
    commitment_drop(commitment=dropped, member=owner, reason="The client left")
    assert not Notification.objects.filter(sent_at__isnull=True).exists()  # dropped with them
    assert _walk(clock, START, dt.datetime(2027, 3, 13, tzinfo=UTC), dt.timedelta(hours=1)) == []
    assert "reminded" not in _kinds(done) + _kinds(dropped)


def test_a_row_still_planned_for_a_done_commitment_is_skipped_with_its_reason(personas, clock):
    """Whatever path closed it without re-planning (or while a worker was sending), the email
    checks again when it is sent."""
    owner = _owner(personas, "Europe/London")
    commitment = _take_on(personas, owner, due_on=dt.date(2027, 3, 5))
    Commitment.objects.filter(pk=commitment.pk).update(status="done", done_at=START)
    assert _tick(clock, dt.datetime(2027, 3, 4, 9, tzinfo=UTC)) == []
    row = Notification.objects.get(kind=Kind.COMMITMENT_REMINDER)
    assert row.sent_at is not None
    assert row.skipped_reason == "The commitment was done before this was sent."
    assert "reminded" not in _kinds(commitment)


def test_moving_the_date_moves_the_reminder_and_the_nudge(personas, clock):
    owner = _owner(personas, "America/New_York")
    commitment = _take_on(personas, owner, due_on=dt.date(2027, 3, 5))
    nudges_plan()
    old_reminder = dt.datetime(2027, 3, 4, 14, tzinfo=UTC)  # Thu 09:00 EST
    assert [when for when, _ in _tick(clock, old_reminder)] == [old_reminder]
    commitment_move(
        commitment=commitment,
        member=owner,
        due_on=dt.date(2027, 3, 16),
        reason="Waiting on legal",
    )
    # The nudge for 5 March is gone; the new date gets its own reminder and nudge, on EDT.
    sent = _walk(clock, old_reminder, dt.datetime(2027, 3, 19, tzinfo=UTC))
    assert [when for when, _ in sent] == [
        dt.datetime(2027, 3, 15, 13, tzinfo=UTC),
        dt.datetime(2027, 3, 17, 13, tzinfo=UTC),
    ]
    assert "Mar 16" in sent[0][1] or "16 Mar" in sent[0][1]
    assert _kinds(commitment) == ["created", "reminded", "moved", "reminded", "nudged"]


def test_a_worker_that_sends_after_the_date_moved_skips_the_old_email(personas, clock):
    owner = _owner(personas, "Europe/London")
    commitment = _take_on(personas, owner, due_on=dt.date(2027, 3, 5))
    old = Notification.objects.get(kind=Kind.COMMITMENT_REMINDER)
    Notification.objects.filter(pk=old.pk).update(claimed_at=START, claimed_by="dead:1:x")
    commitment_move(
        commitment=commitment, member=owner, due_on=dt.date(2027, 3, 20), reason="Holiday"
    )
    # The claim of the dead worker expires and the old row is sent again: it no longer applies.
    _tick(clock, dt.datetime(2027, 3, 4, 9, tzinfo=UTC))
    old.refresh_from_db()
    assert old.skipped_reason == "The date moved before this was sent."
    assert mail.outbox == []


def test_a_date_set_after_its_reminder_time_gets_only_the_nudge(personas, clock):
    owner = _owner(personas, "Europe/London")
    clock.move_to(dt.datetime(2027, 3, 2, 12, tzinfo=UTC))  # Tuesday noon, due Wednesday
    commitment = _take_on(personas, owner, due_on=dt.date(2027, 3, 3))
    sent = _walk(
        clock, dt.datetime(2027, 3, 2, 12, tzinfo=UTC), dt.datetime(2027, 3, 5, tzinfo=UTC)
    )
    assert [when for when, _ in sent] == [dt.datetime(2027, 3, 4, 9, tzinfo=UTC)]
    reminder = Notification.objects.get(kind=Kind.COMMITMENT_REMINDER)
    assert reminder.skipped_reason == SKIPPED_LATE
    assert _kinds(commitment) == ["created", "nudged"]


def test_weekly_email_on_monday_morning_lists_what_is_due_and_overdue(personas, clock):
    owner = _owner(personas, "America/New_York")
    notification_preferences_set(
        member=owner, reminders=True, changes=True, wrapups=True, commitments="weekly"
    )
    clock.move_to(dt.datetime(2027, 3, 2, 15, tzinfo=UTC))  # Tuesday 2 March
    overdue = _take_on(personas, owner, due_on=dt.date(2027, 3, 4), title="Overdue by Monday")
    this_week = _take_on(personas, owner, due_on=dt.date(2027, 3, 11), title="Due this week")
    later = _take_on(personas, owner, due_on=dt.date(2027, 3, 24), title="Due in three weeks")
    done = _take_on(personas, owner, due_on=dt.date(2027, 3, 10), title="Done already")
    commitment_done(commitment=done, member=owner)
    # From Tuesday to the Tuesday after next: only the two Mondays, 08:00 in New York (EST,
    # then EDT after 14 March).
    sent = _walk(
        clock,
        dt.datetime(2027, 3, 2, 16, tzinfo=UTC),
        dt.datetime(2027, 3, 16, 16, tzinfo=UTC),
        dt.timedelta(hours=1),
    )
    assert [when for when, _ in sent] == [
        dt.datetime(2027, 3, 8, 13, tzinfo=UTC),
        dt.datetime(2027, 3, 15, 12, tzinfo=UTC),
    ]
    assert sent[0][1] == "Your commitments: 1 due this week and 1 overdue"
    first = mail.outbox[0].body
    assert "Overdue by Monday" in first
    assert "Due this week" in first
    assert "Due in three weeks" not in first
    assert "Done already" not in first
    assert first.count("/nudge/done/") == 2
    assert first.count("/nudge/new-date/") == 2
    # The second Monday: the first two are both overdue, the third not yet due that week.
    assert sent[1][1] == "Your commitments: 2 overdue"
    assert "Due in three weeks" not in mail.outbox[1].body
    skipped = Notification.objects.filter(kind=Kind.COMMITMENT_REMINDER, sent_at__isnull=False)
    assert set(skipped.values_list("skipped_reason", flat=True)) == {
        "Kept for the member's weekly email."
    }
    assert _kinds(this_week) == ["created", "reminded", "nudged"]
    assert _kinds(overdue) == ["created", "nudged", "nudged"]
    assert _kinds(later) == ["created"]


def test_going_back_to_each_email_skips_the_planned_weekly_one(personas, clock):
    owner = _owner(personas, "Europe/London")
    notification_preferences_set(
        member=owner, reminders=True, changes=True, wrapups=True, commitments="weekly"
    )
    _take_on(personas, owner, due_on=dt.date(2027, 3, 10))
    assert nudges_weekly_plan() == 1
    assert nudges_weekly_plan() == 0
    notification_preferences_set(
        member=owner, reminders=True, changes=True, wrapups=True, commitments="each"
    )
    sent = _walk(
        clock, dt.datetime(2027, 3, 8, 7, tzinfo=UTC), dt.datetime(2027, 3, 9, 10, tzinfo=UTC)
    )
    assert [when for when, _ in sent] == [dt.datetime(2027, 3, 9, 9, tzinfo=UTC)]  # reminder
    weekly = Notification.objects.get(kind=Kind.COMMITMENT_WEEKLY)
    assert weekly.skipped_reason == "The member went back to each email."


def test_commitments_hands_notifications_its_renderers_when_the_app_loads():
    for kind in (Kind.COMMITMENT_REMINDER, Kind.COMMITMENT_NUDGE, Kind.COMMITMENT_WEEKLY):
        registered = email_kind_registered(kind)
        assert registered is not None
        assert registered.render.__module__ == "roundtable.commitments.services.nudge_emails"


def test_the_worker_plans_nudges_periodically():
    names = {periodic.name for periodic in periodic_tasks_of_other_apps()}
    assert "nudges_plan_task" in names


def test_no_one_else_is_reminded_of_a_commitment(personas, clock):
    owner = _owner(personas, "Europe/London")
    _take_on(personas, owner, due_on=dt.date(2027, 3, 10))
    _walk(clock, START, dt.datetime(2027, 3, 12, tzinfo=UTC), dt.timedelta(hours=1))
    assert {tuple(message.to) for message in mail.outbox} == {(owner.user.email,)}
    assert len(mail.outbox) == 2
    assert not Activity.objects.filter(kind="reminded").exclude(commitment__owner=owner).exists()
