"""Commitments' rules, each with its refusal: asking (no date until the owner gives one), the
owner's answers and the asker's, moves by the owner only and with a reason, done and dropped,
waiting without cycles, busy periods; who is told of what. A refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.commitments.models import Activity, BusyPeriod, Commitment, DateChange
from roundtable.commitments.services import busy
from roundtable.commitments.services import commitments as services
from roundtable.commitments.tests.helpers import DAY, agreed, asked, taken_on
from roundtable.core.errors import DomainError
from roundtable.ideas.tests.decision_factories import newcomer
from roundtable.notifications.models import Notice

pytestmark = pytest.mark.usefixtures("frozen_clock")

S = Commitment.Status
UTC = dt.UTC


def _snapshot(commitment: Commitment) -> tuple:
    commitment.refresh_from_db()
    return (
        commitment.status,
        commitment.due_at,
        commitment.answer,
        commitment.done_at,
        commitment.dropped_reason,
        DateChange.objects.filter(commitment=commitment).count(),
        Activity.objects.filter(commitment_id=commitment.pk).count(),
        Notice.objects.count(),
    )


# --- taking on and asking -------------------------------------------------------------------


def test_a_member_takes_one_on_by_their_own_date_at_five_in_their_zone(personas, member):
    commitment = taken_on(personas.circle, member)
    assert commitment.status == S.OPEN
    assert commitment.due_at == dt.datetime(2027, 3, 5, 17, tzinfo=UTC)  # London is on GMT
    assert commitment.due_time_zone == "Europe/London"
    (change,) = DateChange.objects.filter(commitment=commitment)
    assert (change.from_due_at, change.to_due_at, change.changed_by) == (
        None,
        commitment.due_at,
        member,
    )
    assert list(commitment.activity.values_list("kind", flat=True)) == ["created"]


@pytest.mark.parametrize(
    ("on", "at"), [(dt.date(2027, 2, 28), None), (dt.date(2027, 3, 1), dt.time(10))]
)
def test_a_date_in_the_past_is_refused_and_nothing_is_made(personas, member, on, at):
    with pytest.raises(DomainError, match="still to come"):
        services.commitment_take_on(
            circle=personas.circle, owner=member, title="Call back", due_on=on, due_time=at
        )
    assert not Commitment.objects.exists()


def test_only_someone_in_the_circle_takes_one_on_there(personas, peer):
    with pytest.raises(DomainError, match="Only the members and the lead of North"):
        taken_on(personas.circle, peer)
    assert not Commitment.objects.exists()


def test_a_request_has_no_date_and_the_owner_is_asked_when(personas, lead, member):
    commitment = asked(personas.circle, lead, member)
    assert (commitment.status, commitment.due_at, commitment.asked_by) == (S.REQUESTED, None, lead)
    (notice,) = Notice.objects.filter(member=member)
    assert notice.kind == "commitment_asked"
    assert notice.title == "Lead Persona asks: “Share the churn list”"
    assert "You choose the date" in notice.body
    assert notice.url == f"/commitments/{commitment.pk}/"


@pytest.mark.parametrize("who", ["self", "other circle", "other organisation"])
def test_asking_yourself_or_someone_outside_the_circle_is_refused(personas, lead, peer, who):
    owner = {
        "self": lead,
        "other circle": peer,
        "other organisation": personas.members["outsider"],
    }[who]
    with pytest.raises(DomainError):
        asked(personas.circle, lead, owner)
    assert not Commitment.objects.exists()
    assert not Notice.objects.exists()


# --- answers ----------------------------------------------------------------------


def test_the_owner_answers_with_a_date_and_the_asker_is_told(personas, lead, member):
    commitment = asked(personas.circle, lead, member)
    services.commitment_answer(
        commitment=commitment, member=member, due_on=DAY, due_time=dt.time(9, 30)
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.due_at) == (
        S.OPEN,
        dt.datetime(2027, 3, 5, 9, 30, tzinfo=UTC),
    )
    (notice,) = Notice.objects.filter(member=lead)
    assert (notice.kind, notice.title) == (
        "commitment_answered",
        "Member Persona will do “Share the churn list”",
    )
    assert notice.body == "By Fri 5 Mar 2027, 09:30 (Europe/London)."


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_nobody_but_the_owner_sets_the_date(personas, lead, member, who):
    commitment = asked(personas.circle, lead, member)
    before = _snapshot(commitment)
    with pytest.raises(DomainError, match="Only Member Persona, who owns this commitment"):
        services.commitment_answer(commitment=commitment, member=personas.members[who], due_on=DAY)
    assert _snapshot(commitment) == before


def test_an_answer_in_the_past_is_refused(personas, lead, member):
    commitment = asked(personas.circle, lead, member)
    before = _snapshot(commitment)
    with pytest.raises(DomainError, match="still to come"):
        services.commitment_answer(commitment=commitment, member=member, due_on=dt.date(2027, 2, 1))
    assert _snapshot(commitment) == before


def test_the_owner_declines_with_a_reason_and_the_asker_replies(personas, lead, member):
    commitment = asked(personas.circle, lead, member)
    with pytest.raises(DomainError, match="reason"):
        services.commitment_decline(commitment=commitment, member=member, reason="  ")
    services.commitment_decline(commitment=commitment, member=member, reason="I am on leave.")
    commitment.refresh_from_db()
    assert (commitment.status, commitment.answer) == (S.DECLINED, "I am on leave.")
    assert Notice.objects.get(member=lead).title == "Member Persona declined “Share the churn list”"
    services.commitment_reply(commitment=commitment, member=lead, text="After your leave?")
    commitment.refresh_from_db()
    assert commitment.status == S.REQUESTED
    reply = Notice.objects.get(member=member, title__startswith="Lead Persona replied")
    assert (reply.kind, reply.body) == ("commitment_asked", "After your leave?")


def test_a_counter_proposal_with_a_date_accepted_by_the_asker_is_open(personas, lead, member):
    commitment = asked(personas.circle, lead, member)
    services.commitment_counter(
        commitment=commitment, member=member, proposal="The top 20 only.", due_on=DAY
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.answer) == (S.COUNTERED, "The top 20 only.")
    told = Notice.objects.get(member=lead)
    assert told.body == "The top 20 only. By Fri 5 Mar 2027, 17:00 (Europe/London)."
    with pytest.raises(DomainError, match="Only the person who asked"):
        services.commitment_accept(commitment=commitment, member=member)
    services.commitment_accept(commitment=commitment, member=lead)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.due_at) == (
        S.OPEN,
        dt.datetime(2027, 3, 5, 17, tzinfo=UTC),
    )
    # The date stays the owner's choice on record, though the asker's click opened it.
    assert DateChange.objects.get(commitment=commitment).changed_by == member


def test_a_counter_proposal_without_a_date_goes_back_to_the_owner_for_one(personas, lead, member):
    commitment = asked(personas.circle, lead, member)
    services.commitment_counter(commitment=commitment, member=member, proposal="A summary.")
    services.commitment_accept(commitment=commitment, member=lead)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.due_at) == (S.REQUESTED, None)
    accepted = Notice.objects.get(member=member, kind="commitment_answered")
    assert accepted.body == "When can you have it done? Choose the date."


# --- moves, done and dropped ---------------------------------------------------------------------


def _waiting_on(personas, commitment, owner):
    waiter = taken_on(personas.circle, owner, "Run the pilot calls", on=dt.date(2027, 3, 12))
    services.commitment_wait_on(commitment=waiter, on=commitment, member=owner)
    return waiter


def test_the_owner_moves_the_date_with_a_reason_and_those_waiting_are_told(personas, lead, member):
    commitment = agreed(personas.circle, lead, member)
    other = newcomer(personas.circle)
    _waiting_on(personas, commitment, other)
    Notice.objects.all().delete()
    services.commitment_move(
        commitment=commitment, member=member, due_on=dt.date(2027, 3, 9), reason="Data late."
    )
    services.commitment_move(
        commitment=commitment, member=member, due_on=dt.date(2027, 3, 10), reason="Ill."
    )
    moves = DateChange.objects.filter(commitment=commitment, from_due_at__isnull=False)
    assert [(m.from_due_at and m.from_due_at.day, m.to_due_at.day, m.reason) for m in moves] == [
        (5, 9, "Data late."),
        (9, 10, "Ill."),
    ]
    told = Notice.objects.filter(kind="commitment_moved")
    assert sorted(n.member.pk for n in told) == sorted([lead.pk, other.pk] * 2)
    assert not told.filter(member=member).exists()
    assert told.filter(body="Now by Wed 10 Mar 2027, 17:00 (Europe/London). Why: Ill.").count() == 2


@pytest.mark.parametrize(
    ("who", "changes", "problem"),
    [
        ("lead", {}, "Only Member Persona, who owns this commitment, can move its date"),
        ("member", {"reason": " "}, "reason"),
        ("member", {"due_on": dt.date(2027, 2, 27)}, "still to come"),
        ("member", {"due_on": DAY}, "already its date"),
    ],
)
def test_a_refused_move_changes_nothing(personas, lead, member, who, changes, problem):
    commitment = agreed(personas.circle, lead, member)
    before = _snapshot(commitment)
    move = {"due_on": dt.date(2027, 3, 9), "reason": "Data late.", **changes}
    with pytest.raises(DomainError, match=problem):
        services.commitment_move(commitment=commitment, member=personas.members[who], **move)
    assert _snapshot(commitment) == before


def test_done_with_a_note_and_a_link_tells_those_waiting(personas, lead, member):
    commitment = agreed(personas.circle, lead, member)
    services.commitment_done(
        commitment=commitment, member=member, note="Shared.", link="https://x.example/list"
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.done_note, commitment.done_link) == (
        S.DONE,
        "Shared.",
        "https://x.example/list",
    )
    told = Notice.objects.filter(member=lead, kind="commitment_moved").get()
    assert told.title == "Member Persona finished “Share the churn list”"
    before = _snapshot(commitment)
    with pytest.raises(DomainError, match="cannot be marked done now"):
        services.commitment_done(commitment=commitment, member=member)
    assert _snapshot(commitment) == before


def test_only_the_owner_marks_done_or_drops(personas, lead, member):
    commitment = agreed(personas.circle, lead, member)
    before = _snapshot(commitment)
    with pytest.raises(DomainError, match="can mark it done"):
        services.commitment_done(commitment=commitment, member=lead)
    with pytest.raises(DomainError, match="can drop it"):
        services.commitment_drop(commitment=commitment, member=lead, reason="Not needed.")
    assert _snapshot(commitment) == before


def test_dropping_needs_a_reason(personas, lead, member):
    commitment = agreed(personas.circle, lead, member)
    before = _snapshot(commitment)
    with pytest.raises(DomainError, match="reason"):
        services.commitment_drop(commitment=commitment, member=member, reason="")
    assert _snapshot(commitment) == before
    services.commitment_drop(commitment=commitment, member=member, reason="The list is public.")
    commitment.refresh_from_db()
    assert (commitment.status, commitment.dropped_reason) == (S.DROPPED, "The list is public.")
    assert Notice.objects.filter(member=lead, kind="commitment_moved").get().body == (
        "Why: The list is public."
    )


# --- waiting -------------------------------------------------------------------------------


def test_waiting_on_itself_or_in_a_cycle_is_refused(personas, member, lead):
    a = taken_on(personas.circle, member, "A")
    b = taken_on(personas.circle, lead, "B")
    c = taken_on(personas.circle, lead, "C")
    with pytest.raises(DomainError, match="cannot wait on itself"):
        services.commitment_wait_on(commitment=a, on=a, member=member)
    services.commitment_wait_on(commitment=a, on=b, member=member)
    services.commitment_wait_on(commitment=b, on=c, member=lead)
    before = Commitment.waits_on.through.objects.count()
    with pytest.raises(DomainError, match="make a circle"):
        services.commitment_wait_on(commitment=b, on=a, member=lead)  # directly
    with pytest.raises(DomainError, match="make a circle"):
        services.commitment_wait_on(commitment=c, on=a, member=lead)  # through B
    assert Commitment.waits_on.through.objects.count() == before
    assert not c.waits_on.exists()


def test_waiting_on_another_circles_commitment_is_refused(personas, member, peer):
    mine = taken_on(personas.circle, member)
    theirs = taken_on(personas.other_circle, peer)
    with pytest.raises(DomainError, match="same circle"):
        services.commitment_wait_on(commitment=mine, on=theirs, member=member)
    assert not mine.waits_on.exists()


def test_it_stops_waiting(personas, member, lead):
    a, b = taken_on(personas.circle, member, "A"), taken_on(personas.circle, lead, "B")
    services.commitment_wait_on(commitment=a, on=b, member=member)
    services.commitment_stop_waiting(commitment=a, on=b, member=member)
    assert not a.waits_on.exists()
    with pytest.raises(DomainError, match="does not wait on"):
        services.commitment_stop_waiting(commitment=a, on=b, member=member)


# --- busy periods ----------------------------------------------------------------------


def test_a_busy_period_that_ends_before_it_starts_is_refused(member):
    with pytest.raises(DomainError, match="ends on or after"):
        busy.busy_period_add(
            member=member,
            label="Launch",
            starts_on=dt.date(2027, 3, 10),
            ends_on=dt.date(2027, 3, 9),
        )
    assert not BusyPeriod.objects.exists()


def test_commitments_in_a_busy_period_move_in_one_step_each_on_record(personas, lead, member):
    inside = agreed(personas.circle, lead, member, on=dt.date(2027, 3, 9))
    late = taken_on(personas.circle, member, "Late", on=dt.date(2027, 3, 12), due_time=dt.time(9))
    outside = taken_on(personas.circle, member, "Outside", on=dt.date(2027, 3, 20))
    period = busy.busy_period_add(
        member=member, label="Launch", starts_on=dt.date(2027, 3, 8), ends_on=dt.date(2027, 3, 12)
    )
    changes = busy.busy_period_move_commitments(period=period, member=member)
    assert [c.commitment for c in changes] == [inside, late]
    for c in (inside, late, outside):
        c.refresh_from_db()
    # The day after the period, each at its own time of day.
    assert inside.due_at == dt.datetime(2027, 3, 13, 17, tzinfo=UTC)
    assert late.due_at == dt.datetime(2027, 3, 13, 9, tzinfo=UTC)
    assert outside.due_at == dt.datetime(2027, 3, 20, 17, tzinfo=UTC)
    assert {c.busy_period for c in changes} == {period}
    assert changes[0].reason == "Busy period: Launch (08 Mar to 12 Mar 2027)"
    assert Notice.objects.filter(member=lead, kind="commitment_moved").count() == 1


def test_moving_by_a_busy_period_into_it_or_by_someone_else_is_refused(personas, lead, member):
    inside = agreed(personas.circle, lead, member, on=dt.date(2027, 3, 9))
    period = busy.busy_period_add(
        member=member, label="Launch", starts_on=dt.date(2027, 3, 8), ends_on=dt.date(2027, 3, 12)
    )
    before = _snapshot(inside)
    with pytest.raises(DomainError, match="after Launch ends"):
        busy.busy_period_move_commitments(period=period, member=member, to_on=dt.date(2027, 3, 11))
    with pytest.raises(DomainError, match="Only the member who declared"):
        busy.busy_period_move_commitments(period=period, member=lead)
    assert _snapshot(inside) == before
