"""Signed one-click RSVP links: what a link says, and whether it still works when it is used. A
lower module, so notifications put links in emails without importing meetings' services."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone

from roundtable.circles.models import CircleMembership
from roundtable.core.errors import DomainError
from roundtable.meetings.models import Meeting, Rsvp
from roundtable.orgs.models import Member

RSVP_SALT = "roundtable.rsvp"
RSVP_MAX_AGE = dt.timedelta(days=60)


class RsvpLinkInvalid(DomainError):
    pass


def rsvp_token(*, meeting: Meeting, member: Member, response: str) -> str:
    return signing.dumps([meeting.pk, member.pk, response], salt=RSVP_SALT, compress=True)


def rsvp_from_token(*, token: str, now: dt.datetime | None = None) -> tuple[Meeting, Member, str]:
    """What a one-click RSVP link says. Links stop working once the meeting has ended, and as soon
    as the person is no longer an active member of the circle with an active account."""
    now = now or timezone.now()
    try:
        meeting_id, member_id, response = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise RsvpLinkInvalid("This reply link is not valid or has expired.") from exc
    meeting = Meeting.objects.select_related("circle").filter(pk=meeting_id).first()
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if meeting is None or member is None or response not in Rsvp.Response.values:
        raise RsvpLinkInvalid("This reply link is not valid or has expired.")
    if meeting.ends_at < now:
        raise RsvpLinkInvalid("This meeting is over, so replies are closed.")
    if meeting.is_cancelled:
        raise RsvpLinkInvalid("This meeting was cancelled; no reply is needed.")
    still_in_circle = CircleMembership.objects.filter(
        circle_id=meeting.circle_id, member=member, left_on__isnull=True
    ).exists()
    if not (still_in_circle and member.is_active and member.user.is_active):
        raise RsvpLinkInvalid("You are no longer in this circle, so this link no longer works.")
    return meeting, member, response
