"""A member's quick rating of a meeting they took part in; weak meetings stay on record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.meetings.models import Feedback, Meeting
from roundtable.orgs.models import Member


@transaction.atomic
def feedback_give(
    *,
    meeting: Meeting,
    member: Member,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    now = now or timezone.now()
    if meeting.is_cancelled:
        raise DomainError("A cancelled meeting takes no feedback.")
    if meeting.starts_at > now:
        raise DomainError("Feedback opens when the meeting starts.")
    if not 1 <= rating <= 5:
        raise DomainError("Rate the meeting from 1 to 5.", field="rating")
    feedback, _ = Feedback.objects.update_or_create(
        meeting=meeting, member=member, defaults={"rating": rating, "comment": comment.strip()}
    )
    return feedback
