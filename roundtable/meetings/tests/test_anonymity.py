"""Anonymous feedback, searched for its author in the whole database: every table, every column,
before and after a member gives it through the meeting page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import connection
from django.urls import reverse

from roundtable.circles.services import circle_add_member
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory

COMMENT = "The plum-coloured umbrella trick saved my quarter"
GIVEN_AT = dt.datetime(2027, 3, 2, 10, 17, 23, tzinfo=dt.UTC)  # after the 09:00 meeting
MEMBER_ID, USER_ID = 42424242, 48151623  # distinctive, so no other number can be mistaken
FULL_NAME, EMAIL = "Zebulon Quillfeather", "zebulon.q@example.org"

Rows = dict[str, Counter[tuple[Any, ...]]]


def _every_row() -> Rows:
    """Every row of every table in the database (Django's, third parties', ours)."""
    rows: Rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = Counter(tuple(row) for row in cursor.fetchall())
    return rows


def _written(before: Rows, after: Rows) -> dict[str, list[tuple[Any, ...]]]:
    """Rows that are new or changed (a changed row shows up as new), by table."""
    changed = {table: list((after[table] - before.get(table, Counter())).elements())
               for table in after}  # fmt: skip
    return {table: rows for table, rows in changed.items() if rows}


def _gives_away(value: Any, *, session_key: str) -> str | None:
    """What `value` would tell about who gave the feedback, or when to finer than a day."""
    if isinstance(value, int) and value in (MEMBER_ID, USER_ID):
        return "the member's or user's id"
    if isinstance(value, dt.datetime | dt.time):
        return "a time of day"
    moment = GIVEN_AT.timestamp()
    if (
        isinstance(value, int | float)
        and min(abs(value - moment), abs(value / 1000 - moment)) < 86_400
    ):
        return "a Unix time"  # in seconds or milliseconds, within a day of giving
    text = str(value)
    for clue in (str(MEMBER_ID), str(USER_ID), FULL_NAME, "Quillfeather", EMAIL, session_key,
                 "10:17", "T10:17", "11:17"):  # fmt: skip
        if clue in text:
            return f"“{clue}”"
    return None


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

    before = _every_row()
    response = client.post(
        reverse("meetings:feedback", args=[meeting.pk]), {"rating": "4", "comment": COMMENT}
    )
    assert response.status_code == 302
    written = _written(before, _every_row())

    holding_comment = [row for rows in written.values() for row in rows if COMMENT in row]
    assert len(holding_comment) == 1  # the search does find what was written
    assert sorted(written) == ["meetings_feedback", "meetings_feedbackreceipt"]
    clues = {
        (table, repr(value), clue)
        for table, rows in written.items()
        for row in rows
        for value in row
        if (clue := _gives_away(value, session_key=session_key))
    }
    assert clues == set()
    # The member still learns they answered, and cannot answer twice.
    assert "You have given your feedback on this meeting, anonymously" in (
        client.get(url).content.decode()
    )
    again = client.post(reverse("meetings:feedback", args=[meeting.pk]), {"rating": "1"})
    assert again.status_code == 400
    assert Member.objects.get(pk=MEMBER_ID).feedback.count() == 0
