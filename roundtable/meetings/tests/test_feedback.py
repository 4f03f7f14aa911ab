"""A member's rating of a meeting they were at (services/feedback.py): named feedback can be
changed; anonymous feedback keeps no author, answers once and stays anonymous whatever the
circle chooses later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from roundtable.circles.services import circle_add_member, circle_update
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.models import Feedback, FeedbackReceipt
from roundtable.testing.factories import MemberFactory

WEEK = dt.timedelta(days=7)
ALREADY = "already given feedback on this meeting; anonymous feedback can't be changed"


@pytest.fixture
def named(personas):
    """The personas' circle, showing names with feedback (it is anonymous by default)."""
    return circle_update(circle=personas.circle, feedback_anonymous=False)


def test_feedback_opens_at_the_start_and_named_feedback_can_change(personas, meetings, named):
    meeting, cancelled = meetings[:2]
    member = personas.members["member"]
    with pytest.raises(DomainError, match="opens when the meeting starts"):
        services.feedback_give(meeting=meeting, member=member, rating=4)
    after = meeting.ends_at
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Slow", now=after)
    services.feedback_give(meeting=meeting, member=member, rating=3, now=after)
    assert list(meeting.feedback.values_list("member", "rating", "comment", "anonymous")) == [
        (member.pk, 3, "", False)
    ]
    with pytest.raises(DomainError, match="from 1 to 5"):
        services.feedback_give(meeting=meeting, member=member, rating=9, now=after)
    services.meeting_cancel(meeting=cancelled, reason="Holiday")
    with pytest.raises(DomainError, match="cancelled meeting takes no feedback"):
        services.feedback_give(meeting=cancelled, member=member, rating=4, now=cancelled.ends_at)


def test_anonymous_feedback_keeps_no_author_and_is_given_once(personas, meetings):
    meeting, next_meeting = meetings[0], meetings[1]
    member, lead = personas.members["member"], personas.members["lead"]
    late = meeting.ends_at + dt.timedelta(hours=20)  # 05:00 UTC the next day
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Slow", now=late)
    assert list(meeting.feedback.values_list("member", "anonymous", "rating", "given_on")) == [
        (None, True, 2, dt.date(2027, 3, 3))
    ]
    with pytest.raises(DomainError, match=ALREADY):
        services.feedback_give(meeting=meeting, member=member, rating=5, now=late)
    assert list(meeting.feedback.values_list("rating", "comment")) == [(2, "Slow")]
    services.feedback_give(meeting=meeting, member=lead, rating=4, now=late)  # someone else
    services.feedback_give(meeting=next_meeting, member=member, rating=5, now=late + WEEK)
    assert meeting.feedback.count() == 2
    assert meeting.feedback_receipts.count() == 2
    assert list(next_meeting.feedback.values_list("member", "rating")) == [(None, 5)]


def test_anonymous_feedback_records_no_attendance(personas, meeting):
    """Recording the giver present would tie them to the moment they gave it."""
    member = personas.members["member"]
    services.feedback_give(meeting=meeting, member=member, rating=4, now=meeting.ends_at)
    assert not meeting.attendance.exists()


def test_named_feedback_without_recorded_attendance_records_the_giver_present(
    personas, meeting, named
):
    member = personas.members["member"]
    services.feedback_give(meeting=meeting, member=member, rating=4, now=meeting.ends_at)
    mark = meeting.attendance.get(member=member)
    assert (mark.status, mark.reported_by) == ("present", member)


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("status", ["absent", "excused"])
def test_feedback_comes_only_from_people_who_were_there(personas, meeting, status, anonymous):
    circle_update(circle=personas.circle, feedback_anonymous=anonymous)
    member, lead = personas.members["member"], personas.members["lead"]
    after = meeting.ends_at
    services.attendance_set(
        meeting=meeting, member=member, status=status, reported_by=lead, now=after
    )
    with pytest.raises(DomainError, match=f"who were there; you are recorded as {status}"):
        services.feedback_give(meeting=meeting, member=member, rating=5, now=after)
    assert not meeting.feedback.exists()
    assert not meeting.feedback_receipts.exists()
    assert meeting.attendance.get(member=member).status == status


