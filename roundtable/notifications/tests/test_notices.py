"""In-app notices (notices.py, selectors.py): sending, the member's choice per kind, one notice
per event, and the day-only time of a notice an anonymous contribution caused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from roundtable.core.errors import DomainError
from roundtable.notifications.models import (
    NOTICE_KIND_HELP,
    Notice,
    NoticeKind,
    NoticePreference,
)
from roundtable.notifications.notices import (
    notice_delivery,
    notice_preferences_set,
    notice_send,
    notices_mark_read,
)
from roundtable.notifications.selectors import notices_for, unread_count
from roundtable.orgs.services import member_update
from roundtable.testing.personas import PERSONA_NAMES
from roundtable.testing.queries import assert_queries_flat


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


# --- the inbox, opening a notice, the badge (views.py, context_processors.py) ----------------


def _notice_for(member, title="A notice", url="/programs/"):
    notice = notice_send(member=member, kind=NoticeKind.IDEA_DECIDED, title=title, url=url)
    assert notice is not None
    return notice


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_each_person_sees_and_opens_only_their_own_notices(client, personas, persona):
    notices = {name: _notice_for(m, title=f"For {name}") for name, m in personas.members.items()}
    client.force_login(personas.user(persona))
    page = client.get(reverse("notifications:notices")).content.decode()
    assert f"For {persona}" in page
    assert [name for name in PERSONA_NAMES if f"For {name}<" in page] == [persona]
    for name, notice in notices.items():
        response = client.get(reverse("notifications:notice_open", args=[notice.pk]))
        assert response.status_code == (302 if name == persona else 404), name
    client.post(reverse("notifications:notices_read"))
    unread = set(Notice.objects.filter(read_at__isnull=True).values_list("title", flat=True))
    assert unread == {f"For {name}" for name in PERSONA_NAMES} - {f"For {persona}"}


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, personas):
    notice = _notice_for(personas.members["member"], url="/programs/?tab=circles")
    client.force_login(personas.member)
    response = client.get(reverse("notifications:notice_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response.url == "/programs/?tab=circles"
    notice.refresh_from_db()
    assert notice.read_at == timezone.now()


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_opening_never_leaves_the_site(client, personas, url):
    # notice_send refuses such a link; a row written some other way still cannot redirect off.
    notice = _notice_for(personas.members["member"])
    Notice.objects.filter(pk=notice.pk).update(url=url)
    client.force_login(personas.member)
    response = client.get(reverse("notifications:notice_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response.url == reverse("notifications:notices")


def test_the_inbox_marks_unread_and_says_when(client, personas, frozen_clock):
    member = personas.members["member"]
    read = _notice_for(member, title="Seen already")
    notices_mark_read(member=member, ids=[read.pk])
    notice_send(
        member=member, kind="idea_critiqued", title="Critiqued", url="/x/", exact_time=False
    )
    frozen_clock.shift(dt.timedelta(days=1, hours=2))
    _notice_for(member, title="Decided")
    client.force_login(personas.member)
    page = client.get(reverse("notifications:notices")).content.decode()
    assert "Today, 12:00" in page  # 12:00 UTC, London in winter
    assert "Yesterday<" not in page  # the anonymous one shows its day only...
    assert "Yesterday ·" in page  # ...with no time
    assert "Yesterday, 10:00" in page  # the one read, with its time
    assert page.count('class="badge">New') == 2
    assert "2 unread" in page
    assert "Mark all read" in page


def test_the_inbox_says_what_will_show_up_when_empty(client, personas):
    client.force_login(personas.member)
    page = client.get(reverse("notifications:notices")).content.decode()
    assert "No notices yet" in page
    assert "critiqued" in page
    assert "Mark all read" not in page


def test_the_nav_badge_counts_unread_for_screen_readers_too(client, personas):
    member = personas.members["member"]
    for i in range(3):
        _notice_for(member, title=f"n{i}")
    _notice_for(personas.members["lead"])
    client.force_login(personas.member)
    page = client.get(reverse("home:home")).content.decode()
    assert '<span class="badge" aria-hidden="true">3</span>' in page
    assert "(3 unread)" in page
    notices_mark_read(member=member)
    page = client.get(reverse("home:home")).content.decode()
    assert "unread)" not in page


@pytest.mark.parametrize("url_name", ["notifications:notices", "programs:list"])
def test_the_inbox_and_the_badge_cost_the_same_queries_with_many_notices(
    client, personas, url_name
):
    member = personas.members["member"]
    _notice_for(member)
    client.force_login(personas.member)

    def grow():
        for i in range(30):
            _notice_for(member, title=f"more {i}")
            notice_send(member=member, kind="idea_revised", title="x", url="/", exact_time=False)

    assert_queries_flat(client, reverse(url_name), grow=grow)


def test_signed_out_people_are_sent_to_sign_in(client, personas):
    notice = _notice_for(personas.members["member"])
    for url in (
        reverse("notifications:notices"),
        reverse("notifications:notice_open", args=[notice.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response.url
    notice.refresh_from_db()
    assert notice.read_at is None


# --- choosing per kind on the profile (forms.py, views.py) -------------------------------------


def test_the_profile_lists_each_kind_with_its_help_and_saves_the_choice(client, personas):
    client.force_login(personas.member)
    page = client.get(reverse("orgs:profile")).content.decode()
    assert "<legend>Notices</legend>" in page
    for kind, label in NoticeKind.choices:
        assert escape(label) in page
        assert escape(NOTICE_KIND_HELP[kind]) in page
    client.post(
        reverse("notifications:preferences"),
        {"reminders": "on", "notice_idea_critiqued": "off", "notice_trial_review_due": "app"},
    )
    member = personas.members["member"]
    assert notice_delivery(member=member, kind="idea_critiqued") == "off"
    assert notice_delivery(member=member, kind="trial_review_due") == "app"
    assert notice_delivery(member=member, kind="idea_revised") == "digest"
    page = client.get(reverse("orgs:profile")).content.decode()
    assert '<option value="off" selected>Off</option>' in page
    # Back to the default: stored as no row.
    client.post(reverse("notifications:preferences"), {"notice_idea_critiqued": "digest"})
    assert notice_delivery(member=member, kind="idea_critiqued") == "digest"
    assert list(NoticePreference.objects.values_list("kind", flat=True)) == ["trial_review_due"]


def test_a_choice_not_on_the_list_is_refused(client, personas):
    client.force_login(personas.member)
    response = client.post(
        reverse("notifications:preferences"), {"notice_idea_critiqued": "hourly"}
    )
    assert response.status_code == 302
    assert not NoticePreference.objects.exists()


def test_every_kind_has_help_text():
    assert set(NOTICE_KIND_HELP) == set(NoticeKind.values)
