"""Emails another app renders (registry.py): their rows name a subject generically and keep to
their shape in the database; the worker sends them once with the registered renderer, keeps the
renderer's reason when one no longer applies, and records the registered "sent" step once, with
the row's mark, never for a row another worker took over. Plus the member's choice of each
commitment email or one weekly email on the profile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse

from roundtable.meetings.tests.conftest import meeting, meetings
from roundtable.notifications import registry, services
from roundtable.notifications.models import Notification, NotificationPreference
from roundtable.notifications.registry import email_kind_register
from roundtable.notifications.services import notifications_send_due
from roundtable.orgs.models import Member

__all__ = ["meeting", "meetings"]  # the meetings tests' fixtures

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
Kind = Notification.Kind


def _subject_row(member: Member, **fields: object) -> Notification:
    return Notification.objects.create(
        **{
            "kind": Kind.COMMITMENT_REMINDER,
            "member": member,
            "subject_type": ContentType.objects.get_for_model(Member),
            "subject_id": member.pk,
            "subject_due_at": NOW + dt.timedelta(days=1),
            "due_at": NOW,
            **fields,
        }
    )


def _refused(**fields: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(due_at=NOW, **fields)


def test_each_kind_keeps_its_shape_in_the_database(personas, meeting):
    member = personas.members["member"]
    subject = {
        "subject_type": ContentType.objects.get_for_model(Member),
        "subject_id": member.pk,
        "subject_due_at": NOW,
    }
    _refused(kind=Kind.COMMITMENT_REMINDER, member=member)  # no subject
    _refused(kind=Kind.COMMITMENT_NUDGE, **subject)  # no one to send it to
    _refused(kind=Kind.REMINDER, meeting=meeting, member=member, **subject)  # a meeting's
    _refused(kind=Kind.COMMITMENT_WEEKLY, member=member)  # no week
    _refused(kind=Kind.COMMITMENT_WEEKLY, member=member, digest_on=NOW.date(), **subject)
    assert not Notification.objects.exists()
    _subject_row(member)
    Notification.objects.create(
        kind=Kind.COMMITMENT_WEEKLY, member=member, digest_on=NOW.date(), due_at=NOW
    )
    assert Notification.objects.count() == 2


def test_one_email_per_subject_date_and_person(personas):
    member = personas.members["member"]
    _subject_row(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        _subject_row(member)
    _subject_row(member, subject_due_at=NOW + dt.timedelta(days=2))  # a new date: a new email
    _subject_row(member, kind=Kind.COMMITMENT_NUDGE)
    _subject_row(personas.members["lead"])  # someone else (a new owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    kind=Kind.COMMITMENT_WEEKLY, member=member, digest_on=NOW.date(), due_at=NOW
                )
                for _ in range(2)
            ]
        )
    assert Notification.objects.count() == 4


@pytest.fixture
def recorded(monkeypatch):
    """The three kinds rendered by a stand-in app that records what it was asked."""
    monkeypatch.setattr(registry, "_registered", {})
    calls: list[tuple[str, int]] = []

    def render(notification, now):
        calls.append(("render", notification.pk))
        if notification.subject_due_at and notification.subject_due_at < now:
            return "Its date has passed."
        return EmailMessage(subject="About your subject", body="Hello", to=["x@example.org"])

    def sent(notification, now):
        calls.append(("sent", notification.pk))

    for kind in registry.REGISTERED_KINDS:
        email_kind_register(kind, render=render, sent=sent)
    return calls


def test_a_registered_kind_is_rendered_sent_once_and_recorded_once(personas, recorded):
    row = _subject_row(personas.members["member"])
    for worker in ("one", "two", "one"):
        notifications_send_due(worker=worker, now=NOW)
    assert [message.subject for message in mail.outbox] == ["About your subject"]
    assert recorded == [("render", row.pk), ("sent", row.pk)]
    row.refresh_from_db()
    assert (row.sent_at, row.skipped_reason) == (NOW, "")


def test_the_renderers_reason_is_kept_when_an_email_no_longer_applies(personas, recorded):
    row = _subject_row(personas.members["member"], subject_due_at=NOW - dt.timedelta(hours=1))
    notifications_send_due(now=NOW)
    row.refresh_from_db()
    assert row.skipped_reason == "Its date has passed."
    assert mail.outbox == []
    assert recorded == [("render", row.pk)]  # nothing sent, nothing recorded


def test_a_worker_whose_claim_was_taken_over_records_nothing(personas, recorded, monkeypatch):
    row = _subject_row(personas.members["member"])
    real_send = services._send

    def slow_send(message, *, notification, connection):
        real_send(message, notification=notification, connection=connection)
        # Meanwhile another worker took the row over (this one was too slow).
        Notification.objects.filter(pk=notification.pk).update(claimed_by="other")

    monkeypatch.setattr(services, "_send", slow_send)
    notifications_send_due(worker="slow", now=NOW)
    assert recorded == [("render", row.pk)]
    row.refresh_from_db()
    assert row.sent_at is None  # left to the worker that holds it


def test_a_kind_no_app_registered_is_skipped_with_a_reason(personas, monkeypatch):
    monkeypatch.setattr(registry, "_registered", {})
    row = _subject_row(personas.members["member"])
    notifications_send_due(now=NOW)
    row.refresh_from_db()
    assert row.skipped_reason == "No app renders this kind of email."
    assert mail.outbox == []


def test_only_a_notification_kind_can_be_registered():
    with pytest.raises(ValueError, match="Not a notification kind"):
        email_kind_register("fax", render=lambda n, now: "", sent=lambda n, now: None)


# --- the member's choice -------------------------------------------------------------------


def test_the_weekly_choice_on_the_profile(client, personas):
    client.force_login(personas.member)
    page = client.get(reverse("orgs:profile")).content.decode()
    assert "Reminders and nudges about my commitments" in page
    assert '<option value="weekly">' in page
    response = client.post(reverse("notifications:preferences"), {"commitments": "weekly"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(member=personas.members["member"])
    assert pref.commitments == "weekly"
    assert (
        '<option value="weekly" selected>' in client.get(reverse("orgs:profile")).content.decode()
    )
    client.post(reverse("notifications:preferences"), {"reminders": "on"})  # left out: kept
    pref.refresh_from_db()
    assert (pref.commitments, pref.reminders) == ("weekly", True)
    client.post(reverse("notifications:preferences"), {"commitments": "hourly"})
    pref.refresh_from_db()
    assert pref.commitments == "weekly"


def test_the_database_refuses_a_choice_not_on_the_list(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreference.objects.create(
            member=personas.members["member"], commitments="hourly"
        )
