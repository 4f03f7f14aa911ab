"""The meetings API (routers/meetings.py): schedule, meetings, move and cancel, agenda,
attendance, feedback; on the meetings tests' frozen clock, with list query counts that must not
grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.meetings import services
from roundtable.meetings.tests.conftest import frozen_clock
from roundtable.meetings.tests.helpers import newcomer
from roundtable.notifications.models import Notification
from roundtable.notifications.services import notifications_plan, notifications_send_due
from roundtable.testing.api import as_persona, assert_error, bearer, post
from roundtable.testing.personas import Personas

__all__ = ["frozen_clock"]  # the meetings tests' autouse frozen clock applies here too

PERSONAS = ("admin", "coordinator", "sponsor", "lead", "member", "outsider")


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data, content_type="application/json")


@pytest.fixture
def scheduled(personas: Personas) -> Personas:
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=timezone.localdate() - dt.timedelta(days=21),
        now=timezone.now() - dt.timedelta(days=21),
    )
    return personas


@pytest.mark.parametrize("persona", PERSONAS)
def test_schedule_and_meetings_follow_the_policy(scheduled: Personas, persona: str) -> None:
    client = as_persona(scheduled, persona)
    circle = scheduled.circle
    response = client.get(f"/api/circles/{circle.pk}/schedule")
    if persona == "outsider":
        assert_error(response, 404, "not_found")
        return
    assert response.status_code == 200
    assert response.json()["rrule"] == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    listing = client.get(f"/api/circles/{circle.pk}/meetings").json()
    assert listing["count"] == circle.meetings.count()
    first = listing["items"][0]["id"]
    assert client.get(f"/api/meetings/{first}").status_code == 200
    body = {
        "frequency": "weekly",
        "weekday": 3,
        "start_time": "10:00",
        "starts_on": str(timezone.localdate()),
    }
    changed = put(client, f"/api/circles/{circle.pk}/schedule", body)
    if persona in {"admin", "coordinator", "lead"}:
        assert_error(changed, 409, "confirmation_required")  # it moves planned meetings
        confirmed = put(client, f"/api/circles/{circle.pk}/schedule",
                        {**body, "confirm": changed.json()["confirm"]})  # fmt: skip
        assert confirmed.status_code == 200
        assert confirmed.json()["description"].startswith("Every Thursday at 10:00")
    else:
        assert_error(changed, 403, "forbidden")
        preview = post(client, f"/api/circles/{circle.pk}/schedule/preview", body)
        assert_error(preview, 403, "forbidden")


def test_member_of_another_circle_gets_404(scheduled: Personas) -> None:
    peer = scheduled.other_circle.memberships.first().member  # type: ignore[union-attr]
    meeting = scheduled.circle.meetings.earliest("starts_at")
    assert_error(bearer(peer.user).get(f"/api/meetings/{meeting.pk}"), 404, "not_found")


def test_move_cancel_agenda_attendance_feedback(scheduled: Personas) -> None:
    lead, member = as_persona(scheduled, "lead"), as_persona(scheduled, "member")
    future = scheduled.circle.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    upcoming, later = future[0], future[1]
    local = upcoming.starts_at.astimezone(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=2)
    moved = post(
        lead,
        f"/api/meetings/{upcoming.pk}/move",
        {"local_start": local.isoformat(), "reason": "Room taken"},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["moved"] is True
    assert moved.json()["sequence"] == 1
    refused = post(member, f"/api/meetings/{later.pk}/cancel", {"reason": "no"})
    assert_error(refused, 403, "forbidden")
    past = post(
        lead, f"/api/meetings/{later.pk}/move", {"local_start": "2020-01-01T09:00", "reason": "x"}
    )
    assert_error(past, 400, "invalid")
    cancelled = post(lead, f"/api/meetings/{later.pk}/cancel", {"reason": "Holiday"})
    assert cancelled.json()["status"] == "cancelled"

    item = post(member, f"/api/meetings/{upcoming.pk}/agenda", {"title": "Van stock"})
    assert item.status_code == 201
    assert item.json()["title"] == "Van stock"
    # A blank title does not match the schema (it needs something visible): 422.
    assert_error(
        post(member, f"/api/meetings/{upcoming.pk}/agenda", {"title": " "}), 422, "invalid"
    )

    held = scheduled.circle.meetings.filter(starts_at__lt=timezone.now()).earliest("starts_at")
    me = scheduled.members["member"].pk
    lead_pk = scheduled.members["lead"].pk
    own = put(member, f"/api/meetings/{held.pk}/attendance", {"member_id": me, "status": "present"})
    assert own.status_code == 200
    other = put(
        member, f"/api/meetings/{held.pk}/attendance", {"member_id": lead_pk, "status": "absent"}
    )
    assert_error(other, 403, "forbidden")
    rated = put(member, f"/api/meetings/{held.pk}/feedback", {"rating": 4, "comment": "Useful"})
    assert rated.status_code == 200
    assert rated.json()["member_id"] is None  # anonymous circle
    bad = put(member, f"/api/meetings/{held.pk}/feedback", {"rating": 9})
    assert_error(bad, 422, "invalid")
    detail = member.get(f"/api/meetings/{held.pk}").json()
    assert detail["attendance"] == [{"member_id": me, "status": "present"}]
    assert detail["feedback"][0]["rating"] == 4


def test_outsider_changes_nothing(scheduled: Personas) -> None:
    outsider = as_persona(scheduled, "outsider")
    meeting = scheduled.circle.meetings.filter(starts_at__gt=timezone.now()).earliest("starts_at")
    me = scheduled.members["outsider"].pk
    attempts = [
        post(outsider, f"/api/meetings/{meeting.pk}/cancel", {"reason": "x"}),
        post(outsider, f"/api/meetings/{meeting.pk}/agenda", {"title": "Ours"}),
        put(
            outsider,
            f"/api/meetings/{meeting.pk}/attendance",
            {"member_id": me, "status": "present"},
        ),
        put(outsider, f"/api/meetings/{meeting.pk}/feedback", {"rating": 1}),
    ]
    for response in attempts:
        assert_error(response, 404, "not_found")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.agenda_items.count(), meeting.attendance.count()) == (
        "scheduled",
        0,
        0,
    )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_meeting_list_and_detail_query_counts_do_not_grow(scheduled: Personas) -> None:
    client = as_persona(scheduled, "member")
    circle = scheduled.circle
    held = circle.meetings.filter(starts_at__lt=timezone.now()).earliest("starts_at")
    listing, detail = f"/api/circles/{circle.pk}/meetings", f"/api/meetings/{held.pk}"
    client.get(listing)  # the token's first use is recorded once
    before = (_count(client, listing), _count(client, detail))
    lead = scheduled.members["lead"]
    for _ in range(4):
        member = newcomer(circle, joined_on=dt.date(2027, 1, 1))
        services.agenda_item_add(meeting=held, member=member, title="Stock")
        services.attendance_set(meeting=held, member=member, status="present", reported_by=lead)
        services.feedback_give(meeting=held, member=member, rating=3)
    services.meetings_roll_forward(now=timezone.now() + dt.timedelta(weeks=4))
    assert (_count(client, listing), _count(client, detail)) == before
    body = client.get(detail).json()
    assert (len(body["agenda"]), len(body["attendance"]), len(body["feedback"])) == (4, 4, 4)
    assert client.get(listing).json()["count"] == circle.meetings.count()


def test_schedule_preview_then_confirm_keeps_an_announced_meeting_and_its_uid(
    scheduled: Personas,
) -> None:
    lead = as_persona(scheduled, "lead")
    circle = scheduled.circle
    upcoming = circle.meetings.filter(starts_at__gt=timezone.now()).earliest("starts_at")
    notifications_plan()
    assert notifications_send_due() == 2  # the reminders of the meeting tomorrow go out
    body = {"frequency": "weekly", "weekday": 1, "start_time": "09:00",
            "starts_on": "2028-06-01"}  # fmt: skip
    preview = post(lead, f"/api/circles/{circle.pk}/schedule/preview", body)
    assert preview.status_code == 200
    changes = {c["meeting_id"]: c for c in preview.json()["changes"]}
    assert changes[upcoming.pk]["action"] == "cancel"
    assert changes[upcoming.pk]["holds"]["announced"] is True
    assert changes[upcoming.pk]["summary"] == "members were sent a reminder"
    assert upcoming.sequence == circle.meetings.get(pk=upcoming.pk).sequence  # nothing written
    stale = put(lead, f"/api/circles/{circle.pk}/schedule", {**body, "confirm": "0" * 16})
    assert stale.status_code == 409
    assert "changed since the preview" in stale.json()["detail"]
    done = put(lead, f"/api/circles/{circle.pk}/schedule",
               {**body, "confirm": preview.json()["confirm"]})  # fmt: skip
    assert done.status_code == 200
    upcoming.refresh_from_db()  # the same row, so the same UID, now cancelled
    assert (upcoming.status, upcoming.sequence) == ("cancelled", 1)
    told = Notification.objects.filter(meeting=upcoming, kind="change", meeting_sequence=1)
    assert told.count() == 2
    far = put(lead, f"/api/circles/{circle.pk}/schedule", {**body, "starts_on": "2100-01-01"})
    assert_error(far, 400, "invalid")
    assert far.json()["field"] == "starts_on"


def test_restore_a_cancelled_meeting(scheduled: Personas) -> None:
    lead, member = as_persona(scheduled, "lead"), as_persona(scheduled, "member")
    outsider = as_persona(scheduled, "outsider")
    meeting = scheduled.circle.meetings.filter(starts_at__gt=timezone.now()).earliest("starts_at")
    services.meeting_cancel(meeting=meeting, reason="Snow")
    assert_error(post(outsider, f"/api/meetings/{meeting.pk}/restore", {}), 404, "not_found")
    assert_error(post(member, f"/api/meetings/{meeting.pk}/restore", {}), 403, "forbidden")
    restored = post(lead, f"/api/meetings/{meeting.pk}/restore", {"reason": "Snow cleared"})
    assert restored.status_code == 200, restored.content
    assert (restored.json()["status"], restored.json()["sequence"]) == ("scheduled", 2)
    again = post(lead, f"/api/meetings/{meeting.pk}/restore", {})
    assert_error(again, 400, "invalid")
