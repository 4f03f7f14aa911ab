"""A circle at risk in the demo, so that the dashboard, the coordinator's and sponsor's home page
and the weekly email have something true to show: Dynamo, in the field engineers' program, lost
its last three meetings to the winter call-out peak (two cancelled ahead, and one where the lead
marked everyone excused). The rest of the demo is left as it is: its circles are flagged only
where their own history says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.meetings import services
from roundtable.meetings.models import Feedback, FeedbackReceipt, Meeting, NotesRevision

AT_RISK_CIRCLE = "Dynamo"
CANCELLED_BECAUSE = "Storm call-outs: everyone is on the road this week."


def demo_health_seed(*, circles: Sequence[Circle], now: dt.datetime | None = None) -> None:
    """Rewrite the end of Dynamo's history: its last three meetings before today (the flags
    judge days that have ended) did not take place with anyone there."""
    now = now or timezone.now()
    circle = next(c for c in circles if c.name == AT_RISK_CIRCLE)
    today_starts = dt.datetime.combine(now.date(), dt.time.min, tzinfo=dt.UTC)
    last = list(
        Meeting.objects.filter(
            circle=circle, status=Meeting.Status.SCHEDULED, starts_at__lt=today_starts
        ).order_by("-starts_at")[:3]
    )
    if len(last) < 3:
        return
    lead = circle.lead
    excused, *cancelled = reversed(last)
    for meeting in last:
        # What the seed wrote of a meeting that, in this story, nobody came to.
        Feedback.objects.filter(meeting=meeting).delete()
        FeedbackReceipt.objects.filter(meeting=meeting).delete()
        NotesRevision.objects.filter(meeting=meeting).delete()
        Meeting.objects.filter(pk=meeting.pk).update(notes="", notes_version=0)
        meeting.circle = circle
    people = [
        m.member for m in circle.memberships.filter(left_on__isnull=True).select_related("member")
    ]
    if lead is not None:
        services.attendance_record(
            meeting=excused,
            statuses=dict.fromkeys(people, "excused"),
            reported_by=lead,
            now=excused.ends_at,
        )
    for meeting in cancelled:
        meeting.refresh_from_db()
        meeting.attendance.all().delete()
        services.meeting_cancel(
            meeting=meeting,
            reason=CANCELLED_BECAUSE,
            now=meeting.starts_at - dt.timedelta(days=2),
        )
