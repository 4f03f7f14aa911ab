"""The demo lead's private toolkit for Anvil: her dated reflections over four months with a
revisit cadence, her note on each peer and her support plans (one per approach: mentor, closed
long ago; coach, due for review this week; collaborate, delegate and a stretch assignment).

Everything is written by the lead herself through the toolkit's services, so the text is
encrypted at rest as hers alone. Where a service takes the moment (reflections, the cadence,
support plans) it is given it; a peer note, which takes none, is dated afterwards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from roundtable.circles.models import Circle
from roundtable.leadership.models import PeerNote, Reflection, SupportPlan
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.leadership.services.reflections import reflection_cadence_set, reflection_write
from roundtable.leadership.services.support_plans import (
    support_plan_close,
    support_plan_create,
)
from roundtable.orgs.models import Member

Approach = SupportPlan.Approach

# (days ago, the leader I want to be, my goals, the outcomes I want for the circle)
REFLECTIONS: tuple[tuple[int, str, str, str], ...] = (
    (
        116,
        "Someone who asks before telling. I have been an engineer here longer than most of the "
        "circle, and I do not want them to hear me as the senior voice who already knows.",
        "Learn what each of the four is working towards before the end of the first month. "
        "Keep every meeting to the hour.",
        "A circle people come to because it helps them on the next job, not because it is in "
        "the diary.",
    ),
    (
        88,
        "Still the one who asks first, but I caught myself answering my own questions twice "
        "this week. Wait longer: silence is them thinking.",
        "Get a working agreement written with them rather than for them. Hand the meeting to "
        "someone else at least once.",
        "Critique that is about the idea: the early meetings were polite and said nothing.",
    ),
    (
        53,
        "A lead who shares the running of the circle. Rotating who runs the meeting started "
        "this month and {ed} ran hers better than I run mine.",
        "Fewer commitments asked by me, more taken on by them. Follow up privately and early "
        "when a date slips, as the agreement says.",
        "The repeat call-out rate on the Vireo 24 falls, and the circle can say why.",
    ),
    (
        25,
        "Steady when things slip. {fi}'s data is late and I was tempted to chase him in the "
        "meeting; I asked him on his own instead and learnt about the night shifts.",
        "Decide the trap idea with the circle at the next meeting. Give {member} room on the "
        "handover template rather than rewriting it for him.",
        "Two ideas tried for real by the end of the quarter, each with a measure we agreed "
        "before we started.",
    ),
)

# peer key -> (days ago the note was first written, days ago it was last changed)
NOTE_DAYS = {"member": (104, 8), "ed": (104, 40), "fi": (97, 24), "gil": (90, 16)}

# peer key -> (their goals, needs and wants, current load, how they like to be supported)
NOTES: dict[str, tuple[str, str, str, str]] = {
    "member": (
        "Wants to move up to senior engineer next year; the trap idea is his first proposal.",
        "Needs to see that an idea can change after critique without being lost.",
        "Full rota of day jobs; the handover template has slipped twice (each time with a good "
        "reason).",
        "Likes a question rather than an answer. Wants feedback on drafts early, in writing.",
    ),
    "ed": (
        "Interested in training new starters; has asked about the shadowing programme.",
        "Wants her experience on the Vireo range used, not just admired.",
        "Normal load. Restocking her van from the shared parts list this fortnight.",
        "Happy to be challenged in front of the group. Responds well to a stretch.",
    ),
    "fi": (
        "Quiet about his goals so far. Mentioned wanting fewer nights next year.",
        "Needs to know what is expected between meetings when he is on nights.",
        "Nights for the next month. The call-out data for the manufacturer's rep is overdue "
        "and I have escalated it.",
        "One to one, never in the meeting. A message is better than a call while on nights.",
    ),
    "gil": (
        "Wants to be trusted with planning: she already runs the day rota informally.",
        "Clear ownership: she does not like sharing a task with three people.",
        "On the boiler recall this month, so fewer repeat faults to report than usual.",
        "Hand her the whole task with the outcome wanted and leave the how to her.",
    ),
}

# peer key -> [(approach, next step, made days ago, review in days (None: this week), closed ago)]
PLANS: dict[str, list[tuple[str, str, int, int | None, int | None]]] = {
    "member": [
        (
            Approach.MENTOR,
            "Pair him with {ed} on two Vireo 24 jobs so he sees how she checks the trap.",
            82,
            -61,
            60,
        ),
        (
            Approach.COACH,
            "Ask how the handover template is going and what the night shift's comments "
            "changed; let him find the layout himself.",
            8,
            None,  # due this week
            None,
        ),
    ],
    "fi": [
        (
            Approach.COLLABORATE,
            "Sit down together with the call-out data after his last night shift and send it "
            "to the rep jointly.",
            2,
            9,
            None,
        ),
    ],
    "gil": [
        (
            Approach.DELEGATE,
            "Hand her the shadowing rota for the two new engineers, start to finish.",
            16,
            19,
            None,
        ),
    ],
    "ed": [
        (
            Approach.STRETCH,
            "Present the trap seal kit proposal at the sponsor's fortnightly review.",
            6,
            26,
            None,
        ),
    ],
}


@dataclass(frozen=True)
class Clock:
    """Moments and days of the demo, relative to the seeding day: `at(days_ago, hour)` in the
    circle's time zone (never later than half an hour ago), `day(offset)` from today, and
    `this_week(offset)`, a day ahead but no later than this Sunday."""

    now: dt.datetime
    today: dt.date
    zone: ZoneInfo

    def at(self, ago: int, hour: int = 10) -> dt.datetime:
        day = self.today - dt.timedelta(days=ago)
        moment = dt.datetime.combine(day, dt.time(hour), tzinfo=self.zone)
        return min(moment, self.now - dt.timedelta(minutes=30))

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def this_week(self, offset: int) -> dt.date:
        sunday = self.today + dt.timedelta(days=6 - self.today.weekday())
        return min(self.day(offset), sunday)


def demo_private_seed(
    *, clock: Clock, circle: Circle, lead: Member, peers: dict[str, Member]
) -> None:
    """The lead's private toolkit for `circle`. `peers` holds Anvil's peers by their part in the
    demo's story: "member" (the demo member), "ed", "fi" and "gil" (see demo/commitments.py)."""
    names = {key: peer.name.split()[0] for key, peer in peers.items()}
    reflection_cadence_set(circle=circle, author=lead, every_weeks=4, now=clock.at(117, 9))
    for ago, leader, goals, outcomes in REFLECTIONS:
        moment = clock.at(ago, 19)
        reflection = reflection_write(
            circle=circle,
            author=lead,
            leader=leader.format(**names),
            goals=goals.format(**names),
            outcomes=outcomes.format(**names),
            now=moment,
        )
        Reflection.objects.filter(pk=reflection.pk).update(created_at=moment, updated_at=moment)
    for key, (written_ago, changed_ago) in NOTE_DAYS.items():
        goals, needs, load, support = NOTES[key]
        note = peer_note_save(
            circle=circle,
            author=lead,
            peer=peers[key],
            goals=goals.format(**names),
            needs=needs.format(**names),
            load=load.format(**names),
            support=support.format(**names),
        )
        PeerNote.objects.filter(pk=note.pk).update(
            created_at=clock.at(written_ago, 18), updated_at=clock.at(changed_ago, 18)
        )
    for key, plans in PLANS.items():
        for approach, step, ago, review_in, closed_ago in plans:
            made = clock.at(ago, 17)
            plan = support_plan_create(
                circle=circle,
                author=lead,
                peer=peers[key],
                approach=approach,
                next_step=step.format(**names),
                review_on=clock.this_week(1) if review_in is None else clock.day(review_in),
                now=made,
            )
            changed = made
            if closed_ago is not None:
                changed = clock.at(closed_ago, 17)
                support_plan_close(plan=plan, author=lead, now=changed)
            SupportPlan.objects.filter(pk=plan.pk).update(created_at=made, updated_at=changed)
