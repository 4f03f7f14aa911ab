"""The series (services/schedules.py, series_plan.py): materialising a schedule's meetings; series
changes that are previewed, applied only when confirmed, move meetings with what they hold, keep
what holds anything (and its UID), carry open agenda items, tell those told and come back when
set back; date bounds; the roll forward; daylight saving in three zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from roundtable.circles.services import circle_update
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.services.schedules import ScheduleChangeUnconfirmed
from roundtable.meetings.tests.daylight_saving import DST_CASES
from roundtable.meetings.tests.helpers import newcomer
from roundtable.notifications.models import Notification
from roundtable.notifications.services import notifications_plan, notifications_send_due
from roundtable.programs.services import program_update

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def circle(personas):
    return circle_update(circle=personas.circle, time_zone="America/New_York")


def _weekly(circle, **kwargs):
    args = {
        "circle": circle,
        "frequency": "weekly",
        "weekday": 1,
        "start_time": dt.time(9),
        "starts_on": dt.date(2027, 2, 1),
        "now": NOW,
    }
    return services.schedule_set(**{**args, **kwargs})


def test_schedule_materialises_twelve_weeks_at_nine_new_york_time(circle):
    schedule = _weekly(circle)
    assert schedule.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    meetings = list(circle.meetings.order_by("starts_at"))
    assert len(meetings) == 12
    assert {m.starts_at.astimezone(NY).time() for m in meetings} == {dt.time(9)}
    # Across the March change the UTC hour moves, the local hour does not.
    hours = {m.starts_at.date(): m.starts_at.hour for m in meetings}
    assert hours[dt.date(2027, 3, 9)] == 14
    assert hours[dt.date(2027, 3, 16)] == 13


@pytest.mark.parametrize("zone", sorted(DST_CASES))
def test_a_weekly_nine_oclock_stays_nine_local_across_daylight_saving(personas, zone):
    circle = circle_update(circle=personas.circle, time_zone=zone)
    _weekly(circle)
    before, after = DST_CASES[zone]
    starts = list(circle.meetings.order_by("starts_at").values_list("starts_at", flat=True))
    assert before in starts
    assert after in starts
    assert {s.astimezone(ZoneInfo(zone)).time() for s in starts} == {dt.time(9)}
    assert {s.astimezone(ZoneInfo(zone)).weekday() for s in starts} == {1}


def test_materialising_again_changes_nothing(circle):
    _weekly(circle)
    assert services.meetings_materialise(circle=circle, now=NOW) == []
    assert circle.meetings.count() == 12


def _change(circle, **kwargs):
    """A schedule change as the page makes it: preview, then confirm with the preview's token."""
    args = {"circle": circle, "frequency": "weekly", "weekday": 1, "start_time": dt.time(9),
            "starts_on": dt.date(2027, 2, 1), "now": NOW, **kwargs}  # fmt: skip
    plan = services.schedule_change_preview(**args)
    services.schedule_set(**args, confirm=plan.token)
    return plan


def test_a_new_weekday_moves_each_meeting_with_all_it_holds_and_spares_those_moved_by_hand(
    circle,
):
    _weekly(circle)
    first, second, third = circle.meetings.order_by("starts_at")[:3]
    services.meeting_move(
        meeting=second, starts_at=second.starts_at + dt.timedelta(days=1), reason="Holiday",
        now=NOW,
    )  # fmt: skip
    services.agenda_item_add(meeting=third, member=circle.lead, title="Handover checklist")
    tuesdays = dict(circle.meetings.values_list("pk", "starts_at"))
    plan = _change(circle, weekday=3)  # the series moves to Thursdays
    assert [c.action for c in plan.changes] == ["move"] * 11  # all but the one moved by hand
    second.refresh_from_db()
    third.refresh_from_db()
    first.refresh_from_db()  # the same row, so the same calendar UID
    assert second.status == "scheduled"
    assert second.starts_at.astimezone(NY).weekday() == 2  # still its own Wednesday
    assert (third.status, third.starts_at.astimezone(NY).weekday()) == ("scheduled", 3)
    assert list(third.agenda_items.values_list("title", flat=True)) == ["Handover checklist"]
    assert (first.starts_at.astimezone(NY), first.sequence) == (
        dt.datetime(2027, 2, 4, 9, tzinfo=NY),
        1,
    )
    thursdays = circle.meetings.filter(status="scheduled", detached=False)
    assert {m.starts_at.astimezone(NY).weekday() for m in thursdays} == {3}
    # Each Tuesday went to the Thursday of its own week; only the Thursday of the week whose
    # meeting was moved by hand is a new meeting.
    moved = thursdays.filter(sequence=1)
    assert {m.starts_at - tuesdays[m.pk] for m in moved} == {dt.timedelta(days=2)}
    assert thursdays.filter(sequence=0).get().starts_at.date() == dt.date(2027, 2, 11)


