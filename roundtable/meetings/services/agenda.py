"""What a meeting is about: its agenda items (added, edited, reordered, removed), carrying
unfinished ones to the next meeting, and the structure every meeting of a program follows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.meetings.models import AgendaItem, AgendaSection, Meeting
from roundtable.orgs.models import Member
from roundtable.programs.models import Program


def _next_position(meeting: Meeting) -> int:
    """After the last item: one indexed query, however long the agenda."""
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _title_checked(title: str) -> str:
    title = title.strip()
    if not title:
        raise DomainError("Give the agenda item a title.", field="title")
    return title


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, member: Member, title: str, details: str = ""
) -> AgendaItem:
    title = _title_checked(title)
    if meeting.is_cancelled:
        raise DomainError("This meeting is cancelled; add the item to the next one.")
    item = AgendaItem(
        meeting=meeting,
        title=title,
        details=details.strip(),
        added_by=member,
        position=_next_position(meeting),
    )
    full_clean_or_raise(item)
    item.save()
    return item


def agenda_item_update(*, item: AgendaItem, title: str, details: str = "") -> AgendaItem:
    item.title, item.details = _title_checked(title), details.strip()
    full_clean_or_raise(item)
    item.save(update_fields=["title", "details", "updated_at"])
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with its neighbour above (or below); at either end nothing changes."""
    siblings = AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id)
    item.position = siblings.get(pk=item.pk).position  # as stored now, not as first read
    if siblings.filter(position=item.position).count() > 1:
        # Two adds at the same instant can share a position: number the agenda afresh first.
        ordered = list(siblings.order_by("position", "id"))
        for number, sibling in enumerate(ordered):
            sibling.position = number
        AgendaItem.objects.bulk_update(ordered, ["position"])
        item.position = next(s.position for s in ordered if s.pk == item.pk)
    if up:
        neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
    if neighbour is None:
        return item
    item.position, neighbour.position = neighbour.position, item.position
    AgendaItem.objects.bulk_update([item, neighbour], ["position"])
    return item


def agenda_item_remove(*, item: AgendaItem) -> None:
    """Remove an item; its copy carried to a later meeting, if any, stays there."""
    item.delete()


def agenda_item_set_done(*, item: AgendaItem, done: bool) -> AgendaItem:
    item.done = done
    item.save(update_fields=["done", "updated_at"])
    return item


@transaction.atomic
def agenda_carry_over(*, meeting: Meeting, now: dt.datetime | None = None) -> list[AgendaItem]:
    """Copy the unfinished items of a past meeting to the circle's next scheduled meeting."""
    if meeting.carried_over_at is not None:
        return []
    following = (
        Meeting.objects.filter(
            circle=meeting.circle, status=Meeting.Status.SCHEDULED, starts_at__gt=meeting.starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if following is None:
        return []
    start = _next_position(following)
    carried = [
        AgendaItem(
            meeting=following,
            title=item.title,
            details=item.details,
            added_by=item.added_by,
            carried_from=item,
            position=start + offset,
        )
        for offset, item in enumerate(meeting.agenda_items.filter(done=False))
    ]
    AgendaItem.objects.bulk_create(carried)
    meeting.carried_over_at = now or timezone.now()
    meeting.save(update_fields=["carried_over_at", "updated_at"])
    return carried


@transaction.atomic
def agenda_template_set(*, program: Program, text: str) -> list[AgendaSection]:
    """Replace a program's meeting structure from lines of "Title: what happens"."""
    sections = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        title, _, description = line.partition(":")
        title, description = title.strip(), description.strip()
        if not title:
            raise DomainError(f"Line {number} has no title before the colon.", field="text")
        if len(title) > 80 or len(description) > 200:
            raise DomainError(
                f"Line {number} is too long (title 80, description 200 characters).", field="text"
            )
        sections.append((title, description))
    if not sections:
        raise DomainError("Give the meeting at least one step.", field="text")
    if len(sections) > 12:
        raise DomainError("Keep the structure to 12 steps at most.", field="text")
    program.agenda_sections.all().delete()
    return AgendaSection.objects.bulk_create(
        AgendaSection(program=program, position=i, title=t, description=d)
        for i, (t, d) in enumerate(sections)
    )
