"""Escalation's rules: the thresholds (overdue days, moves) from the program's settings or the
defaults; one open escalation at a time; the owner's period in working days on the owner's
calendar; who is told and when (the sponsor once, by the periodic task); the owner's side and the
sponsor's comments; each outcome, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from roundtable.commitments.models import Activity, Commitment, CommitmentSettings, Escalation
from roundtable.commitments.services.escalations import (
    REASSIGNED_REASON,
    escalation_comment,
    escalation_owner_side,
    escalation_raise,
    escalation_resolve,
    escalations_sponsor_tell,
    working_days_after,
)
from roundtable.commitments.services.nudges import nudges_replan
from roundtable.commitments.tasks import PERIODIC_TASKS, escalations_sponsor_tell_task
from roundtable.commitments.tests.escalation_factories import commitment_overdue, escalation_open
from roundtable.core.errors import DomainError
from roundtable.notifications.models import Notice, NoticeKind, Notification

NOW = dt.datetime(2027, 3, 5, 10, tzinfo=dt.UTC)  # a Friday; London is on UTC in March
TUESDAY = dt.datetime(2027, 3, 9, 10, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _escalated_notices(member):
    return list(Notice.objects.filter(member=member, kind=NoticeKind.COMMITMENT_ESCALATED))


# --- the working days -----------------------------------------------------------------------------


def test_friday_plus_two_working_days_is_tuesday_same_time():
    assert working_days_after(NOW, 2, "Europe/London") == TUESDAY


def test_working_days_count_on_the_owners_calendar():
    # Friday 12:00 UTC is already Saturday 01:00 in Auckland: Monday and Tuesday count there.
    friday_noon = dt.datetime(2027, 3, 5, 12, tzinfo=dt.UTC)
    ends = working_days_after(friday_noon, 2, "Pacific/Auckland")
    assert ends == dt.datetime(2027, 3, 8, 12, tzinfo=dt.UTC)  # Tuesday 01:00 in Auckland
    assert working_days_after(friday_noon, 2, "Europe/London") == dt.datetime(
        2027, 3, 9, 12, tzinfo=dt.UTC
    )


def test_working_days_keep_the_wall_clock_across_a_clock_change():
    # Friday 24 March 2028 10:00 London (GMT); the clocks go forward on Sunday 26 March.
    start = dt.datetime(2028, 3, 24, 10, tzinfo=dt.UTC)
    assert working_days_after(start, 2, "Europe/London") == dt.datetime(
        2028, 3, 28, 9, tzinfo=dt.UTC
    )  # Tuesday 10:00 BST


# --- raising --------------------------------------------------------------------------------------


def test_raise_sets_the_period_tells_the_owner_first_and_logs_it(personas):
    escalation = escalation_open(personas, now=NOW)
    assert escalation.owner_period_ends_at == TUESDAY
    owner_notices = _escalated_notices(personas.members["member"])
    assert len(owner_notices) == 1
    assert "add your side" in owner_notices[0].body
    assert _escalated_notices(personas.members["sponsor"]) == []
    logged = Activity.objects.get(escalation=escalation, kind=Activity.Kind.ESCALATED)
    assert logged.actor == personas.members["lead"]
    assert logged.text == "Three customers are waiting on this price list."


def test_not_overdue_enough_nor_moved_too_often_is_refused_and_nothing_changes(personas):
    commitment = commitment_overdue(personas, now=NOW, days_overdue=3, moves=1)
    with pytest.raises(DomainError, match="not past the program's thresholds"):
        escalation_raise(commitment=commitment, by=personas.members["lead"], reason="Late.")
    assert Escalation.objects.count() == 0
    assert not Activity.objects.filter(kind=Activity.Kind.ESCALATED).exists()
    assert Notice.objects.filter(kind=NoticeKind.COMMITMENT_ESCALATED).count() == 0


def test_moved_more_than_the_threshold_may_be_escalated_before_it_is_overdue(personas):
    commitment = commitment_overdue(personas, now=NOW, days_overdue=1, moves=4)
    escalation = escalation_raise(
        commitment=commitment, by=personas.members["lead"], reason="Moved four times."
    )
    grounds = Activity.objects.get(escalation=escalation, kind="escalated").data["grounds"]
    assert grounds == ["The date was moved 4 times (the program's threshold: more than 3)."]


def test_moved_exactly_the_threshold_is_not_enough(personas):
    commitment = commitment_overdue(personas, now=NOW, days_overdue=1, moves=3)
    with pytest.raises(DomainError, match="more than 3 date changes"):
        escalation_raise(commitment=commitment, by=personas.members["lead"], reason="Moved.")


def test_the_programs_own_thresholds_and_period_apply(personas):
    CommitmentSettings.objects.create(
        program=personas.program, overdue_days=2, moves=10, owner_period_days=5
    )
    escalation = escalation_open(personas, now=NOW, days_overdue=3)
    assert escalation.owner_period_ends_at == dt.datetime(2027, 3, 12, 10, tzinfo=dt.UTC)


def test_escalating_twice_while_one_is_open_is_refused(personas):
    escalation = escalation_open(personas, now=NOW)
    with pytest.raises(DomainError, match="already escalated"):
        escalation_raise(
            commitment=escalation.commitment, by=personas.members["lead"], reason="Again."
        )
    assert Escalation.objects.count() == 1
    assert Activity.objects.filter(kind=Activity.Kind.ESCALATED).count() == 1


def test_a_done_commitment_cannot_be_escalated(personas):
    commitment = commitment_overdue(personas, now=NOW)
    Commitment.objects.filter(pk=commitment.pk).update(status="done", done_at=NOW)
    commitment.refresh_from_db()
    with pytest.raises(DomainError, match="Only an open commitment"):
        escalation_raise(commitment=commitment, by=personas.members["lead"], reason="Late.")


def test_an_empty_reason_is_refused(personas):
    commitment = commitment_overdue(personas, now=NOW)
    with pytest.raises(DomainError) as refused:
        escalation_raise(commitment=commitment, by=personas.members["lead"], reason="  ")
    assert refused.value.field == "reason"
    assert Escalation.objects.count() == 0


# --- the sponsor is told once the period ends -----------------------------------------------------


def test_the_sponsor_is_told_once_when_the_period_ends(personas, frozen_clock):
    escalation_open(personas, now=NOW)
    sponsor = personas.members["sponsor"]
    assert escalations_sponsor_tell() == 0
    frozen_clock.move_to(TUESDAY - dt.timedelta(minutes=1))
    escalations_sponsor_tell()
    assert _escalated_notices(sponsor) == []
    frozen_clock.move_to(TUESDAY)
    assert escalations_sponsor_tell() == 1
    escalations_sponsor_tell()
    notices = _escalated_notices(sponsor)
    assert [n.title for n in notices] == [
        "An escalation for you to resolve: “Send the renewal pricing sheet”"
    ]


def test_the_periodic_task_is_listed_for_start_periodic_tasks():
    assert escalations_sponsor_tell_task in PERIODIC_TASKS


# --- the owner's side and the sponsor's comments --------------------------------------------------


def test_the_owner_adds_their_side_and_may_rewrite_it(personas):
    escalation = escalation_open(personas, now=NOW)
    owner = personas.members["member"]
    escalation_owner_side(escalation=escalation, owner=owner, text="Finance has not replied.")
    escalation_owner_side(escalation=escalation, owner=owner, text="Finance replied Monday.")
    escalation.refresh_from_db()
    assert escalation.owner_side == "Finance replied Monday."
    sides = Activity.objects.filter(escalation=escalation, kind=Activity.Kind.OWNER_SIDE)
    assert [a.text for a in sides] == ["Finance has not replied.", "Finance replied Monday."]


def test_only_the_owner_adds_their_side(personas):
    escalation = escalation_open(personas, now=NOW)
    with pytest.raises(DomainError, match="Only the commitment's owner"):
        escalation_owner_side(
            escalation=escalation, owner=personas.members["lead"], text="My view."
        )
    escalation.refresh_from_db()
    assert escalation.owner_side == ""


def test_the_sponsor_cannot_comment_during_the_owners_period(personas, frozen_clock):
    escalation = escalation_open(personas, now=NOW)
    with pytest.raises(DomainError, match="has not passed"):
        escalation_comment(escalation=escalation, sponsor=personas.members["sponsor"], text="Why?")
    frozen_clock.move_to(TUESDAY)
    escalation_comment(escalation=escalation, sponsor=personas.members["sponsor"], text="Why?")
    assert Activity.objects.filter(kind=Activity.Kind.SPONSOR_COMMENT, text="Why?").count() == 1


# --- resolving ------------------------------------------------------------------------------------


@pytest.fixture
def after_period(personas, frozen_clock):
    escalation = escalation_open(personas, now=NOW)
    frozen_clock.move_to(TUESDAY)
    return escalation


def test_resolving_without_an_outcome_is_refused_and_changes_nothing(personas, after_period):
    with pytest.raises(DomainError, match="Choose the outcome"):
        escalation_resolve(
            escalation=after_period, sponsor=personas.members["sponsor"], resolution=""
        )
    after_period.refresh_from_db()
    assert after_period.resolved_at is None
    assert not Activity.objects.filter(kind=Activity.Kind.RESOLVED).exists()


def test_new_date_asks_the_owner_to_set_it_and_leaves_the_date_alone(personas, after_period):
    due_before = after_period.commitment.due_at
    escalation_resolve(
        escalation=after_period,
        sponsor=personas.members["sponsor"],
        resolution="new_date",
        note="Friday week works for the customers.",
    )
    commitment = Commitment.objects.get(pk=after_period.commitment_id)
    assert commitment.status == "open"
    assert commitment.due_at == due_before
    titles = [n.title for n in _escalated_notices(personas.members["member"])]
    assert "Set the date agreed for “Send the renewal pricing sheet”" in titles
    resolved = Activity.objects.get(kind=Activity.Kind.RESOLVED)
    assert resolved.text == "A new date was agreed. Friday week works for the customers."


def test_dropped_drops_the_commitment_with_the_sponsors_reason(personas, after_period):
    escalation_resolve(
        escalation=after_period,
        sponsor=personas.members["sponsor"],
        resolution="dropped",
        note="The customers moved on.",
    )
    commitment = Commitment.objects.get(pk=after_period.commitment_id)
    assert (commitment.status, commitment.dropped_reason) == ("dropped", "The customers moved on.")
    after_period.refresh_from_db()
    assert (after_period.resolution, after_period.resolved_by) == (
        "dropped",
        personas.members["sponsor"],
    )


def test_a_commitment_dropped_at_escalation_takes_its_unsent_nudges_with_it(personas, after_period):
    commitment = Commitment.objects.get(pk=after_period.commitment_id)
    nudges_replan(commitment=commitment)
    assert Notification.objects.filter(sent_at__isnull=True).exists()
    escalation_resolve(
        escalation=after_period,
        sponsor=personas.members["sponsor"],
        resolution="dropped",
        note="The customers moved on.",
    )
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_dropped_needs_a_reason(personas, after_period):
    with pytest.raises(DomainError):
        escalation_resolve(
            escalation=after_period, sponsor=personas.members["sponsor"], resolution="dropped"
        )
    assert Commitment.objects.get(pk=after_period.commitment_id).status == "open"


def test_reassigned_drops_it_and_asks_the_chosen_member(personas, after_period):
    lead = personas.members["lead"]
    escalation_resolve(
        escalation=after_period,
        sponsor=personas.members["sponsor"],
        resolution="reassigned",
        reassign_to=lead,
    )
    old = Commitment.objects.get(pk=after_period.commitment_id)
    assert (old.status, old.dropped_reason) == ("dropped", REASSIGNED_REASON)
    new = Commitment.objects.exclude(pk=old.pk).get()
    assert (new.owner, new.status, new.title) == (lead, "requested", old.title)
    assert new.asked_by == personas.members["sponsor"]  # the lead who raised it is the new owner


def test_reassigning_to_someone_outside_the_circle_is_refused(personas, after_period):
    with pytest.raises(DomainError, match="is not in North"):
        escalation_resolve(
            escalation=after_period,
            sponsor=personas.members["sponsor"],
            resolution="reassigned",
            reassign_to=personas.members["coordinator"],
        )
    assert Commitment.objects.count() == 1
    assert Commitment.objects.get().status == "open"


def test_a_resolved_escalation_takes_nothing_more(personas, after_period):
    sponsor = personas.members["sponsor"]
    escalation_resolve(escalation=after_period, sponsor=sponsor, resolution="new_date")
    with pytest.raises(DomainError, match="was resolved"):
        escalation_resolve(escalation=after_period, sponsor=sponsor, resolution="dropped", note="x")
    with pytest.raises(DomainError, match="was resolved"):
        escalation_owner_side(
            escalation=after_period, owner=personas.members["member"], text="Late side."
        )
    assert Activity.objects.filter(kind=Activity.Kind.RESOLVED).count() == 1


def test_another_sponsor_cannot_resolve(personas, after_period):
    with pytest.raises(DomainError, match="Only the program's sponsor"):
        escalation_resolve(
            escalation=after_period,
            sponsor=personas.members["coordinator"],
            resolution="new_date",
        )
