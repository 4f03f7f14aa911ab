"""In-app notices (notices.py, selectors.py): sending, the member's choice per kind, one notice
per event, and the day-only time of a notice an anonymous contribution caused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.notifications.notices import (
    notice_preferences_set,
    notice_send,
    notices_mark_read,
)
from roundtable.notifications.selectors import notices_for, unread_count
from roundtable.orgs.services import member_update


def _send(member, **kwargs):
    return notice_send(
        member=member,
        kind=kwargs.pop("kind", NoticeKind.IDEA_CRITIQUED),
        title=kwargs.pop("title", "Your idea “Stand-up at 9” was critiqued"),
        url=kwargs.pop("url", "/ideas/1/"),
        **kwargs,
    )


def test_a_notice_is_sent_and_listed_unread(personas):
    member = personas.members["member"]
    notice = _send(member, body="A concern: the night shift.")
    assert notice is not None
    row = Notice.objects.get()
    assert (row.member, row.kind, row.url, row.body) == (
        member,
        "idea_critiqued",
        "/ideas/1/",
        "A concern: the night shift.",
    )
    assert row.created_at == timezone.now()
    assert row.created_on == timezone.localdate()
    assert list(notices_for(member=member)) == [row]
    assert unread_count(member=member) == 1
    assert unread_count(member=personas.members["lead"]) == 0


def test_a_notice_caused_by_an_anonymous_contribution_keeps_only_its_day(personas):
    _send(personas.members["member"], exact_time=False)
    row = Notice.objects.values().get()
    assert row["created_at"] is None
    assert row["created_on"] == dt.date(2027, 3, 1)
    # Nothing else on the row is a time, and its key is no sequence.
    assert [name for name, value in row.items() if isinstance(value, dt.datetime)] == []
    second = _send(personas.members["member"], exact_time=False, key="another")
    assert second is not None
    assert abs(second.pk - row["id"]) > 1_000  # random keys, not one after the other


def test_a_kind_turned_off_is_not_sent_and_app_only_still_is(personas):
    member = personas.members["member"]
    notice_preferences_set(
        member=member,
        deliveries={NoticeKind.IDEA_CRITIQUED: "off", NoticeKind.IDEA_REVISED: "app"},
    )
    assert _send(member) is None
    assert _send(member, kind=NoticeKind.IDEA_REVISED) is not None
    assert list(Notice.objects.values_list("kind", flat=True)) == ["idea_revised"]


def test_an_inactive_member_gets_no_notice(personas):
    member = member_update(member=personas.members["member"], is_active=False)
    assert _send(member) is None
    assert not Notice.objects.exists()


def test_one_event_notifies_once(personas, frozen_clock):
    member = personas.members["member"]
    first = _send(member, key="critique:8f3a")
    frozen_clock.shift(dt.timedelta(hours=1))
    again = _send(member, key="critique:8f3a", title="Changed")
    assert again == first
    assert Notice.objects.get().title.startswith("Your idea")
    # Without a key, or with another kind, each call is a notice of its own.
    _send(member)
    _send(member)
    _send(member, kind=NoticeKind.IDEA_DECIDED, key="critique:8f3a")
    assert Notice.objects.count() == 4


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "ideas/1/", ""])
def test_a_notice_links_only_within_the_site(personas, url):
    with pytest.raises(DomainError):
        _send(personas.members["member"], url=url)


def test_an_unknown_kind_is_refused(personas):
    with pytest.raises(DomainError):
        _send(personas.members["member"], kind="nope")


def test_a_long_title_is_shortened_not_refused(personas):
    notice = _send(personas.members["member"], title="x" * 300, body="y" * 900)
    assert notice is not None
    assert (len(notice.title), len(notice.body)) == (200, 500)


def test_newest_first_by_day_then_time(personas, frozen_clock):
    member = personas.members["member"]
    older = _send(member, title="older")
    frozen_clock.shift(dt.timedelta(minutes=5))
    newer = _send(member, title="newer")
    anonymous = _send(member, title="anonymous", exact_time=False)
    frozen_clock.shift(dt.timedelta(days=1))
    tomorrow = _send(member, title="tomorrow", exact_time=False)
    assert list(notices_for(member=member)) == [tomorrow, newer, older, anonymous]


def test_marking_some_or_all_read_touches_only_ones_own(personas):
    member, lead = personas.members["member"], personas.members["lead"]
    mine = [_send(member, key=str(i)) for i in range(3)]
    theirs = _send(lead)
    assert theirs is not None
    ids = [mine[0].pk, theirs.pk]  # someone else's id is ignored
    assert notices_mark_read(member=member, ids=ids) == 1
    assert unread_count(member=member) == 2
    assert unread_count(member=lead) == 1
    assert notices_mark_read(member=member) == 2
    assert unread_count(member=member) == 0
    assert unread_count(member=lead) == 1
