"""Months of meeting history for the demo circles: schedules, attendance, notes, agenda items,
feedback with the early dip real circles go through, a cancelled and a moved meeting."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.utils import timezone

from roundtable.circles.models import Circle, CircleMembership
from roundtable.meetings import services
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member
from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.common import MemberAvailability, find_common_slots

AGENDA = (
    "Repeat call-outs on the same boiler model",
    "First-time fix rate: which parts should be on every van?",
    "Handover notes between shifts",
    "Customer asks for a discount on site: what do we say?",
    "Shadowing a senior engineer: who has room this month?",
    "Safety check shortcuts people are tempted by",
    "Renewal conversations that start too late",
    "Playbook draft: objection handling",
)
NOTES = (
    "**Check-in:** quiet week for most.\n\n**Problem of the week:** {topic}\n\n"
    "- Two approaches compared: checklist first vs. ask the customer first\n"
    "- Agreed to try the checklist for two weeks and compare",
    "**Problem of the week:** {topic}\n\nCritique round was lively: the data-driven view "
    "and the relationship-first view disagreed on *when* to escalate. Good argument on both "
    "sides; we will try the shorter script and report back.",
    "Short meeting. {topic} - we ran out of time, carried to next week.",
    "**Wins:** two customers thanked us for the follow-up call.\n\n**Problem of the week:** "
    "{topic}\n\n1. Share the parts list on the team drive\n2. Pair newer engineers with seniors",
)
COMMENTS_LOW = ("We went round in circles.", "Felt unstructured.", "Not sure what we decided.")
COMMENTS_HIGH = ("Useful critique of my idea.", "Good to hear other approaches.", "Practical.")


def demo_meetings_seed(*, circles: Sequence[Circle], rng: random.Random) -> None:
    now = timezone.now()
    for circle in circles:
        _circle_history(circle, rng, now)
    services.meetings_roll_forward(now=now)


def _circle_history(circle: Circle, rng: random.Random, now: dt.datetime) -> None:
    program = circle.program
    tz = ZoneInfo(circle.time_zone)
    start = program.start_date
    began = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    duration = rng.choice((45, 60, 60, 90))
    weekday, start_time = _common_slot(
        circle, rng, duration=duration, start=start, end=now.date() + services.HORIZON
    )
    services.schedule_set(
        circle=circle,
        frequency=program.cadence,
        weekday=weekday,
        nth=2 if program.cadence == "monthly" else None,
        start_time=start_time,
        starts_on=start,
        duration_minutes=duration,
        now=began,
    )
    # Fill the past in horizon-sized steps, as the worker would have done week after week.
    step = began
    while step < now:
        step = min(step + services.HORIZON, now)
        services.meetings_materialise(circle=circle, now=step)
    past = list(Meeting.objects.filter(circle=circle, starts_at__lt=now).order_by("starts_at"))
    for meeting in past:
        meeting.circle = circle  # the circle in hand, rather than a query per meeting
    # Read once: nobody joins or leaves while the history below is written.
    memberships = list(circle.memberships.select_related("member__user"))
    for index, meeting in enumerate(past):
        if index == 5:
            services.meeting_cancel(
                meeting=meeting,
                reason="Quarter-end stock take; we meet again next time as usual.",
                now=meeting.starts_at - dt.timedelta(days=2),
            )
            continue
        if index == 8 and meeting.ends_at + dt.timedelta(days=1) < now:
            meeting = services.meeting_move(
                meeting=meeting,
                starts_at=meeting.starts_at + dt.timedelta(days=1),
                reason="Team training day on the usual day.",
                now=meeting.starts_at - dt.timedelta(days=3),
            )
        if meeting.ends_at > now:
            continue
        _meeting_history(circle, meeting, index, len(past), rng, memberships)


def _common_slot(
    circle: Circle, rng: random.Random, *, duration: int, start: dt.date, end: dt.date
) -> tuple[int, dt.time]:
    """A weekly time, in working hours, that every member of the circle can make on every week
    from the program's start to the end of the meeting horizon (daylight-saving changes on either
    side of the Atlantic included), drawn among the best; the best there is when none suits all."""
    memberships = circle.memberships.filter(left_on__isnull=True).select_related("member")
    members = [m.member for m in memberships.prefetch_related("member__availability")]
    ranked = find_common_slots(
        [
            MemberAvailability(
                member_id=member.pk,
                time_zone=member.time_zone,
                slots=tuple(
                    WeeklySlot.from_times(s.weekday, s.start_time, s.end_time)
                    for s in member.availability.all()
                ),
            )
            for member in members
        ],
        time_zone=circle.time_zone,
        duration_minutes=duration,
        start_date=start,
        end_date=end,
        earliest=dt.time(8),
        latest=dt.time(18),
        limit=200,
    )
    best = [
        c
        for c in ranked
        if (len(c.attendees), c.missed) == (len(ranked[0].attendees), ranked[0].missed)
    ]
    chosen = rng.choice(best)
    return chosen.weekday, chosen.start


def _meeting_history(
    circle: Circle,
    meeting: Meeting,
    index: int,
    total: int,
    rng: random.Random,
    memberships: Sequence[CircleMembership],
) -> None:
    on = meeting.starts_at.date()
    roster = [
        m.member
        for m in memberships
        if m.joined_on <= on and (m.left_on is None or m.left_on >= on)
    ]
    lead = circle.lead or (roster[0] if roster else None)
    if lead is None:
        return
    topics = rng.sample(AGENDA, k=rng.randint(1, 3))
    for position, topic in enumerate(topics):
        item = services.agenda_item_add(meeting=meeting, member=rng.choice(roster), title=topic)
        last = index == total - 1
        if not (last and position == 0) and rng.random() < 0.85:
            services.agenda_item_set_done(item=item, done=True)
    if rng.random() < 0.8:
        notes = rng.choice(NOTES).format(topic=topics[0])
        services.meeting_notes_save(
            meeting=meeting, notes=notes, author=lead, base_version=meeting.notes_version
        )
    # Groups storm before they perform: meetings 2-4 rate lower, then the circle settles in.
    mean = 2.4 if 1 <= index <= 3 else min(4.4, 3.4 + index * 0.06)
    statuses: dict[Member, str] = {}
    answers: list[services.FeedbackAnswer] = []
    for member in roster:
        roll = rng.random()
        status = "present" if roll < 0.84 else ("excused" if roll < 0.93 else "absent")
        statuses[member] = status
        if status == "present" and rng.random() < 0.75:
            rating = max(1, min(5, round(rng.gauss(mean, 0.7))))
            comment = ""
            if rng.random() < 0.3:
                comment = rng.choice(COMMENTS_LOW if rating <= 2 else COMMENTS_HIGH)
            answers.append(services.FeedbackAnswer(member=member, rating=rating, comment=comment))
    # The whole meeting at once: one batch for attendance, one for feedback (anonymous in an
    # anonymous circle, under the same rules as one person's), a few queries each.
    services.attendance_record(meeting=meeting, statuses=statuses, reported_by=lead)
    services.feedback_give_many(meeting=meeting, answers=answers, now=meeting.ends_at)
