"""The demo's commitments: made in past meetings, asked and answered with a date, one declined and
one countered then accepted, done on time with a note and done late, renegotiated twice with
reasons, overdue, moved out of a busy period, waiting on another, serving a running trial, one
escalation still in its owner's period, one in the sponsor's queue and one the sponsor resolved
with an outcome.

Everything goes through the commitments services, each given the moment it happened (they all
take `now`), so the activity log, the date changes and the notices carry the demo's past dates
without being re-dated: the activity table refuses updates. The reminders and nudges the worker
would have sent by now are recorded as sent at their time, as the worker would have done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import Activity, BusyPeriod, Commitment, Escalation
from roundtable.commitments.services import commitments as svc
from roundtable.commitments.services.busy import busy_period_add, busy_period_move_commitments
from roundtable.commitments.services.escalations import (
    escalation_comment,
    escalation_owner_side,
    escalation_raise,
    escalation_resolve,
    escalation_url,
    escalations_sponsor_tell,
)
from roundtable.commitments.services.notify import commitment_url
from roundtable.ideas.models import Stage, Trial
from roundtable.meetings.models import Meeting
from roundtable.notifications.models import Notice, Notification
from roundtable.orgs.models import Member

READ_AFTER_DAYS = 7  # older notices were read (and digested) long ago


class _Clock:
    """Moments `ago` days back at a local hour, and days relative to the seed's today."""

    def __init__(self, *, now: dt.datetime, today: dt.date) -> None:
        self.now, self.today = now, today

    def at(self, ago: int, circle: Circle, hour: int = 10) -> dt.datetime:
        day = self.today - dt.timedelta(days=ago)
        moment = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(circle.time_zone))
        return min(moment, self.now - dt.timedelta(minutes=30))

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def this_week(self, offset: int) -> dt.date:
        """`offset` days ahead, but no later than this Sunday (so it is due this week)."""
        sunday = self.today + dt.timedelta(days=6 - self.today.weekday())
        return min(self.day(offset), sunday)


def _people(circle: Circle) -> tuple[Member, list[Member]]:
    memberships = circle.memberships.filter(left_on__isnull=True).select_related("member__user")
    peers = [
        m.member
        for m in sorted(memberships, key=lambda m: (m.joined_on, m.member_id))
        if m.member_id != circle.lead_id
    ]
    if circle.lead is None:
        raise ValueError(f"The demo's {circle} has no lead.")
    return circle.lead, peers


def _meetings(circle: Circle, now: dt.datetime) -> list[Meeting]:
    """The circle's past meetings that took place, latest first."""
    return list(
        Meeting.objects.filter(
            circle=circle,
            status=Meeting.Status.SCHEDULED,
            starts_at__lt=now - dt.timedelta(hours=3),
        ).order_by("-starts_at")[:6]
    )


def demo_commitments_seed(
    *, circles: Sequence[Circle], lead: Member, member: Member, today: dt.date
) -> None:
    """Commitments in the demo: see the module's docstring. `lead` and `member` are the demo's
    circle lead and member, both in Anvil."""
    clock = _Clock(now=timezone.now(), today=today)
    by_name = {circle.name: circle for circle in circles}
    made = _anvil(clock, by_name["Anvil"], lead=lead, member=member)
    made += _beacon(clock, by_name["Beacon"])
    made += _compass(clock, by_name["Compass"])
    made += _lantern(clock, by_name["Lantern"])
    _worker_caught_up(made, now=clock.now)
    _notices_read(made, today=today)


# --- Anvil: the demo lead's circle ----------------------------------------------------------


