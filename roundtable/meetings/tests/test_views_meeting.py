"""The meeting page's actions (views/meeting.py) as a meeting behaves: replies before it,
attendance and feedback by who was there, agenda items changed by their author and the lead,
notes that keep their history and never overwrite each other, errors that name the problem, and
an agenda add that costs the same however long the agenda. Every test also tries the outsider."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.meetings import services
from roundtable.meetings.models import AgendaItem, Attendance
from roundtable.meetings.tests.helpers import newcomer


def _page(client, meeting):
    return client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def _section(page, anchor):
    return page.split(f'id="{anchor}"')[1].split("</article>")[0]


# --- replies ---------------------------------------------------------------------------------


def test_a_member_replies_on_the_meeting_page(client, personas, meeting):
    client.force_login(personas.member)
    assert "Will you be there?" in _page(client, meeting)
    response = client.post(reverse("meetings:reply", args=[meeting.pk]), {"response": "yes"})
    assert response.url == reverse("meetings:detail", args=[meeting.pk]) + "#reply"
    reply = _section(_page(client, meeting), "reply")
    assert 'value="yes" class="small " aria-pressed="true"' in reply
    assert meeting.rsvps.get().response == "yes"
    for persona in ("sponsor", "outsider"):
        client.force_login(personas.user(persona))
        page = client.get(reverse("meetings:detail", args=[meeting.pk]))
        assert "Will you be there?" not in page.content.decode()
        refused = client.post(reverse("meetings:reply", args=[meeting.pk]), {"response": "no"})
        assert refused.status_code == 404
    assert list(meeting.rsvps.values_list("response", flat=True)) == ["yes"]


def test_no_reply_is_asked_once_the_meeting_has_started(client, personas, meeting, frozen_clock):
    frozen_clock.move_to(meeting.starts_at)
    client.force_login(personas.member)
    assert "Will you be there?" not in _page(client, meeting)


# --- attendance ------------------------------------------------------------------------------


def test_before_the_start_only_excused_is_offered_and_accepted(
    client, personas, meeting, frozen_clock
):
    me = personas.members["member"]
    client.force_login(personas.member)
    table = _section(_page(client, meeting), "attendance")
    assert 'value="excused"' in table
    assert 'value="present"' not in table
    assert 'value="absent"' not in table
    url = reverse("meetings:attendance", args=[meeting.pk, me.pk])
    response = client.post(url, {"status": "present"}, HTTP_HX_REQUEST="true")
    assert "once the meeting has started" in response.content.decode()
    assert not meeting.attendance.exists()
    frozen_clock.move_to(meeting.starts_at)
    table = _section(_page(client, meeting), "attendance")
    assert 'value="present"' in table
    client.post(url, {"status": "present"})
    assert meeting.attendance.get(member=me).status == "present"
    client.force_login(personas.outsider)
    assert client.post(url, {"status": "absent"}).status_code == 404
    assert meeting.attendance.get(member=me).status == "present"


def test_each_attendance_button_names_the_person_it_marks(client, personas, meeting):
    """A screen reader hears "Excused: Member Persona", not a column of bare "Excused"."""
    client.force_login(personas.lead)
    table = _section(_page(client, meeting), "attendance")
    for name in ("Lead Persona", "Member Persona"):
        assert f'Excused<span class="visually-hidden">: {name}</span></button>' in table


# --- feedback --------------------------------------------------------------------------------


def test_a_too_long_comment_is_reported_as_too_long(client, personas, meeting, frozen_clock):
    frozen_clock.move_to(meeting.ends_at)
    client.force_login(personas.member)
    url = reverse("meetings:feedback", args=[meeting.pk])
    response = client.post(url, {"rating": "4", "comment": "z" * 2001})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Keep the comment to 2,000 characters (it has 2001)" in body
    assert "Choose a rating from 1 to 5" not in body
    assert "z" * 2001 in body  # what they wrote is still in the box
    missing = client.post(url, {"comment": "Good"}).content.decode()
    assert "Choose a rating from 1 to 5" in missing
    assert not meeting.feedback.exists()
    client.force_login(personas.outsider)
    assert client.post(url, {"rating": "4"}).status_code == 404
    assert not meeting.feedback.exists()


def test_someone_recorded_absent_gives_no_feedback(client, personas, meeting, frozen_clock):
    frozen_clock.move_to(meeting.ends_at)
    member, lead = personas.members["member"], personas.members["lead"]
    services.attendance_set(meeting=meeting, member=member, status="absent", reported_by=lead)
    client.force_login(personas.member)
    section = _section(_page(client, meeting), "feedback")
    assert "Send feedback" not in section
    assert "you are recorded as absent" in section
    response = client.post(reverse("meetings:feedback", args=[meeting.pk]), {"rating": "5"})
    assert response.status_code == 400
    assert "Feedback comes from the people who were there" in response.content.decode()
    client.force_login(personas.lead)
    assert "Send feedback" in _section(_page(client, meeting), "feedback")
    client.force_login(personas.outsider)
    assert (
        client.post(reverse("meetings:feedback", args=[meeting.pk]), {"rating": "5"}).status_code
        == 404
    )
    assert not meeting.feedback.exists()


# --- agenda ----------------------------------------------------------------------------------


def _agenda(meeting):
    return list(meeting.agenda_items.values_list("title", flat=True))


@pytest.fixture
def items(personas, meeting):
    """Two items by the member, one by a newcomer to the circle."""
    member = personas.members["member"]
    return [
        services.agenda_item_add(meeting=meeting, member=member, title="Wins"),
        services.agenda_item_add(meeting=meeting, member=member, title="Pricing"),
        services.agenda_item_add(meeting=meeting, member=newcomer(personas.circle), title="Stock"),
    ]


def _post(client, name, meeting, item, data=None):
    return client.post(reverse(f"meetings:{name}", args=[meeting.pk, item.pk]), data or {})


def test_the_author_edits_moves_and_removes_their_item(client, personas, meeting, items):
    wins, pricing, stock = items
    client.force_login(personas.member)
    page = _page(client, meeting)
    assert 'aria-label="Edit “Pricing”"' in page
    assert 'aria-label="Edit “Stock”"' not in page  # not theirs
    data = {f"item-{pricing.pk}-title": "Pricing, Q3", f"item-{pricing.pk}-details": "New list"}
    assert _post(client, "agenda_edit", meeting, pricing, data).status_code == 302
    assert _post(client, "agenda_move", meeting, pricing, {"direction": "up"}).status_code == 302
    assert _agenda(meeting) == ["Pricing, Q3", "Wins", "Stock"]
    assert _post(client, "agenda_remove", meeting, wins).status_code == 302
    assert _agenda(meeting) == ["Pricing, Q3", "Stock"]
    for name, data in (
        ("agenda_edit", {f"item-{stock.pk}-title": "Mine now"}),
        ("agenda_move", {"direction": "up"}),
        ("agenda_remove", {}),
    ):
        assert _post(client, name, meeting, stock, data).status_code == 404
    assert _agenda(meeting) == ["Pricing, Q3", "Stock"]


@pytest.mark.parametrize("persona", ["lead", "coordinator"])
def test_the_lead_and_coordinators_change_anyones_item(client, personas, meeting, items, persona):
    wins, _, stock = items
    client.force_login(personas.user(persona))
    assert _post(client, "agenda_move", meeting, stock, {"direction": "up"}).status_code == 302
    assert _post(client, "agenda_remove", meeting, wins).status_code == 302
    assert _agenda(meeting) == ["Stock", "Pricing"]


@pytest.mark.parametrize("persona", ["sponsor", "outsider"])
def test_others_change_no_item(client, personas, meeting, items, persona):
    wins = items[0]
    client.force_login(personas.user(persona))
    assert (
        _post(client, "agenda_edit", meeting, wins, {f"item-{wins.pk}-title": "X"}).status_code
        == 404
    )
    assert _post(client, "agenda_move", meeting, wins, {"direction": "down"}).status_code == 404
    assert _post(client, "agenda_remove", meeting, wins).status_code == 404
    assert _agenda(meeting) == ["Wins", "Pricing", "Stock"]


def test_htmx_edit_returns_the_agenda_with_the_problem(client, personas, meeting, items):
    wins = items[0]
    client.force_login(personas.member)
    response = client.post(
        reverse("meetings:agenda_edit", args=[meeting.pk, wins.pk]),
        {f"item-{wins.pk}-title": " "},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Give the agenda item a title" in body
    assert _agenda(meeting) == ["Wins", "Pricing", "Stock"]


def _add_queries(client, meeting, title):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": title})
    assert response.status_code == 302
    children_read = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and ("meetings_attendance" in q["sql"] or "meetings_agendaitem" in q["sql"])
    ]
    # The access check reads no child rows; only the agenda's last position is asked for.
    assert [sql.split(" FROM")[0] for sql in children_read] == [
        'SELECT MAX("meetings_agendaitem"."position") AS "last"'
    ]
    return len(queries)


def test_adding_an_item_costs_the_same_at_10_and_at_2000_items(client, personas, meeting):
    lead, member = personas.members["lead"], personas.members["member"]
    services.attendance_set(meeting=meeting, member=lead, status="excused", reported_by=lead)

    def fill(count):
        # Rows straight in: 2,000 adds through the service would be most of the suite's time.
        start = meeting.agenda_items.count()
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, title=f"Item {n}", added_by=member, position=n)
            for n in range(start, count)
        )

    fill(10)
    client.force_login(personas.member)
    _add_queries(client, meeting, "Warm-up")  # sessions and caches
    small = _add_queries(client, meeting, "At ten")
    fill(2000)
    assert _add_queries(client, meeting, "At two thousand") == small
    assert _agenda(meeting)[-1] == "At two thousand"  # still added last
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    client.force_login(personas.outsider)
    assert (
        client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "X"}).status_code
        == 404
    )


# --- notes -----------------------------------------------------------------------------------


def test_a_second_save_from_the_same_version_shows_a_conflict_with_both_texts(
    client, personas, meeting
):
    url = reverse("meetings:notes", args=[meeting.pk])
    client.force_login(personas.lead)
    assert client.post(url, {"notes": "Lead's **plan**", "version": "0"}).status_code == 302
    client.force_login(personas.member)
    response = client.post(url, {"notes": "Member's idea", "version": "0"})
    body = _section(response.content.decode(), "notes")
    assert response.status_code == 400
    assert "Lead Persona saved the notes while you were editing" in body
    assert "Lead's <strong>plan</strong>" in body  # theirs, as saved
    assert "\nMember&#x27;s idea</textarea>" in body  # mine, still in the box
    assert 'name="version" value="1"' in body  # saving again now is a knowing overwrite
    meeting.refresh_from_db()
    assert meeting.notes == "Lead's **plan**"
    assert client.post(url, {"notes": "Both", "version": "1"}).status_code == 302
    history = _section(_page(client, meeting), "notes")
    assert history.index("Member Persona") < history.index("Lead Persona")  # newest first
    client.force_login(personas.outsider)
    assert client.post(url, {"notes": "Mine", "version": "2"}).status_code == 404
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.notes_version) == ("Both", 2)
