"""A lived-in North circle for the exports, own-data and erasure tests: meetings held and
cancelled with attendance, named and anonymous feedback, ideas and critiques (named, anonymous,
hidden), commitments made, moved, declined and done through the real services (so that their
activity log is written), the lead's private notes about the member, a pulse answer, a busy
period and a shared profile. Each private or anonymous text is a distinctive word, so a test can
search any output for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from roundtable.circles.models import Circle
from roundtable.commitments.models import BusyPeriod, Commitment
from roundtable.commitments.services.commitments import (
    commitment_ask,
    commitment_decline,
    commitment_done,
    commitment_move,
    commitment_take_on,
)
from roundtable.ideas.models import Critique, Idea, Stage, TemperatureVote
from roundtable.ideas.tests.decision_factories import idea_create
from roundtable.insights.models import PulseAnswer
from roundtable.leadership.models import Recognition, SharedProfile
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.leadership.services.reflections import reflection_write
from roundtable.leadership.services.support_plans import support_plan_create
from roundtable.meetings.models import Attendance, CalendarFeed, Feedback, Meeting, Rsvp
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.orgs.models import Member
from roundtable.testing.personas import Personas

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)

# Text nobody but its author may see, in any export or any other person's download.
REFLECTION = "Quillbreeze"  # the lead's reflection
PEER_NOTE = "Tamarindo"  # the lead's note about the member
PLAN = "Brackenfold"  # the lead's support plan for the member
PULSE_COMMENT = "Vellichor"  # an anonymous pulse answer's comment
BUSY = "Sabbaticalia"  # the member's busy period
SHARED = "Lanternfish"  # what the member shares with their circles
DECLINE = "Moonwort"  # the member's reason for declining a commitment
MOVE = "Cobblewick"  # the member's reason for moving a date
HIDDEN_IDEA = "Snarkplume"  # an idea the lead hid
ANON_IDEA = "Ghostwillow"  # an anonymous idea's summary (shown, never with an author)
ANON_CRITIQUE = "Duskmoth"  # an anonymous critique (shown, never with an author)
ANON_FEEDBACK = "Mistral"  # an anonymous feedback comment (shown, never with an author)
NAMED_FEEDBACK = "Sunporch"  # the member's named feedback comment
RECOGNITION = "Hearthglow"  # recognition the member received
PRIVATE_WORDS = (REFLECTION, PEER_NOTE, PLAN, PULSE_COMMENT, BUSY, SHARED, DECLINE, MOVE)
FORMULA = '=HYPERLINK("http://evil.example","click")'


@dataclass
class Planted:
    circle: Circle
    lead: Member
    member: Member
    held: Meeting
    held_again: Meeting
    cancelled: Meeting
    upcoming: Meeting
    named_idea: Idea
    anonymous_idea: Idea
    done: Commitment
    moved: Commitment


def _meeting(circle: Circle, when: dt.datetime, **kw: object) -> Meeting:
    return Meeting.objects.create(circle=circle, starts_at=when, series_start=when, **kw)


def plant(personas: Personas) -> Planted:
    """Everything above in personas.circle (North), as of NOW (call under a frozen clock)."""
    circle = personas.circle
    lead, member = personas.members["lead"], personas.members["member"]
    member.hire_date = dt.date(2015, 3, 4)
    member.manager = personas.members["sponsor"]
    member.save()
    held = _meeting(circle, NOW - 14 * DAY)
    held_again = _meeting(circle, NOW - 7 * DAY)
    cancelled = _meeting(circle, NOW - 21 * DAY, status=Meeting.Status.CANCELLED)
    upcoming = _meeting(circle, NOW + 7 * DAY, runner=member)
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=held, member=lead, status="present", reported_by=lead),
            Attendance(meeting=held, member=member, status="present", reported_by=lead),
            Attendance(meeting=held_again, member=lead, status="present", reported_by=lead),
            Attendance(meeting=held_again, member=member, status="absent", reported_by=member),
        ]
    )
    Feedback.objects.create(
        meeting=held, member=member, rating=4, comment=NAMED_FEEDBACK, given_on=held.starts_at
    )
    Feedback.objects.create(
        meeting=held, anonymous=True, rating=2, comment=ANON_FEEDBACK, given_on=held.starts_at
    )
    Rsvp.objects.create(meeting=upcoming, member=member, response="yes")
    Rsvp.objects.create(meeting=held, member=member, response="yes")
    CalendarFeed.objects.create(member=member, token="feed-token-of-the-member")

    named_idea = idea_create(circle=circle, author=member, summary="Call lapsed customers")
    anonymous_idea = idea_create(circle=circle, anonymous=True, summary=ANON_IDEA)
    hidden = idea_create(circle=circle, author=lead, summary=HIDDEN_IDEA, stage=Stage.DISCUSSING)
    hidden.hidden_reason = "Off topic"
    hidden.save()
    version = named_idea.versions.get()
    Critique.objects.create(
        idea=named_idea,
        version=version,
        author=lead,
        stance="concern",
        reasoning="It takes a lot of time.",
        created_on=NOW.date(),
    )
    Critique.objects.create(
        idea=named_idea,
        version=version,
        anonymous=True,
        stance="question",
        reasoning=ANON_CRITIQUE,
        created_on=NOW.date(),
    )
    TemperatureVote.objects.create(idea=named_idea, member=member, value="agree", reason=MOVE)

    done = commitment_take_on(
        circle=circle, owner=member, title=FORMULA, due_on=(NOW + 3 * DAY).date(), now=NOW
    )
    commitment_done(commitment=done, member=member, note="Called them all", now=NOW)
    moved = commitment_take_on(
        circle=circle,
        owner=member,
        title="Draft the call script",
        due_on=(NOW + DAY).date(),
        now=NOW,
    )
    commitment_move(
        commitment=moved, member=member, due_on=(NOW + 9 * DAY).date(), reason=MOVE, now=NOW
    )
    asked = commitment_ask(
        circle=circle, asked_by=lead, owner=member, title="Share the numbers", now=NOW
    )
    commitment_decline(commitment=asked, member=member, reason=DECLINE, now=NOW)
    BusyPeriod.objects.create(
        member=member, label=BUSY, starts_on=NOW.date(), ends_on=(NOW + 20 * DAY).date()
    )
    SharedProfile.objects.create(member=member, goals=SHARED, can_help_with="Cold calls")

    reflection_write(
        circle=circle, author=lead, leader=REFLECTION, goals="Listen more", outcomes="", now=NOW
    )
    peer_note_save(
        circle=circle, author=lead, peer=member, goals=PEER_NOTE, needs="", load="", support=""
    )
    support_plan_create(
        circle=circle,
        author=lead,
        peer=member,
        approach="coach",
        next_step=PLAN,
        review_on=(NOW + 14 * DAY).date(),
        now=NOW,
    )
    Recognition.objects.create(
        circle=circle, given_by=lead, recipient=member, kind="other", message=RECOGNITION
    )
    PulseAnswer.objects.create(
        circle=circle,
        period_start=NOW.date(),
        trust=4,
        clarity=4,
        participation=3,
        usefulness=4,
        progress=3,
        comment=PULSE_COMMENT,
    )
    Notice.objects.create(
        member=member,
        kind=NoticeKind.RECOGNISED,
        title="A peer recognised your contribution",
        url="/",
        created_on=NOW.date(),
    )
    return Planted(
        circle=circle,
        lead=lead,
        member=member,
        held=held,
        held_again=held_again,
        cancelled=cancelled,
        upcoming=upcoming,
        named_idea=named_idea,
        anonymous_idea=anonymous_idea,
        done=done,
        moved=moved,
    )