def test_anonymous_feedback_stays_anonymous_when_the_circle_shows_names(personas, meeting):
    member, lead = personas.members["member"], personas.members["lead"]
    after = meeting.ends_at
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Quiet", now=after)
    circle_update(circle=personas.circle, feedback_anonymous=False)
    with pytest.raises(DomainError, match=ALREADY):  # the receipt still counts as the answer
        services.feedback_give(meeting=meeting, member=member, rating=5, now=after)
    services.feedback_give(meeting=meeting, member=lead, rating=4, comment="Good", now=after)
    assert sorted(
        meeting.feedback.values_list("comment", "member", "anonymous"), key=lambda row: row[0]
    ) == [("Good", lead.pk, False), ("Quiet", None, True)]


def test_named_feedback_stays_named_when_the_circle_becomes_anonymous(personas, meeting, named):
    """It was given under a setting that showed the name; turning it anonymous now would show
    everyone whose it was (the named comment vanishes, an anonymous one appears)."""
    member, lead = personas.members["member"], personas.members["lead"]
    after = meeting.ends_at
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Hm", now=after)
    circle_update(circle=personas.circle, feedback_anonymous=True)
    services.feedback_give(meeting=meeting, member=member, rating=3, comment="Ok", now=after)
    services.feedback_give(meeting=meeting, member=lead, rating=5, now=after)
    assert sorted(meeting.feedback.values_list("rating", "member", "anonymous")) == [
        (3, member.pk, False),
        (5, None, True),
    ]
    assert FeedbackReceipt.objects.count() == 1  # the lead's; the member answered with a name


