"""Agenda items, carrying unfinished ones forward, and a program's meeting structure
(services/agenda.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.selectors import agenda_template_get


def test_unfinished_agenda_items_carry_over_once(personas, meetings):
    first, second = meetings[:2]
    lead = personas.circle.lead
    done = services.agenda_item_add(meeting=first, member=lead, title="Done thing")
    services.agenda_item_set_done(item=done, done=True)
    services.agenda_item_add(meeting=first, member=lead, title="Open thing")
    services.meetings_roll_forward(now=first.ends_at + dt.timedelta(minutes=1))
    carried = list(second.agenda_items.all())
    assert [i.title for i in carried] == ["Open thing"]
    assert carried[0].carried_from is not None
    # Running the worker again does not carry twice.
    services.meetings_roll_forward(now=first.ends_at + dt.timedelta(minutes=2))
    assert second.agenda_items.count() == 1


def test_an_agenda_item_needs_a_title_and_a_meeting_that_takes_place(personas, meetings):
    lead = personas.circle.lead
    with pytest.raises(DomainError, match="Give the agenda item a title"):
        services.agenda_item_add(meeting=meetings[0], member=lead, title="  ")
    services.meeting_cancel(meeting=meetings[1], reason="Holiday")
    with pytest.raises(DomainError, match="add the item to the next one"):
        services.agenda_item_add(meeting=meetings[1], member=lead, title="Pricing")


def test_a_program_sets_the_structure_of_its_meetings(personas):
    program = personas.program
    assert agenda_template_get(program=program)[0][0] == "Check-in"  # the default
    services.agenda_template_set(program=program, text="Wins: one each\n\nHot seat\n")
    assert agenda_template_get(program=program) == [("Wins", "one each"), ("Hot seat", "")]
    with pytest.raises(DomainError, match="Line 2 has no title"):
        services.agenda_template_set(program=program, text="Wins\n: nothing\n")
    with pytest.raises(DomainError, match="12 steps at most"):
        services.agenda_template_set(program=program, text="\n".join(["Step"] * 13))
    assert [t for t, _ in agenda_template_get(program=program)] == ["Wins", "Hot seat"]


def _titles(meeting):
    return list(meeting.agenda_items.values_list("title", flat=True))


def test_items_keep_the_order_they_are_put_in(personas, meeting):
    lead = personas.circle.lead
    first, second, third = (
        services.agenda_item_add(meeting=meeting, member=lead, title=title)
        for title in ("Wins", "Pricing", "Stock")
    )
    services.agenda_item_move(item=third, up=True)
    assert _titles(meeting) == ["Wins", "Stock", "Pricing"]
    services.agenda_item_move(item=first, up=False)
    assert _titles(meeting) == ["Stock", "Wins", "Pricing"]
    services.agenda_item_move(item=third, up=True)  # already first: nothing moves
    services.agenda_item_move(item=second, up=False)  # already last
    assert _titles(meeting) == ["Stock", "Wins", "Pricing"]
    services.agenda_item_add(meeting=meeting, member=lead, title="Close")
    assert _titles(meeting) == ["Stock", "Wins", "Pricing", "Close"]


def test_items_sharing_a_position_are_numbered_afresh_before_a_move(personas, meeting):
    lead = personas.circle.lead
    items = [
        services.agenda_item_add(meeting=meeting, member=lead, title=title)
        for title in ("A", "B", "C")
    ]
    meeting.agenda_items.update(position=0)  # as two adds at the same instant could leave them
    services.agenda_item_move(item=items[2], up=True)
    assert _titles(meeting) == ["A", "C", "B"]


def test_an_item_is_edited_and_removed(personas, meeting):
    lead = personas.circle.lead
    item = services.agenda_item_add(meeting=meeting, member=lead, title="Pricng")
    services.agenda_item_update(item=item, title=" Pricing ", details="Q3 list")
    item.refresh_from_db()
    assert (item.title, item.details) == ("Pricing", "Q3 list")
    with pytest.raises(DomainError, match="Give the agenda item a title"):
        services.agenda_item_update(item=item, title=" ")
    item.refresh_from_db()
    assert item.title == "Pricing"
    services.agenda_item_remove(item=item)
    assert _titles(meeting) == []


def test_carried_items_follow_those_already_on_the_next_agenda(personas, meetings):
    first, second = meetings[:2]
    lead = personas.circle.lead
    services.agenda_item_add(meeting=second, member=lead, title="Already there")
    services.agenda_item_add(meeting=first, member=lead, title="Open thing")
    services.agenda_carry_over(meeting=first)
    assert _titles(second) == ["Already there", "Open thing"]
