"""Ideas into meetings: an idea or a challenge put on the agenda of a circle's next meeting (an
agenda item, added through meetings' own service, and the AgendaLink that says what it takes up).
For a program-wide challenge, the circle is the one the person chooses among their own."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.ideas.models import AgendaLink, Challenge, Idea, IdeaVersion
from roundtable.ideas.services._common import require_takes_part
from roundtable.meetings.models import Meeting
from roundtable.meetings.services.agenda import agenda_item_add
from roundtable.orgs.models import Member

TITLE_MAX_CHARS = 200


def next_meeting(*, circle: Circle, now: dt.datetime | None = None) -> Meeting | None:
    """The circle's next meeting that is still to start and not cancelled."""
    return (
        Meeting.objects.filter(
            circle=circle, status=Meeting.Status.SCHEDULED, starts_at__gt=now or timezone.now()
        )
        .order_by("starts_at")
        .first()
    )


def _title(prefix: str, text: str) -> str:
    title = f"{prefix}: {text}"
    return title if len(title) <= TITLE_MAX_CHARS else title[: TITLE_MAX_CHARS - 1] + "…"


@transaction.atomic
def agenda_link_add(
    *,
    circle: Circle,
    member: Member,
    idea: Idea | None = None,
    challenge: Challenge | None = None,
    now: dt.datetime | None = None,
) -> AgendaLink:
    """Put `idea` (of `circle`) or `challenge` (posed to `circle` or to its whole program) on
    the agenda of the circle's next meeting. Refused, nothing added, when the circle has no
    upcoming meeting or the item is already on that meeting's agenda."""
    if (idea is None) == (challenge is None):
        raise DomainError("Choose an idea or a challenge to put on the agenda.")
    if idea is not None:
        if idea.circle_id != circle.pk:
            raise DomainError(f"This idea is not one of {circle.name}'s.")
        if idea.withdrawn or idea.is_hidden:
            raise DomainError("This idea was withdrawn or hidden; it is not for an agenda.")
        summary = IdeaVersion.objects.get(idea=idea, number=idea.version).summary
        title = _title("Idea", summary)
    elif challenge is not None:
        if challenge.program_id != circle.program_id or challenge.circle_id not in (
            None,
            circle.pk,
        ):
            raise DomainError(f"This challenge is not posed to {circle.name}.")
        title = _title("Challenge", challenge.title)
    require_takes_part(circle, member)
    meeting = next_meeting(circle=circle, now=now)
    if meeting is None:
        raise DomainError(
            f"{circle.name} has no upcoming meeting to add this to. Once its schedule plans "
            "the next one, add it again (or bring it up in the meeting's notes)."
        )
    already = AgendaLink.objects.filter(agenda_item__meeting=meeting)
    if already.filter(idea=idea, challenge=challenge).exists():
        raise DomainError("This is already on the agenda of the next meeting.")
    item = agenda_item_add(meeting=meeting, member=member, title=title)
    if idea is not None and idea.anonymous:
        # "Added by" next to an anonymous idea would hint at who wrote it (authors are the
        # likeliest to bring their own idea up): the item keeps no adder.
        item.added_by = None
        item.save(update_fields=["added_by"])
    return AgendaLink.objects.create(agenda_item=item, idea=idea, challenge=challenge)