def test_a_change_applies_only_with_the_token_of_the_preview_that_showed_it(circle):
    _weekly(circle)
    before = list(circle.meetings.values_list("pk", "starts_at", "sequence"))
    with pytest.raises(ScheduleChangeUnconfirmed) as unconfirmed:
        _weekly(circle, starts_on=dt.date(2027, 3, 1))
    assert {c.action for c in unconfirmed.value.plan.changes} == {"delete"}
    assert list(circle.meetings.values_list("pk", "starts_at", "sequence")) == before
    preview = services.schedule_change_preview(
        circle=circle, frequency="weekly", weekday=1, start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1), now=NOW,
    )  # fmt: skip
    first = circle.meetings.earliest("starts_at")
    services.agenda_item_add(meeting=first, member=circle.lead, title="Added meanwhile")
    with pytest.raises(ScheduleChangeUnconfirmed, match="changed since the preview") as stale:
        _weekly(circle, starts_on=dt.date(2027, 3, 1), confirm=preview.token)
    assert stale.value.plan.changes[0].action == "cancel"  # it holds an item now: kept
    assert list(circle.meetings.values_list("pk", "starts_at", "sequence")) == before


def test_preview_says_what_each_meeting_holds_and_writes_nothing(circle):
    _weekly(circle)
    first, second = circle.meetings.order_by("starts_at")[:2]
    lead, member = circle.lead, newcomer(circle)
    services.meeting_notes_save(
        meeting=first, notes="Bring the draft", author=circle.lead, base_version=0
    )
    services.attendance_set(meeting=first, member=member, status="excused", reported_by=member)
    services.rsvp_set(meeting=first, member=lead, response="yes")
    services.agenda_item_add(meeting=second, member=lead, title="Budget")
    plan = services.schedule_change_preview(
        circle=circle, frequency="weekly", weekday=1, start_time=dt.time(9),
        starts_on=dt.date(2028, 6, 1), now=NOW,
    )  # fmt: skip
    by_meeting = {c.meeting.pk: c for c in plan.changes}
    assert by_meeting[first.pk].action == "cancel"
    assert by_meeting[first.pk].holds.describe() == "notes, 1 attendance record, 1 reply"
    assert by_meeting[second.pk].action == "cancel"
    assert by_meeting[second.pk].holds.describe() == "1 agenda item"
    assert by_meeting[second.pk].agenda_to is None  # no meeting is planned after it yet
    assert {c.action for pk, c in by_meeting.items() if pk not in {first.pk, second.pk}} == {
        "delete"
    }
    assert plan.new_starts == ()
    assert circle.meetings.filter(status="scheduled").count() == 12


def test_a_far_start_keeps_what_holds_anything_and_setting_it_back_restores_it(circle):
    _weekly(circle)
    first = circle.meetings.earliest("starts_at")
    member = newcomer(circle)
    services.meeting_notes_save(
        meeting=first, notes="Bring the draft", author=circle.lead, base_version=0
    )
    services.attendance_set(meeting=first, member=member, status="excused", reported_by=member)
    services.rsvp_set(meeting=first, member=member, response="yes")
    announced = circle.meetings.order_by("starts_at")[1]  # holds nothing, but was announced
    notifications_plan(now=NOW + dt.timedelta(days=3))
    assert notifications_send_due(now=announced.starts_at - dt.timedelta(hours=24)) == 3
    _change(circle, starts_on=dt.date(2028, 6, 1))
    first.refresh_from_db()
    announced.refresh_from_db()
    assert (first.status, first.sequence, first.notes) == ("cancelled", 1, "Bring the draft")
    assert first.rsvps.get().response == "yes"
    assert (announced.status, announced.sequence) == ("cancelled", 1)  # its UID lives on
    assert set(circle.meetings.values_list("pk", flat=True)) == {first.pk, announced.pk}
    told = Notification.objects.filter(kind="change", meeting=announced, meeting_sequence=1)
    assert told.count() == 3  # all three who had the reminder hear it is cancelled
    wrapup = Notification.objects.get(kind="wrapup", meeting=announced)
    assert wrapup.skipped_reason  # the lead is not asked to wrap up a cancelled meeting
    _change(circle, starts_on=dt.date(2027, 2, 1))  # set back
    first.refresh_from_db()
    announced.refresh_from_db()
    assert (first.status, first.sequence) == ("scheduled", 2)
    assert (announced.status, announced.sequence) == ("scheduled", 2)
    told_again = Notification.objects.filter(kind="change", meeting=announced, meeting_sequence=2)
    assert told_again.count() == 3
    assert circle.meetings.filter(status="scheduled").count() == 12


