"""A member's quick rating of a meeting they were at; weak meetings stay on record. Someone
recorded absent or excused gives none.

Named feedback (the circle shows names) can be changed, and someone whose attendance nobody
recorded says they were there by giving it, so it is recorded with it. Anonymous feedback (the
circle's setting when it is given) is stored with no member, no time finer than the day and a
one-time receipt instead (`core/anonymity.py`): it cannot be changed, since nothing links it to
its author, and it records no attendance, since that write would tie the member to the moment.
Each member answers once per meeting, with their name or anonymously."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.meetings.models import Attendance, Feedback, FeedbackReceipt, Meeting
from roundtable.orgs.models import Member

COMMENT_MAX_CHARS = 2000
ALREADY_ANONYMOUS = (
    "You have already given feedback on this meeting; anonymous feedback can't be changed, "
    "since nothing links it to you."
)


@transaction.atomic
def feedback_give(
    *,
    meeting: Meeting,
    member: Member,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    """Give (or change one's named) feedback. Named feedback given before the circle made
    feedback anonymous stays named when changed: it is that member's one answer, and turning it
    anonymous now would show everyone whose it was."""
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
    digest = FeedbackReceipt.digest_for(meeting_id=meeting.pk, member_id=member.pk)
    if FeedbackReceipt.objects.filter(digest=digest).exists():
        raise DomainError(ALREADY_ANONYMOUS)
    given_on = now.astimezone(dt.UTC).date()
    named = meeting.feedback.filter(member=member).first()
    if named is None and meeting.circle.feedback_anonymous:
        return _feedback_give_anonymously(
            meeting=meeting, member=member, rating=rating, comment=comment, given_on=given_on,
            digest=digest,
        )  # fmt: skip
    attendance, _ = Attendance.objects.get_or_create(
        meeting=meeting,
        member=member,
        defaults={"status": Attendance.Status.PRESENT, "reported_by": member},
    )
    _require_present(attendance)
    if named is None:
        named = Feedback(meeting=meeting, member=member)
    named.rating, named.comment, named.given_on = rating, comment, given_on
    named.save()
    return named


def _feedback_give_anonymously(
    *, meeting: Meeting, member: Member, rating: int, comment: str, given_on: dt.date, digest: str
) -> Feedback:
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    if attendance is not None:
        _require_present(attendance)
    FeedbackReceipt.objects.create(meeting=meeting, digest=digest)
    return Feedback.objects.create(
        meeting=meeting,
        member=None,
        anonymous=True,
        rating=rating,
        comment=comment,
        given_on=given_on,
    )


def _require_present(attendance: Attendance) -> None:
    if attendance.status != Attendance.Status.PRESENT:
        raise DomainError(
            "Feedback comes from the people who were there; you are recorded as "
            f"{attendance.get_status_display().lower()}."
        )
