"""Hand-made data for the circle health tests: North (Europe/London) with meetings, ideas,
commitments, escalations and pulse answers at chosen instants, some of them a few minutes either
side of a month's boundary in London time, and writers that add more of each (for query counts).

Today is Tuesday 15 June 2027; the window is January to June 2027 (June so far)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import count

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment, Escalation
from roundtable.ideas.models import Challenge, Decision, Idea, Stage
from roundtable.insights.models import PulseSchedule
from roundtable.insights.tests.dashboard_data import people, pulse_answers
from roundtable.meetings.models import Attendance, Feedback, Meeting
from roundtable.orgs.models import Member
from roundtable.testing.personas import Personas

NOW = dt.datetime(2027, 6, 15, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
PULSE_STARTS = dt.date(2027, 1, 4)  # every four weeks: ... 1 Mar, 29 Mar, 26 Apr, 24 May (open)
_titles = count(1)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def meeting_at(
    circle: Circle,
    starts: dt.datetime,
    *,
    present: int = 0,
    absent: int = 0,
    pool: Sequence[Member] = (),
    ratings: Sequence[int] = (),
    cancelled: bool = False,
    planned: dt.datetime | None = None,
) -> Meeting:
    """A meeting at `starts` (planned by the schedule at `planned`, if moved), with attendance
    of `pool` (present first) and anonymous ratings."""
    meeting = Meeting.objects.create(
        circle=circle,
        starts_at=starts,
        series_start=planned or starts,
        status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.SCHEDULED,
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=person,
            status=Attendance.Status.PRESENT if n < present else Attendance.Status.ABSENT,
        )
        for n, person in enumerate(pool[: present + absent])
    )
    Feedback.objects.bulk_create(
        Feedback(meeting=meeting, anonymous=True, rating=r, given_on=starts.date()) for r in ratings
    )
    return meeting


def idea_on(
    circle: Circle, day: dt.date, *, stage: str = Stage.PROPOSED, withdrawn: bool = False
) -> Idea:
    challenge = Challenge.objects.create(
        program=circle.program, circle=circle, title=f"Challenge {next(_titles)}", description="x"
    )
    return Idea.objects.create(
        challenge=challenge,
        circle=circle,
        created_on=day,
        anonymous=True,
        stage=stage,
        withdrawn=withdrawn,
    )


def decide(idea: Idea, to_stage: str, when: dt.datetime) -> Decision:
    return Decision.objects.create(
        idea=idea, from_stage=Stage.DISCUSSING, to_stage=to_stage, rationale="Why", decided_at=when
    )


def commitment_due(
    circle: Circle,
    owner: Member,
    due: dt.datetime,
    *,
    done: dt.datetime | None = None,
    status: str | None = None,
) -> Commitment:
    fields: dict[str, object] = {}
    if done is not None:
        fields.update(status=Commitment.Status.DONE, done_at=done)
    elif status == Commitment.Status.DROPPED:
        fields.update(status=status, dropped_at=due, dropped_reason="No longer needed")
    else:
        fields.update(status=status or Commitment.Status.OPEN)
    return Commitment.objects.create(
        circle=circle,
        owner=owner,
        title=f"Commitment {next(_titles)}",
        due_at=due,
        due_time_zone="Europe/London",
        **fields,
    )


def escalate(
    commitment: Commitment, by: Member, raised: dt.datetime, *, resolved: dt.datetime | None = None
) -> Escalation:
    return Escalation.objects.create(
        commitment=commitment,
        raised_by=by,
        raised_at=raised,
        reason="Overdue twice",
        owner_period_ends_at=raised + dt.timedelta(days=3),
        resolved_at=resolved,
        resolution=Escalation.Resolution.NEW_DATE if resolved else "",
    )


def north_world(personas: Personas) -> Circle:
    """North's half year. Expected, month by month (Jan .. Jun):

    meetings scheduled 2 1 0 0 0 1, held 1 1 0 0 0 1 (one cancelled in January; February's was
    moved), present/recorded 3/4 2/2 - - - 1/2, ratings 2+3 | 4 | 5 (usefulness 2.5, 4.0, 5.0);
    ideas proposed 2 0 1 0 0 0, to trial in April, adopted in May, set aside in February;
    commitments on time 0 1 0 0 0 0, late 0 1 0 0 0 0, overdue 0 0 1 0 1 0; escalations
    0 0 1 0 1 0, one open now; one idea on trial now; pulse: three answers in the period from
    1 March (shown), two in the period from 26 April (not shown), five in the open period.
    What lies outside: December (by a few minutes in London), today, the future, a withdrawn
    idea, a dropped or unanswered commitment, and South's rows."""
    circle = personas.circle
    lead = personas.members["lead"]
    pool = people(circle, 4)
    # Meetings.
    meeting_at(circle, at(2026, 12, 31, 23, 30), present=1, pool=pool)  # 23:30 GMT: December
    meeting_at(circle, at(2027, 1, 11), present=3, absent=1, pool=pool, ratings=(2, 3))
    meeting_at(circle, at(2027, 1, 18), cancelled=True)
    meeting_at(circle, at(2027, 2, 9), present=2, pool=pool, ratings=(4,), planned=at(2027, 2, 8))
    meeting_at(circle, at(2027, 5, 31, 23, 30), present=1, absent=1, pool=pool, ratings=(5,))
    meeting_at(circle, at(2027, 6, 15, 9), present=2, pool=pool, ratings=(1,))  # today
    meeting_at(circle, at(2027, 6, 22))  # to come
    # Ideas and decisions.
    idea_on(circle, dt.date(2026, 12, 31))
    adopted = idea_on(circle, dt.date(2027, 1, 5), stage=Stage.ADOPTED)
    set_aside = idea_on(circle, dt.date(2027, 1, 20), stage=Stage.SET_ASIDE)
    idea_on(circle, dt.date(2027, 2, 10), withdrawn=True)
    on_trial = idea_on(circle, dt.date(2027, 3, 31), stage=Stage.TRIAL)
    later = idea_on(circle, TODAY)
    decide(set_aside, Stage.SET_ASIDE, at(2027, 2, 20, 12))
    decide(on_trial, Stage.TRIAL, at(2027, 3, 31, 23, 30))  # 00:30 BST on 1 April
    decide(adopted, Stage.ADOPTED, at(2027, 5, 10, 12))
    decide(later, Stage.SET_ASIDE, at(2027, 6, 15, 8))  # today
    # Commitments and escalations.
    commitment_due(circle, lead, at(2027, 2, 10, 12), done=at(2027, 2, 10, 12))  # on the minute
    commitment_due(circle, lead, at(2027, 2, 20, 12), done=at(2027, 2, 21, 8))
    march = commitment_due(circle, lead, at(2027, 3, 5, 12))
    may = commitment_due(circle, lead, at(2027, 4, 30, 23, 30))  # 00:30 BST on 1 May
    commitment_due(circle, lead, at(2027, 6, 15, 9))  # today
    commitment_due(circle, lead, at(2027, 6, 20, 12))  # to come
    commitment_due(circle, lead, at(2027, 4, 10, 12), status=Commitment.Status.DROPPED)
    escalate(march, lead, at(2027, 3, 10), resolved=at(2027, 3, 20))
    escalate(may, lead, at(2027, 5, 5))
    # Pulse.
    PulseSchedule.objects.create(program=circle.program, every_weeks=4, starts_on=PULSE_STARTS)
    pulse_answers(circle, dt.date(2027, 3, 1), 3, score=4)
    pulse_answers(circle, dt.date(2027, 4, 26), 2, score=2)
    pulse_answers(circle, dt.date(2027, 5, 24), 5, score=5)
    # South's rows count for South alone.
    south = personas.other_circle
    meeting_at(south, at(2027, 3, 3), cancelled=True)
    idea_on(south, dt.date(2027, 3, 3), stage=Stage.TRIAL)
    pulse_answers(south, dt.date(2027, 3, 1), 4, score=1)
    return circle


def more_of_everything(circle: Circle, owner: Member, month: int) -> None:
    """A meeting with attendance and ratings, an idea through a decision, a commitment done,
    one overdue and escalated, in `month` of 2027: rows a per-row query would show."""
    pool = people(circle, 3)
    meeting_at(circle, at(2027, month, 3), present=2, absent=1, pool=pool, ratings=(3, 4))
    meeting_at(circle, at(2027, month, 4), cancelled=True)
    decide(
        idea_on(circle, dt.date(2027, month, 5), stage=Stage.TRIAL), Stage.TRIAL, at(2027, month, 6)
    )
    commitment_due(circle, owner, at(2027, month, 7), done=at(2027, month, 6))
    escalate(commitment_due(circle, owner, at(2027, month, 8)), owner, at(2027, month, 9))
