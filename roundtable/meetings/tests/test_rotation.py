"""The rotating lead, as the circle lives it on a frozen clock (Monday 1 March 2027; the circle
meets Tuesdays at 09:00 UTC): turns in order, volunteers first, someone leaving, a longer
schedule, turning it off; and the notice the person down to run a meeting gets."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.circles.services import circle_remove_member
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.models import Meeting, MeetingRotation
from roundtable.meetings.tests.helpers import newcomer
from roundtable.notifications.models import Notice, NoticeKind


@pytest.fixture
def trio(personas):
    """The circle's lead, member and a third member who joined before the schedule was set."""
    third = newcomer(personas.circle)
    return personas.members["lead"], personas.members["member"], third


def _runners(circle, *, since=None):
    rows = Meeting.objects.filter(circle=circle, status=Meeting.Status.SCHEDULED)
    if since is not None:
        rows = rows.filter(starts_at__gte=since)
    return [m.runner_id for m in rows.order_by("starts_at")]


def _runner_notices(member):
    return list(
        Notice.objects.filter(member=member, kind=NoticeKind.MEETING_RUNNER).values_list(
            "key", flat=True
        )
    )


def test_in_order_each_coming_meeting_gets_the_next_person(personas, trio, meetings):
    lead, member, third = trio
    rotation = services.rotation_set(circle=personas.circle, mode="in_order")
    assert rotation.order == [lead.pk, member.pk, third.pk]
    runners = _runners(personas.circle)
    assert len(runners) == len(meetings) >= 6
    assert runners[:6] == [lead.pk, member.pk, third.pk, lead.pk, member.pk, third.pk]
    # Only the person down for the coming week's meeting hears about it, once.
    assert _runner_notices(lead) == [f"meeting-{meetings[0].pk}-member-{lead.pk}"]
    assert _runner_notices(member) == []
    services.rotation_assign(circle=personas.circle)
    assert Notice.objects.filter(kind=NoticeKind.MEETING_RUNNER).count() == 1


def test_a_longer_schedule_keeps_every_turn_already_dealt(personas, trio, meetings, frozen_clock):
    services.rotation_set(circle=personas.circle, mode="in_order")
    before = {m.pk: m.runner_id for m in personas.circle.meetings.all()}
    frozen_clock.move_to(dt.datetime(2027, 3, 9, 10, tzinfo=dt.UTC))
    assert services.meetings_roll_forward() >= 1  # the worker, a week on: more meetings
    after = {m.pk: m.runner_id for m in personas.circle.meetings.all()}
    assert {pk: after[pk] for pk in before} == before
    # The new meetings go on round the order from where it was.
    order = MeetingRotation.objects.get(circle=personas.circle).order
    runners = _runners(personas.circle)
    assert len(runners) > len(before)
    assert runners == [order[i % 3] for i in range(len(runners))]
    # The roll forward told the person down for the new coming week's meeting.
    third = personas.circle.meetings.order_by("starts_at")[2]  # 16 March
    assert f"meeting-{third.pk}-member-{third.runner_id}" in _runner_notices(third.runner)


def test_someone_who_leaves_is_skipped_and_their_turns_pass_on(
    personas, trio, meetings, frozen_clock
):
    lead, member, third = trio
    services.rotation_set(circle=personas.circle, mode="in_order")
    first = meetings[0]
    frozen_clock.move_to(dt.datetime(2027, 3, 3, 10, tzinfo=dt.UTC))  # the first one was held
    circle_remove_member(circle=personas.circle, member=member)
    services.rotation_assign(circle=personas.circle)  # what the worker's roll forward does
    first.refresh_from_db()
    assert first.runner_id == lead.pk
    coming = _runners(personas.circle, since=dt.datetime(2027, 3, 3, tzinfo=dt.UTC))
    assert member.pk not in coming
    # The member's turn (9 March) passes to the next person; then it goes round the two left.
    assert coming[:4] == [third.pk, lead.pk, third.pk, lead.pk]
    assert MeetingRotation.objects.get(circle=personas.circle).order == [lead.pk, third.pk]
    # A newcomer joins the end of the order and takes turns from the next round.
    fourth = newcomer(personas.circle)
    services.rotation_assign(circle=personas.circle)
    assert MeetingRotation.objects.get(circle=personas.circle).order == [
        lead.pk,
        third.pk,
        fourth.pk,
    ]
    assert _runners(personas.circle, since=dt.datetime(2027, 3, 3, tzinfo=dt.UTC))[:4] == coming[:4]


def test_turning_it_off_clears_coming_meetings_only(personas, trio, meetings, frozen_clock):
    lead, member, _ = trio
    services.rotation_set(circle=personas.circle, mode="in_order")
    frozen_clock.move_to(dt.datetime(2027, 3, 10, 10, tzinfo=dt.UTC))  # two meetings held
    services.rotation_set(circle=personas.circle, mode="off")
    cut = dt.datetime(2027, 3, 10, tzinfo=dt.UTC)
    held = list(personas.circle.meetings.filter(starts_at__lt=cut))
    assert [m.runner_id for m in held] == [lead.pk, member.pk]  # history stays
    assert set(_runners(personas.circle, since=dt.datetime(2027, 3, 10, tzinfo=dt.UTC))) == {None}
    # Off, nothing deals turns again, however often the worker runs.
    services.meetings_roll_forward()
    assert set(_runners(personas.circle, since=dt.datetime(2027, 3, 10, tzinfo=dt.UTC))) == {None}


