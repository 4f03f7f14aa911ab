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
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
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
    _meeting_check(meeting=meeting, now=now)
    figures_changed(meeting.circle.program_id)  # usefulness
    comment = _answer_checked(rating=rating, comment=comment)
    if not meeting.circle.memberships.filter(member=member).exists():
        raise DomainError(f"{member} is not in {meeting.circle}.")
    digest = FeedbackReceipt.digest_for(meeting_id=meeting.pk, member_id=member.pk)
    if FeedbackReceipt.objects.filter(digest=digest).exists():
        raise DomainError(ALREADY_ANONYMOUS)
    given_on = now.astimezone(dt.UTC).date()
    named = meeting.feedback.filter(member=member).first()
    if named is None and meeting.circle.feedback_anonymous:
        return _feedback_give_anonymously(
            meeting=meeting, member=member, rating=rating, comment=comment, given_on=given_on
        )
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
    *, meeting: Meeting, member: Member, rating: int, comment: str, given_on: dt.date
) -> Feedback:
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    if attendance is not None:
        _require_present(attendance)
    receipt, feedback = _anonymous_rows(
        meeting=meeting, member=member, rating=rating, comment=comment, given_on=given_on
    )
    receipt.save(force_insert=True)
    feedback.save(force_insert=True)
    return feedback


def _anonymous_rows(
    *, meeting: Meeting, member: Member, rating: int, comment: str, given_on: dt.date
) -> tuple[FeedbackReceipt, Feedback]:
    """What anonymous feedback writes, unsaved: the receipt (a digest, never the member) and the
    answer (no member, only its day, a random key)."""
    digest = FeedbackReceipt.digest_for(meeting_id=meeting.pk, member_id=member.pk)
    return FeedbackReceipt(meeting=meeting, digest=digest), Feedback(
        meeting=meeting,
        member=None,
        anonymous=True,
        rating=rating,
        comment=comment,
        given_on=given_on,
    )


@dataclass(frozen=True)
class FeedbackAnswer:
    """One member's answer in `feedback_give_many`."""

    member: Member
    rating: int
    comment: str = ""


@transaction.atomic
def feedback_give_many(
    *, meeting: Meeting, answers: Sequence[FeedbackAnswer], now: dt.datetime | None = None
) -> list[Feedback]:
    """Several members' feedback on one meeting at once, for loading a meeting's history (the
    demo, an import), in a fixed number of queries however many answer. Each answer follows the
    rules of `feedback_give` (anonymous ones get a receipt, no member, only the day and a random
    key), all are checked before anything is written, and one refused answer records none.
    It answers on its members' behalf, so it is never for a view: refusing a batch because one
    of them already answered anonymously tells the caller that someone in it did."""
    now = now or timezone.now()
    _meeting_check(meeting=meeting, now=now)
    figures_changed(meeting.circle.program_id)  # usefulness
    comments = [_answer_checked(rating=a.rating, comment=a.comment) for a in answers]
    ids = [answer.member.pk for answer in answers]
    if len(set(ids)) < len(ids):
        raise DomainError("Each member answers once per meeting.")
    if not answers:
        return []
    in_circle = set(
        meeting.circle.memberships.filter(member__in=ids).values_list("member_id", flat=True)
    )
    for answer in answers:
        if answer.member.pk not in in_circle:
            raise DomainError(f"{answer.member} is not in {meeting.circle}.")
    digests = [FeedbackReceipt.digest_for(meeting_id=meeting.pk, member_id=pk) for pk in ids]
    if FeedbackReceipt.objects.filter(digest__in=digests).exists():
        raise DomainError("One of these members has already given anonymous feedback on it.")
    given_on = now.astimezone(dt.UTC).date()
    named = {f.member_id: f for f in meeting.feedback.filter(member__in=ids)}
    attended = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting, member__in=ids)}
    anonymous = meeting.circle.feedback_anonymous
    present, receipts, created, changed, given = [], [], [], [], []
    for answer, comment in zip(answers, comments, strict=True):
        member = answer.member
        if (attendance := attended.get(member.pk)) is not None:
            _require_present(attendance)
        feedback = named.get(member.pk)
        if feedback is None and anonymous:
            receipt, feedback = _anonymous_rows(
                meeting=meeting, member=member, rating=answer.rating, comment=comment,
                given_on=given_on,
            )  # fmt: skip
            receipts.append(receipt)
            created.append(feedback)
        else:
            if attendance is None:
                # Whoever gives named feedback says they were there (as in `feedback_give`).
                present.append(
                    Attendance(
                        meeting=meeting,
                        member=member,
                        status=Attendance.Status.PRESENT,
                        reported_by=member,
                    )
                )
            if feedback is None:
                feedback = Feedback(meeting=meeting, member=member)
                created.append(feedback)
            else:
                changed.append(feedback)
            feedback.rating, feedback.comment, feedback.given_on = answer.rating, comment, given_on
        given.append(feedback)
    Attendance.objects.bulk_create(present)
    # Rows go in in a random order, not the members' order, so no position in the batch lines an
    # anonymous answer up with its receipt or its author.
    shuffle = secrets.SystemRandom().shuffle
    shuffle(receipts)
    FeedbackReceipt.objects.bulk_create(receipts)
    shuffle(created)
    Feedback.objects.bulk_create(created)
    Feedback.objects.bulk_update(changed, ["rating", "comment", "given_on"])
    return given


def _meeting_check(*, meeting: Meeting, now: dt.datetime) -> None:
    if meeting.is_cancelled:
        raise DomainError("A cancelled meeting takes no feedback.")
    if meeting.starts_at > now:
        raise DomainError("Feedback opens when the meeting starts.")


def _answer_checked(*, rating: int, comment: str) -> str:
    """The comment as stored (stripped), once the rating and the comment are acceptable."""
    if not 1 <= rating <= 5:
        raise DomainError("Rate the meeting from 1 to 5.", field="rating")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise DomainError(
            f"Keep the comment to {COMMENT_MAX_CHARS:,} characters (it has {len(comment):,}).",
            field="comment",
        )
    return comment


def _require_present(attendance: Attendance) -> None:
    if attendance.status != Attendance.Status.PRESENT:
        raise DomainError(
            "Feedback comes from the people who were there; you are recorded as "
            f"{attendance.get_status_display().lower()}."
        )
