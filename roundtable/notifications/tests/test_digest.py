"""The morning digest of notices (digest.py, through the Notification rows of services.py): at
08:00 in each member's time zone, once a day, only the kinds they get by email, never the same
notice twice, and neither lost nor doubled when a worker dies in the middle."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.notifications.digest import notice_digests_plan
from roundtable.notifications.models import Notice, NoticeKind, Notification
from roundtable.notifications.notices import notice_preferences_set, notice_send
from roundtable.notifications.services import (
    _claim,
    notification_deliver,
    notifications_send_due,
)
from roundtable.notifications.tasks import notifications_tick_task
from roundtable.orgs.services import member_update

# Monday 1 March 2027, 10:00 UTC: 10:00 in London, 05:00 in New York, 21:00 in Sydney.
NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)


def _tell(member, title="Your idea was critiqued", kind=NoticeKind.IDEA_CRITIQUED, **kwargs):
    notice = notice_send(member=member, kind=kind, title=title, url="/programs/", **kwargs)
    assert notice is not None
    return notice


def test_one_digest_at_eight_in_each_members_time_zone(personas, frozen_clock):
    zones = {"member": "Europe/London", "lead": "America/New_York", "admin": "Australia/Sydney"}
    for name, zone in zones.items():
        member_update(member=personas.members[name], time_zone=zone)
        _tell(personas.members[name], title=f"For {name}")
    # A worker ticking every 15 minutes for 26 hours: when does each email go out?
    sent_at: dict[str, list[dt.datetime]] = {}
    now = NOW
    while now < NOW + dt.timedelta(hours=26):
        frozen_clock.move_to(now)
        before = len(mail.outbox)
        notice_digests_plan()
        notifications_send_due()
        for message in mail.outbox[before:]:
            sent_at.setdefault(message.to[0].split("@")[0], []).append(now)
        now += dt.timedelta(minutes=15)
    assert sent_at == {
        "admin": [dt.datetime(2027, 3, 1, 21, tzinfo=dt.UTC)],  # 08:00 AEDT on the 2nd
        "lead": [dt.datetime(2027, 3, 1, 13, tzinfo=dt.UTC)],  # 08:00 EST on the 1st
        "member": [dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC)],  # 08:00 GMT on the 2nd
    }
    assert Notification.objects.filter(kind="digest").count() == 3


def test_across_a_daylight_saving_change_it_still_comes_at_eight(personas, frozen_clock):
    member = member_update(member=personas.members["member"], time_zone="America/New_York")
    frozen_clock.move_to(dt.datetime(2027, 3, 14, 3, tzinfo=dt.UTC))  # Saturday night, EST
    _tell(member)
    notice_digests_plan()
    row = Notification.objects.get(kind="digest")
    # Clocks went forward at 02:00 on Sunday the 14th: 08:00 EDT is 12:00 UTC.
    assert (row.digest_on, row.due_at) == (
        dt.date(2027, 3, 14),
        dt.datetime(2027, 3, 14, 12, tzinfo=dt.UTC),
    )


def test_the_digest_lists_title_link_and_date(personas, frozen_clock):
    member = personas.members["member"]
    notice = _tell(member, title="Your idea “Stand-up at 9” was critiqued")
    _tell(member, title="Hidden one", kind=NoticeKind.CONTRIBUTION_HIDDEN, exact_time=False)
    notice_digests_plan()
    notifications_send_due(now=dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC))
    (email,) = mail.outbox
    assert email.subject == "Roundtable: 2 new notices"
    assert "- Your idea “Stand-up at 9” was critiqued (Mon 1 Mar)" in email.body
    assert f"http://127.0.0.1:8000/notices/{notice.pk}/" in email.body
    assert "- Hidden one (Mon 1 Mar)" in email.body
    assert isinstance(email, EmailMultiAlternatives)
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="http://127.0.0.1:8000/notices/{notice.pk}/">' in str(html)
    assert "Stand-up at 9" in str(html)
    assert set(Notice.objects.values_list("digested_on", flat=True)) == {dt.date(2027, 3, 2)}


def test_kinds_kept_to_the_app_or_turned_off_never_come_by_email(personas):
    member = personas.members["member"]
    notice_preferences_set(
        member=member,
        deliveries={NoticeKind.IDEA_CRITIQUED: "app", NoticeKind.IDEA_REVISED: "off"},
    )
    _tell(member, title="App only")
    assert notice_send(member=member, kind="idea_revised", title="Off", url="/") is None
    assert notice_digests_plan() == 0
    _tell(member, title="By email", kind=NoticeKind.IDEA_DECIDED)
    assert notice_digests_plan() == 1
    # Switched to app-only after the digest was planned: left out at sending, so nothing goes.
    notice_preferences_set(member=member, deliveries={NoticeKind.IDEA_DECIDED: "app"})
    notifications_send_due(now=dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC))
    assert mail.outbox == []
    row = Notification.objects.get(kind="digest")
    assert "Nothing left" in row.skipped_reason


def test_digested_or_read_notices_are_not_repeated(personas, frozen_clock):
    member = personas.members["member"]
    _tell(member, title="First")
    read = _tell(member, title="Read in the app")
    Notice.objects.filter(pk=read.pk).update(read_at=timezone.now())
    notice_digests_plan()
    frozen_clock.move_to(dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC))
    notifications_send_due()
    frozen_clock.move_to(dt.datetime(2027, 3, 2, 9, tzinfo=dt.UTC))
    _tell(member, title="Second")
    for hours in (0, 6, 14):  # planned again and again through the day: one row
        frozen_clock.move_to(dt.datetime(2027, 3, 2, 9 + hours, tzinfo=dt.UTC))
        notice_digests_plan()
        notifications_send_due()
    frozen_clock.move_to(dt.datetime(2027, 3, 3, 8, tzinfo=dt.UTC))
    notice_digests_plan()
    notifications_send_due()
    first, second = mail.outbox
    assert "First" in first.body
    assert "Read in the app" not in first.body
    assert "Second" not in first.body
    assert "Second" in second.body
    assert "First" not in second.body
    assert notice_digests_plan() == 0


def test_nothing_unread_by_eight_sends_nothing(personas):
    member = personas.members["member"]
    _tell(member)
    notice_digests_plan()
    Notice.objects.update(read_at=timezone.now())
    notifications_send_due(now=dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC))
    assert mail.outbox == []


def test_an_inactive_member_gets_no_digest(personas):
    member = personas.members["member"]
    _tell(member)
    lead = personas.members["lead"]
    _tell(lead)
    member_update(member=member, is_active=False)
    assert notice_digests_plan() == 1  # the lead's only
    member_update(member=lead, is_active=False)  # deactivated after planning
    notifications_send_due(now=dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC))
    assert mail.outbox == []


def test_one_digest_a_day_per_member_in_the_database_too(personas):
    member = personas.members["member"]
    fields = {
        "kind": "digest",
        "member": member,
        "digest_on": dt.date(2027, 3, 2),
        "due_at": NOW,
    }
    Notification.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**fields)


class Killed(BaseException):
    """What SIGKILL does to a worker: it stops where it is, nothing after it runs."""


def test_a_worker_killed_before_sending_loses_nothing(personas):
    member = personas.members["member"]
    _tell(member, title="Kept")
    notice_digests_plan()
    eight = dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC)
    with (
        mock.patch.object(EmailMultiAlternatives, "send", side_effect=Killed),
        pytest.raises(Killed),
    ):
        notifications_send_due(worker="dead", now=eight)  # the notices are marked, not sent
    _tell(member, title="Came later")
    assert notifications_send_due(worker="alive", now=eight + dt.timedelta(seconds=41)) == 1
    (email,) = mail.outbox
    assert "Kept" in email.body
    assert "Came later" not in email.body  # it waits for tomorrow's digest...
    assert notice_digests_plan(now=eight + dt.timedelta(minutes=1)) == 1
    tomorrow = Notification.objects.filter(kind="digest", sent_at__isnull=True).get()
    assert tomorrow.digest_on == dt.date(2027, 3, 3)  # ...which is planned


def test_a_worker_killed_after_sending_is_resent_the_same(personas):
    member = personas.members["member"]
    _tell(member, title="Kept")
    notice_digests_plan()
    eight = dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC)
    row = Notification.objects.get(kind="digest")
    # Worker "dead" claimed the row and sent it, then was killed before marking it.
    assert _claim(row.pk, worker="dead", now=eight)
    notification_deliver(notification=row, now=eight)
    _tell(member, title="Came later")
    assert notifications_send_due(worker="alive", now=eight + dt.timedelta(seconds=10)) == 0
    assert notifications_send_due(worker="alive", now=eight + dt.timedelta(seconds=41)) == 1
    first, resent = mail.outbox
    # The same email, so mail clients show it once.
    assert first.body == resent.body
    assert first.message()["Message-ID"] == resent.message()["Message-ID"]
    assert notifications_send_due(worker="alive", now=eight + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 2


def test_planning_costs_the_same_queries_however_many_members_wait(personas):
    _tell(personas.members["member"])
    with CaptureQueriesContext(connection) as small:
        assert notice_digests_plan() == 1
    for name in ("admin", "coordinator", "sponsor", "lead", "outsider"):
        for i in range(3):
            _tell(personas.members[name], title=f"{i}")
    with CaptureQueriesContext(connection) as big:
        assert notice_digests_plan() == 5
    assert len(big) == len(small)
    with CaptureQueriesContext(connection) as idle:
        assert notice_digests_plan() == 0
    assert len(idle) == 1  # nothing new to plan: one query


def test_the_tick_plans_and_sends_the_digest(personas, frozen_clock):
    _tell(personas.members["member"])
    notifications_tick_task.enqueue()
    assert Notification.objects.filter(kind="digest").count() == 1
    frozen_clock.move_to(dt.datetime(2027, 3, 2, 8, tzinfo=dt.UTC))
    assert notifications_tick_task.enqueue().return_value == 1
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