def test_dates_beyond_three_years_or_after_the_program_are_refused(circle):
    with pytest.raises(DomainError, match="at most 3 years ahead") as far:
        _weekly(circle, starts_on=dt.date(2100, 1, 1))
    assert far.value.field == "starts_on"
    with pytest.raises(DomainError, match="at most 3 years ahead"):
        _weekly(circle, ends_on=dt.date(2100, 1, 1))
    with pytest.raises(DomainError, match="years before"):
        _weekly(circle, starts_on=dt.date(1027, 2, 1))
    program_update(program=circle.program, end_date=dt.date(2027, 6, 30))
    with pytest.raises(DomainError, match="program ends on 30 June 2027"):
        _weekly(circle, starts_on=dt.date(2027, 7, 1))
    assert not circle.meetings.exists()


def test_open_agenda_of_a_meeting_the_series_cancels_goes_to_the_next_that_takes_place(circle):
    _weekly(circle)
    first, second = circle.meetings.order_by("starts_at")[:2]
    carried = services.agenda_item_add(meeting=first, member=circle.lead, title="Carried twice")
    services.agenda_item_add(meeting=first, member=circle.lead, title="Open question")
    services.agenda_item_set_done(item=carried, done=True)
    services.agenda_item_add(meeting=first, member=circle.lead, title="Pricing")
    plan = _change(circle, starts_on=dt.date(2027, 2, 8))  # one week later: the first goes
    assert [(c.meeting.pk, c.action) for c in plan.changes] == [(first.pk, "cancel")]
    assert plan.changes[0].agenda_to == second.starts_at
    titles = list(second.agenda_items.values_list("title", flat=True))
    assert titles == ["Open question", "Pricing"]  # the done item stays behind
    assert set(second.agenda_items.values_list("carried_from__meeting", flat=True)) == {first.pk}
    _change(circle, starts_on=dt.date(2027, 2, 1))  # back: the items are on the first again
    assert not second.agenda_items.exists()
    assert first.agenda_items.count() == 3


def test_roll_forward_carries_a_cancelled_meetings_items_once_a_next_meeting_exists(circle):
    _weekly(circle, ends_on=dt.date(2027, 2, 2))  # a single meeting
    only = circle.meetings.get()
    services.agenda_item_add(meeting=only, member=circle.lead, title="Waiting")
    services.meeting_cancel(meeting=only, reason="Snow", now=NOW)
    assert services.meetings_roll_forward(now=NOW) == 0
    _weekly(circle, starts_on=dt.date(2027, 2, 8))  # nothing planned is touched: no preview
    services.meetings_roll_forward(now=NOW)
    following = circle.meetings.filter(status="scheduled").earliest("starts_at")
    assert list(following.agenda_items.values_list("title", flat=True)) == ["Waiting"]


def test_a_longer_series_lengthens_the_coming_meetings_and_raises_their_sequence(circle):
    _weekly(circle)
    _change(circle, duration_minutes=90)
    assert set(circle.meetings.values_list("duration_minutes", "sequence")) == {(90, 1)}


def test_invalid_schedules_are_refused(circle):
    with pytest.raises(DomainError, match="which weekday of the month"):
        _weekly(circle, frequency="monthly")
    circle.time_zone = "Mars/Base"
    with pytest.raises(DomainError, match="not a known time zone"):
        _weekly(circle)


def test_roll_forward_extends_the_horizon_week_by_week(circle):
    _weekly(circle)
    assert services.meetings_roll_forward(now=NOW + dt.timedelta(weeks=2)) == 2
    assert services.meetings_roll_forward(now=NOW + dt.timedelta(weeks=2)) == 0
    assert circle.meetings.count() == 14