def test_a_new_order_deals_the_coming_meetings_from_its_top(personas, trio, meetings):
    lead, member, third = trio
    services.rotation_set(circle=personas.circle, mode="in_order")
    services.rotation_reorder(circle=personas.circle, order=[third.pk, lead.pk, member.pk])
    assert _runners(personas.circle)[:4] == [third.pk, lead.pk, member.pk, third.pk]
    with pytest.raises(DomainError, match="everyone in the circle once"):
        services.rotation_reorder(circle=personas.circle, order=[third.pk, lead.pk])
    with pytest.raises(DomainError, match="everyone in the circle once"):
        services.rotation_reorder(circle=personas.circle, order=[third.pk, lead.pk, lead.pk])
    assert _runners(personas.circle)[:4] == [third.pk, lead.pk, member.pk, third.pk]


def test_volunteers_first_then_the_next_in_order_three_days_before(
    personas, trio, meetings, frozen_clock
):
    lead, member, third = trio
    services.rotation_set(circle=personas.circle, mode="volunteers_first")
    # Tomorrow's meeting is already inside the three days: it goes to the first in order.
    assert _runners(personas.circle)[:3] == [lead.pk, None, None]
    services.meeting_volunteer(meeting=meetings[2], member=third)  # 16 March
    with pytest.raises(DomainError, match="already down"):
        services.meeting_volunteer(meeting=meetings[2], member=member)
    # Nobody took 9 March: three days before, the next in order (the member) gets it.
    frozen_clock.move_to(dt.datetime(2027, 3, 6, 8, tzinfo=dt.UTC))
    services.meetings_roll_forward()
    assert _runners(personas.circle)[1] == None  # noqa: E711 - not yet: 73 hours before
    frozen_clock.move_to(dt.datetime(2027, 3, 6, 9, 30, tzinfo=dt.UTC))
    services.meetings_roll_forward()
    assert _runners(personas.circle)[:3] == [lead.pk, member.pk, third.pk]
    assert f"meeting-{meetings[1].pk}-member-{member.pk}" in _runner_notices(member)
    assert _runner_notices(third) == []  # a volunteer chose it: no notice
    # The volunteer keeps their meeting; the one after goes on in order (the volunteer's turn
    # is not used up by volunteering).
    frozen_clock.move_to(dt.datetime(2027, 3, 20, 10, tzinfo=dt.UTC))
    services.meetings_roll_forward()
    assert _runners(personas.circle)[2:4] == [third.pk, third.pk]


def test_stepping_back_opens_the_meeting_or_passes_it_on_never_back(
    personas, trio, meetings, frozen_clock
):
    lead, member, _ = trio
    services.rotation_set(circle=personas.circle, mode="volunteers_first")
    # Far ahead: stepping back opens the meeting to volunteers again.
    services.meeting_volunteer(meeting=meetings[3], member=member)
    services.meeting_step_back(meeting=meetings[3], member=member)
    meetings[3].refresh_from_db()
    assert meetings[3].runner_id is None
    assert meetings[3].pk not in MeetingRotation.objects.get(circle=personas.circle).volunteered
    # Close to it: the next person in order takes it, not the one stepping back.
    first = services.meeting_step_back(meeting=meetings[0], member=lead)
    assert first.runner_id == member.pk
    with pytest.raises(DomainError, match="not down to run"):
        services.meeting_step_back(meeting=meetings[0], member=lead)
    frozen_clock.move_to(meetings[0].starts_at + dt.timedelta(minutes=5))
    with pytest.raises(DomainError, match="already started"):
        services.meeting_step_back(meeting=meetings[0], member=member)


def test_volunteering_needs_the_volunteers_first_mode_and_a_member(personas, trio, meetings):
    _, member, third = trio
    with pytest.raises(DomainError, match="does not take volunteers"):
        services.meeting_volunteer(meeting=meetings[3], member=member)
    services.rotation_set(circle=personas.circle, mode="in_order")
    with pytest.raises(DomainError, match="does not take volunteers"):
        services.meeting_volunteer(meeting=meetings[3], member=member)
    services.rotation_set(circle=personas.circle, mode="volunteers_first")
    with pytest.raises(DomainError, match="Only the circle's members"):
        services.meeting_volunteer(meeting=meetings[3], member=personas.members["sponsor"])
    circle_remove_member(circle=personas.circle, member=third)
    with pytest.raises(DomainError, match="Only the circle's members"):
        services.meeting_volunteer(meeting=meetings[3], member=third)
    services.meeting_cancel(meeting=meetings[4], reason="Holiday")
    with pytest.raises(DomainError, match="cancelled"):
        services.meeting_volunteer(meeting=meetings[4], member=member)


def test_a_volunteer_who_leaves_gives_the_meeting_back(personas, trio, meetings):
    third = trio[2]
    services.rotation_set(circle=personas.circle, mode="volunteers_first")
    services.meeting_volunteer(meeting=meetings[1], member=third)
    circle_remove_member(circle=personas.circle, member=third)
    services.rotation_assign(circle=personas.circle)
    meetings[1].refresh_from_db()
    # Six days ahead, still open to volunteers: nobody is put in the leaver's place yet.
    assert meetings[1].runner_id is None
    assert MeetingRotation.objects.get(circle=personas.circle).volunteered == []