def test_an_anonymous_feedback_cannot_hold_a_member(personas, meeting):
    """The database itself refuses the mix, whatever path writes it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(
            meeting=meeting,
            member=personas.members["member"],
            anonymous=True,
            rating=4,
            given_on=dt.date(2027, 3, 2),
        )


def test_feedback_from_outside_the_circle_is_refused(personas, meeting):
    with pytest.raises(DomainError, match="is not in"):
        services.feedback_give(
            meeting=meeting, member=personas.members["sponsor"], rating=4, now=meeting.ends_at
        )
    assert not meeting.attendance.exists()
    assert not meeting.feedback_receipts.exists()


def test_a_long_comment_is_refused_for_its_length(personas, meeting):
    with pytest.raises(DomainError, match=r"comment to 2,000 characters \(it has 2,001\)"):
        services.feedback_give(
            meeting=meeting,
            member=personas.members["member"],
            rating=4,
            comment="x" * 2001,
            now=meeting.ends_at,
        )
    assert not meeting.feedback.exists()


def _answers(*pairs):
    return [services.FeedbackAnswer(member=m, rating=r, comment=c) for m, r, c in pairs]


def test_many_anonymous_answers_at_once_keep_no_author_and_count_once(personas, meeting):
    member, lead = personas.members["member"], personas.members["lead"]
    late = meeting.ends_at + dt.timedelta(hours=20)  # 05:00 UTC the next day
    given = services.feedback_give_many(
        meeting=meeting,
        answers=_answers((member, 2, " Slow "), (lead, 5, "")),
        now=late,
    )
    assert [(f.member, f.anonymous, f.rating) for f in given] == [(None, True, 2), (None, True, 5)]
    assert sorted(
        meeting.feedback.values_list("member", "anonymous", "rating", "comment", "given_on")
    ) == [
        (None, True, 2, "Slow", dt.date(2027, 3, 3)),
        (None, True, 5, "", dt.date(2027, 3, 3)),
    ]
    assert set(meeting.feedback_receipts.values_list("digest", flat=True)) == {
        FeedbackReceipt.digest_for(meeting_id=meeting.pk, member_id=person.pk)
        for person in (member, lead)
    }
    assert not meeting.attendance.exists()  # it would tie them to the moment
    with pytest.raises(DomainError, match=ALREADY):  # one at a time, as the page does
        services.feedback_give(meeting=meeting, member=member, rating=5, now=late)
    with pytest.raises(DomainError, match="already given anonymous feedback"):
        services.feedback_give_many(meeting=meeting, answers=_answers((lead, 1, "")), now=late)
    assert meeting.feedback.count() == 2


def test_many_named_answers_at_once_record_attendance_and_can_change(personas, meeting, named):
    member, lead = personas.members["member"], personas.members["lead"]
    after = meeting.ends_at
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Hm", now=after)
    services.feedback_give_many(
        meeting=meeting, answers=_answers((member, 4, "Better"), (lead, 5, "")), now=after
    )
    assert sorted(meeting.feedback.values_list("member", "anonymous", "rating", "comment")) == (
        sorted([(member.pk, False, 4, "Better"), (lead.pk, False, 5, "")])
    )
    assert sorted(meeting.attendance.values_list("member", "status", "reported_by")) == sorted(
        [(member.pk, "present", member.pk), (lead.pk, "present", lead.pk)]
    )
    assert not meeting.feedback_receipts.exists()


@pytest.mark.parametrize("anonymous", [True, False])
def test_one_refused_answer_records_none(personas, meeting, anonymous):
    circle_update(circle=personas.circle, feedback_anonymous=anonymous)
    member, lead = personas.members["member"], personas.members["lead"]
    after = meeting.ends_at
    services.attendance_set(
        meeting=meeting, member=member, status="excused", reported_by=lead, now=after
    )
    refused = [
        ((lead, 4, ""), (member, 5, ""), "who were there; you are recorded as excused"),
        ((lead, 4, ""), (lead, 5, ""), "Each member answers once"),
        ((lead, 4, ""), (personas.members["sponsor"], 4, ""), "is not in"),
        ((lead, 4, ""), (lead, 6, ""), "from 1 to 5"),
        ((lead, 4, "x" * 2001), (lead, 4, ""), "comment to 2,000 characters"),
    ]
    for first, second, refusal in refused:
        with pytest.raises(DomainError, match=refusal):
            services.feedback_give_many(meeting=meeting, answers=_answers(first, second), now=after)
    with pytest.raises(DomainError, match="opens when the meeting starts"):
        services.feedback_give_many(
            meeting=meeting, answers=_answers((lead, 4, "")), now=meeting.starts_at - WEEK
        )
    assert not meeting.feedback.exists()
    assert not meeting.feedback_receipts.exists()
    assert list(meeting.attendance.values_list("member", "status")) == [(member.pk, "excused")]


def test_a_cancelled_meeting_takes_no_answers_at_once(personas, meeting):
    services.meeting_cancel(meeting=meeting, reason="Holiday")
    with pytest.raises(DomainError, match="cancelled meeting takes no feedback"):
        services.feedback_give_many(
            meeting=meeting,
            answers=_answers((personas.members["lead"], 4, "")),
            now=meeting.ends_at,
        )


@pytest.mark.parametrize("anonymous", [True, False])
def test_many_answers_take_the_same_queries_however_many_people(personas, meetings, anonymous):
    circle_update(circle=personas.circle, feedback_anonymous=anonymous)
    people = MemberFactory.create_batch(4, organization=personas.organization)
    for person in people:
        circle_add_member(circle=personas.circle, member=person, on=dt.date(2027, 2, 1))
    counts = []
    for meeting, answering in ((meetings[0], people[:1]), (meetings[1], people)):
        meeting.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            services.feedback_give_many(
                meeting=meeting,
                answers=_answers(*[(person, 4, "") for person in answering]),
                now=meeting.ends_at,
            )
        counts.append(len(captured))
        assert meeting.feedback.count() == len(answering)
    assert counts[0] == counts[1]