def _anvil(clock: _Clock, circle: Circle, *, lead: Member, member: Member) -> list[Commitment]:
    peers = [p for p in _people(circle)[1] if p.pk != member.pk]
    ed, fi, gil = peers[0], peers[1], peers[2]
    meetings = _meetings(circle, clock.now)
    m1, m2, m3 = (meetings[i].ends_at for i in (1, 2, 3))

    # Done on time, with a note: taken on in a meeting three weeks ago.
    kit = svc.commitment_take_on(
        circle=circle,
        owner=member,
        title="List what goes in the Vireo 24 trap seal kit",
        details="Part numbers, quantities and where each is stocked.",
        due_on=clock.day(-14),
        meeting=meetings[3],
        now=m3,
    )
    svc.commitment_done(
        commitment=kit,
        member=member,
        note="Two seals (VS-24-01), one trap (VS-24-T) and a tube of silicone grease; all in "
        "the Leeds depot. List on the team drive.",
        link="https://intranet.northwind.example/vans/kit-vireo-24",
        now=clock.at(15, circle, 16),
    )

    # Asked in a meeting, answered with a date this week; another waits on it.
    parts = svc.commitment_ask(
        circle=circle,
        asked_by=lead,
        owner=member,
        title="Share the first-time-fix parts list on the team drive",
        details="The parts we agreed should be on every van, with the call-outs they would "
        "have saved last quarter.",
        meeting=meetings[1],
        now=m1,
    )
    svc.commitment_answer(
        commitment=parts,
        member=member,
        due_on=clock.this_week(3),
        now=m1 + dt.timedelta(hours=20),
    )
    restock = svc.commitment_take_on(
        circle=circle,
        owner=ed,
        title="Restock my van from the shared parts list",
        due_on=clock.day(9),
        meeting=meetings[1],
        now=m1 + dt.timedelta(minutes=5),
    )
    svc.commitment_wait_on(
        commitment=restock, on=parts, member=ed, now=m1 + dt.timedelta(minutes=6)
    )

    # Asked and declined, with a reason.
    shadow = svc.commitment_ask(
        circle=circle,
        asked_by=lead,
        owner=fi,
        title="Draw up the shadowing rota for the two new engineers",
        meeting=meetings[2],
        now=m2,
    )
    svc.commitment_decline(
        commitment=shadow,
        member=fi,
        reason="I am on nights for the next month, so I cannot see who is on which shift; "
        "Gil plans the day rota and would do it better.",
        now=m2 + dt.timedelta(hours=18),
    )

    # Asked, countered with a smaller scope and a date, accepted.
    checklist = svc.commitment_ask(
        circle=circle,
        asked_by=lead,
        owner=gil,
        title="Try the checklist-first approach on ten call-outs and report back",
        meeting=meetings[2],
        now=m2 + dt.timedelta(minutes=2),
    )
    svc.commitment_counter(
        commitment=checklist,
        member=gil,
        proposal="Five call-outs rather than ten: I am on the boiler recall this month and "
        "will see fewer repeat faults than usual.",
        due_on=clock.day(5),
        now=m2 + dt.timedelta(days=1),
    )
    svc.commitment_accept(commitment=checklist, member=lead, now=m2 + dt.timedelta(days=1, hours=3))

    # Renegotiated twice, each time with a reason; due this week now.
    handover = svc.commitment_take_on(
        circle=circle,
        owner=member,
        title="Write the handover note template for shift changes",
        due_on=clock.day(-16),
        now=clock.at(26, circle),
    )
    svc.commitment_move(
        commitment=handover,
        member=member,
        due_on=clock.day(-6),
        reason="The night shift asked to see a draft first; giving them a week to comment.",
        now=clock.at(18, circle),
    )
    svc.commitment_move(
        commitment=handover,
        member=member,
        due_on=clock.this_week(2),
        reason="Their comments came in late and change the layout; two more days to fold them in.",
        now=clock.at(7, circle, 9),
    )

    # Overdue by a few days (nudged, not yet escalatable).
    svc.commitment_take_on(
        circle=circle,
        owner=gil,
        title="Photograph the clogged traps from last month's repeat call-outs",
        due_on=clock.day(-4),
        meeting=meetings[3],
        now=m3 + dt.timedelta(minutes=3),
    )

    # A busy period, and the commitment inside it moved out in one step.
    audit = svc.commitment_take_on(
        circle=circle,
        owner=lead,
        title="Summarise the circle's first-time-fix numbers for the sponsor",
        due_on=clock.day(4),
        now=clock.at(12, circle),
    )
    period = busy_period_add(
        member=lead,
        label="Van stock audit week",
        starts_on=clock.day(2),
        ends_on=clock.day(6),
    )
    moment = clock.at(3, circle, 8)
    BusyPeriod.objects.filter(pk=period.pk).update(created_at=moment, updated_at=moment)
    busy_period_move_commitments(period=period, member=lead, now=clock.at(3, circle, 9))

    # Long overdue: escalated by the lead today, still in the owner's period.
    late = svc.commitment_take_on(
        circle=circle,
        owner=fi,
        title="Send the boiler-model call-out data to the manufacturer's rep",
        due_on=clock.day(-12),
        now=clock.at(27, circle),
    )
    escalation_raise(
        commitment=late,
        by=lead,
        reason="Twelve days overdue with no word, and the rep's review of the fault closes at "
        "the end of the month: without our data they will not recall the part.",
        now=clock.now - dt.timedelta(hours=2),
    )
    return [kit, parts, restock, shadow, checklist, handover, audit, late]


# --- Beacon: an escalation the sponsor resolved; done late -----------------------------------


