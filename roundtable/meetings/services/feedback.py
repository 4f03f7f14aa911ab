"""A member's quick rating of a meeting they were at; weak meetings stay on record. Someone
recorded absent or excused gives none; someone whose attendance nobody recorded says they were
there by giving it (they could record themselves present anyway), so it is recorded with it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.meetings.models import Attendance, Feedback, Meeting
from roundtable.orgs.models import Member

COMMENT_MAX_CHARS = 2000


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
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise DomainError(
            f"Keep the comment to {COMMENT_MAX_CHARS:,} characters (it has {len(comment):,}).",
            field="comment",
        )
    if not meeting.circle.memberships.filter(member=member).exists():
        raise DomainError(f"{member} is not in {meeting.circle}.")
    attendance, _ = Attendance.objects.get_or_create(
        meeting=meeting,
        member=member,
        defaults={"status": Attendance.Status.PRESENT, "reported_by": member},
    )
    if attendance.status != Attendance.Status.PRESENT:
        raise DomainError(
            f"Feedback comes from the people who were there; you are recorded as "
            f"{attendance.get_status_display().lower()}."
        )
    feedback, _ = Feedback.objects.update_or_create(
        meeting=meeting, member=member, defaults={"rating": rating, "comment": comment}
    )
    return feedback
