"""The one-click links of nudge emails (views/nudges.py): no sign-in needed, opening one only
shows the commitment and a form, the page's POST acts (done with an optional note, or a new
date with a reason), and a tampered, expired, other purpose's or other person's link, or one for
a commitment no longer open, is refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from roundtable.commitments.models import Commitment
from roundtable.commitments.services.commitments import commitment_done, commitment_take_on
from roundtable.commitments.services.nudges import nudge_token
from roundtable.notifications.models import Notification
from roundtable.notifications.services import notifications_send_due
from roundtable.orgs.services import member_update

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)  # Monday 1 March 2027, London (GMT)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def commitment(personas, clock) -> Commitment:
    return commitment_take_on(
        circle=personas.circle,
        owner=personas.members["member"],
        title="Call the renewals",
        due_on=dt.date(2027, 3, 5),
        due_time=dt.time(17),
    )


def _link(commitment, member, purpose):
    token = nudge_token(commitment=commitment, member=member, purpose=purpose)
    return reverse(f"commitments:nudge_{purpose}", args=[token])


def _unchanged(commitment: Commitment) -> None:
    before = commitment.due_at
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.OPEN
    assert commitment.due_at == before
    assert list(commitment.activity.values_list("kind", flat=True)) == ["created"]


def test_the_done_link_shows_first_and_its_button_marks_it_done(client, personas, commitment):
    link = _link(commitment, personas.members["member"], "done")
    for method in (client.get, client.head):  # what a link scanner in a mail gateway does
        assert method(link).status_code == 200
    _unchanged(commitment)
    page = client.get(link).content.decode()
    assert "Is it done, Member?" in page
    assert "Call the renewals" in page
    assert "due Friday 5 March, 17:00 (Europe/London time)" in page
    assert f'<form method="post" action="{link}">' in page
    response = client.post(link, {"note": "All twelve called", "link": ""})
    assert response.status_code == 200
    assert "Done. Thank you, Member!" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DONE
    assert commitment.done_note == "All twelve called"
    assert list(commitment.activity.values_list("kind", "actor_id")) == [
        ("created", personas.members["member"].pk),
        ("done", personas.members["member"].pk),
    ]
    # Its reminder and nudge are dropped with it.
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_new_date_link_renegotiates_with_a_reason(client, personas, commitment):
    link = _link(commitment, personas.members["member"], "move")
    assert "When can you have it done?" in client.get(link).content.decode()
    response = client.post(
        link, {"due_on": "2027-03-12", "due_time": "10:00", "reason": "Waiting on legal"}
    )
    assert response.status_code == 200
    assert "now due Friday 12 March, 10:00 (Europe/London time)" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.due_at == dt.datetime(2027, 3, 12, 10, tzinfo=dt.UTC)
    change = commitment.date_changes.last()
    assert change is not None
    assert change.reason == "Waiting on legal"
    # The reminder follows: 09:00 on Thursday 11 March.
    reminder = Notification.objects.get(kind="commitment_reminder", sent_at__isnull=True)
    assert reminder.due_at == dt.datetime(2027, 3, 11, 9, tzinfo=dt.UTC)


def test_a_new_date_without_a_reason_or_in_the_past_changes_nothing(client, personas, commitment):
    link = _link(commitment, personas.members["member"], "move")
    response = client.post(link, {"due_on": "2027-03-12", "due_time": "10:00", "reason": ""})
    assert response.status_code == 400
    response = client.post(link, {"due_on": "2027-02-12", "due_time": "10:00", "reason": "Oops"})
    assert response.status_code == 400
    assert "Choose a date and time still to come." in response.content.decode()
    _unchanged(commitment)


def _refused(client, link, method="get", data=None) -> str:
    response = getattr(client, method)(link, data or {})
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link no longer works" in page
    assert "Nothing was changed." in page
    return page


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused(client, personas, commitment, method):
    link = _link(commitment, personas.members["member"], "done")
    page = _refused(client, link[:-4] + "xyz/", method)
    assert "not valid or has expired" in page
    _unchanged(commitment)


def test_an_expired_link_is_refused(client, personas, commitment, clock):
    link = _link(commitment, personas.members["member"], "done")
    clock.move_to(NOW + dt.timedelta(days=14, minutes=1))
    assert "not valid or has expired" in _refused(client, link, "post")
    _unchanged(commitment)
    clock.move_to(NOW + dt.timedelta(days=13, hours=23))
    assert client.get(link).status_code == 200  # still within 14 days


def test_a_done_link_does_not_open_the_new_date_page(client, personas, commitment):
    token = nudge_token(commitment=commitment, member=personas.members["member"], purpose="done")
    link = reverse("commitments:nudge_move", args=[token])
    _refused(client, link, "post", {"due_on": "2027-03-12", "reason": "x"})
    _unchanged(commitment)


@pytest.mark.parametrize("persona", ["lead", "outsider"])
def test_a_link_for_someone_else_than_the_owner_is_refused(client, personas, commitment, persona):
    """A link signed for another person (the lead, or someone of another organisation) names
    them, not the owner; signing in changes nothing either."""
    client.force_login(personas.user(persona))
    link = _link(commitment, personas.members[persona], "done")
    assert "no longer yours" in _refused(client, link, "post")
    _unchanged(commitment)


def test_a_link_is_checked_again_when_its_button_is_pressed(client, personas, commitment):
    member = personas.members["member"]
    link = _link(commitment, member, "done")
    assert client.get(link).status_code == 200
    member_update(member=member, is_active=False)  # deactivated while the page was open
    assert "no longer active" in _refused(client, link, "post")
    _unchanged(commitment)


def test_a_link_for_a_commitment_done_already_is_refused(client, personas, commitment):
    member = personas.members["member"]
    link = _link(commitment, member, "move")
    commitment_done(commitment=commitment, member=member)
    page = _refused(client, link, "post", {"due_on": "2027-03-12", "reason": "Later"})
    assert "already done" in page
    commitment.refresh_from_db()
    assert commitment.date_changes.count() == 1  # only its first date


def test_the_links_in_the_email_open_these_pages(client, personas, commitment, clock):
    clock.move_to(dt.datetime(2027, 3, 4, 9, tzinfo=dt.UTC))
    notifications_send_due(now=dt.datetime(2027, 3, 4, 9, tzinfo=dt.UTC))
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    done = _link(commitment, personas.members["member"], "done")
    move = _link(commitment, personas.members["member"], "move")
    assert done in message.body
    assert done in html
    assert move in html
    assert client.get(done).status_code == 200
