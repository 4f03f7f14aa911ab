"""Anonymous feedback, searched for its author in the whole database: every table, every column,
before and after a member gives it through the meeting page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.orgs.models import Member
from roundtable.testing.anonymity import (
    EMAIL,
    FULL_NAME,
    MEMBER_ID,
    USER_ID,
    Author,
    clues_in,
    every_row,
    rows_written,
)
from roundtable.testing.factories import MemberFactory

COMMENT = "The plum-coloured umbrella trick saved my quarter"
GIVEN_AT = dt.datetime(2027, 3, 2, 10, 17, 23, tzinfo=dt.UTC)  # after the 09:00 meeting


def test_anonymous_feedback_leaves_nothing_that_leads_to_its_author(
    client, personas, meeting, frozen_clock
):
    member = MemberFactory.create(
        pk=MEMBER_ID,
        organization=personas.organization,
        user__id=USER_ID,
        user__full_name=FULL_NAME,
        user__email=EMAIL,
    )
    circle_add_member(circle=personas.circle, member=member, on=dt.date(2027, 2, 1))
    assert personas.circle.feedback_anonymous
    frozen_clock.move_to(GIVEN_AT)
    client.force_login(member.user)
    url = reverse("meetings:detail", args=[meeting.pk])
    assert "Send feedback" in client.get(url).content.decode()  # sessions and caches warm
    session_key = client.session.session_key

    before = every_row()
    response = client.post(
        reverse("meetings:feedback", args=[meeting.pk]), {"rating": "4", "comment": COMMENT}
    )
    assert response.status_code == 302
    written = rows_written(before, every_row())

    holding_comment = [row for rows in written.values() for row in rows if COMMENT in row]
    assert len(holding_comment) == 1  # the search does find what was written
    assert sorted(written) == ["meetings_feedback", "meetings_feedbackreceipt"]
    author = Author(session_key=session_key, moment=GIVEN_AT, more_clues=("11:17",))
    clues = clues_in(written, author)
    assert clues == set()
    # The member still learns they answered, and cannot answer twice.
    assert "You have given your feedback on this meeting, anonymously" in (
        client.get(url).content.decode()
    )
    again = client.post(reverse("meetings:feedback", args=[meeting.pk]), {"rating": "1"})
    assert again.status_code == 400
    assert Member.objects.get(pk=MEMBER_ID).feedback.count() == 0