def _beacon(clock: _Clock, circle: Circle) -> list[Commitment]:
    lead, (ann, bo, *_) = _people(circle)
    sponsor = circle.program.sponsor
    if sponsor is None:
        raise ValueError(f"The demo's {circle.program} has no sponsor.")
    template = svc.commitment_take_on(
        circle=circle,
        owner=ann,
        title="Update the customer sign-off form with the new safety checks",
        due_on=clock.day(-32),
        now=clock.at(45, circle),
    )
    escalation = escalation_raise(
        commitment=template,
        by=lead,
        reason="Three weeks overdue, and engineers are still signing off jobs on the old form "
        "that misses the flue check.",
        now=clock.at(22, circle, 11),
    )
    escalation_owner_side(
        escalation=escalation,
        owner=ann,
        text="The form needs the compliance team's approval and my request has sat in their "
        "queue since the due date. I should have said so in the circle rather than going "
        "quiet.",
        now=clock.at(21, circle, 15),
    )
    escalation_comment(
        escalation=escalation,
        sponsor=sponsor,
        text="I have asked compliance to look at it this week. Ann, can you do it within a "
        "week of their approval?",
        now=clock.at(17, circle, 10),
    )
    escalation_resolve(
        escalation=escalation,
        sponsor=sponsor,
        resolution=Escalation.Resolution.NEW_DATE,
        note="Compliance approved the checks; Ann sets a date within a week.",
        now=clock.at(16, circle, 12),
    )
    svc.commitment_move(
        commitment=template,
        member=ann,
        due_on=clock.day(-10),
        reason="New date agreed at the escalation, now that compliance has approved the checks.",
        now=clock.at(16, circle, 14),
    )
    svc.commitment_done(
        commitment=template,
        member=ann,
        note="The new form is live on the tablets.",
        now=clock.at(11, circle, 15),
    )

    # Done late.
    survey = svc.commitment_take_on(
        circle=circle,
        owner=bo,
        title="Ask five customers how the follow-up call felt",
        due_on=clock.day(-10),
        now=clock.at(20, circle),
    )
    svc.commitment_done(
        commitment=survey,
        member=bo,
        note="Four of five liked it; one found it too soon after the visit.",
        now=clock.at(7, circle, 17),
    )
    return [template, survey]


# --- Compass: an escalation waiting in the sponsor's queue -----------------------------------


def _compass(clock: _Clock, circle: Circle) -> list[Commitment]:
    lead, (cy, *_) = _people(circle)
    stock = svc.commitment_take_on(
        circle=circle,
        owner=cy,
        title="Agree a van stock list with the Leeds depot",
        due_on=clock.day(-20),
        now=clock.at(34, circle),
    )
    escalation = escalation_raise(
        commitment=stock,
        by=lead,
        reason="Two weeks overdue and the depot says nobody has been in touch.",
        now=clock.at(8, circle, 11),
    )
    escalation_owner_side(
        escalation=escalation,
        owner=cy,
        text="The depot manager changed twice this month; I have a meeting with the new one "
        "next week.",
        now=clock.at(7, circle, 16),
    )
    escalations_sponsor_tell(now=clock.at(3, circle, 9))
    return [stock]


# --- Lantern: commitments serving the running trial ------------------------------------------


def _lantern(clock: _Clock, circle: Circle) -> list[Commitment]:
    lead, _ = _people(circle)
    trial = Trial.objects.select_related("owner").get(idea__circle=circle, idea__stage=Stage.TRIAL)
    if trial.owner is None:
        raise ValueError("The demo's running trial has no owner.")
    videos = svc.commitment_take_on(
        circle=circle,
        owner=trial.owner,
        title="Record the first ten video emails for the trial's accounts",
        due_on=clock.day(5),
        trial=trial,
        now=clock.at(8, circle, 11),
    )
    count = svc.commitment_ask(
        circle=circle,
        asked_by=trial.owner,
        owner=lead,
        title="Count the replies to the trial's video emails each Friday",
        trial=trial,
        now=clock.at(8, circle, 12),
    )
    svc.commitment_answer(
        commitment=count, member=lead, due_on=clock.day(11), now=clock.at(7, circle, 9)
    )
    return [videos, count]


# --- what the worker would have done by now --------------------------------------------------


def _worker_caught_up(commitments: Sequence[Commitment], *, now: dt.datetime) -> None:
    """Reminders and nudges whose time has passed were sent then: recorded as sent, with the
    activity the worker appends."""
    due = list(
        Notification.objects.filter(
            subject_type=ContentType.objects.get_for_model(Commitment),
            subject_id__in={c.pk for c in commitments},
            sent_at__isnull=True,
            due_at__lt=now,
        ).order_by("due_at")
    )
    kinds: dict[str, str] = {
        Notification.Kind.COMMITMENT_REMINDER: Activity.Kind.REMINDED,
        Notification.Kind.COMMITMENT_NUDGE: Activity.Kind.NUDGED,
    }
    Activity.objects.bulk_create(
        Activity(
            commitment_id=int(row.subject_id or 0),
            kind=kinds[row.kind],
            data={"notification": row.pk, "due_at": str(row.subject_due_at)},
            at=row.due_at,
        )
        for row in due
    )
    for row in due:
        Notification.objects.filter(pk=row.pk).update(claimed_at=row.due_at, sent_at=row.due_at)


def _notices_read(commitments: Sequence[Commitment], *, today: dt.date) -> None:
    """Notices older than a week were read (and digested) long ago."""
    urls = {commitment_url(c) for c in commitments}
    urls |= {
        escalation_url(e)
        for e in Escalation.objects.filter(commitment__in=[c.pk for c in commitments])
    }
    old = Notice.objects.filter(
        url__in=urls, created_on__lt=today - dt.timedelta(days=READ_AFTER_DAYS)
    )
    old.update(read_at=F("created_at"), digested_on=F("created_on"))
