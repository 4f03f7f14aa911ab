"""The demo's pulse, lived in: both programs run one (the field engineers every four weeks since
their first week, the renewals project every two), and each circle has answered period after
period. Anvil, the demo lead's and member's circle, formed, stormed over two periods (trust low,
answers far apart: the call-out rota argument) and is norming now; Compass has been steady and
high long enough to read as performing; Beacon had a period with two answers only, whose results
stay hidden; Dynamo, lost to the winter call-outs, has not answered lately. In the period open
today some members have answered (the demo lead among them) and others, the demo member among
them, are asked on their home page and by a notice.

Every answer goes through `pulse_answer`, by a member who was in the circle in that period, so
the demo stores answers as the app does: no member, no time, a receipt holding a digest."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.utils import timezone

from roundtable.circles.models import Circle, CircleMembership
from roundtable.insights.models import PULSE_FIELDS, PulseSchedule
from roundtable.insights.services.pulses import (
    monday_of,
    pulse_answer,
    pulse_open_notify,
    pulse_schedule_set,
)
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

# Each answer pattern: the circle's centre per statement, and how far members' answers spread.
# (trust, clarity, participation, usefulness, progress), spread offsets applied in turn.
PATTERNS: dict[str, tuple[tuple[float, ...], tuple[int, ...]]] = {
    "forming": ((3.3, 3.0, 3.4, 3.2, 2.8), (0, 1, 0, -1, 0, 1)),
    "storming": ((2.6, 3.0, 2.8, 2.6, 2.4), (-2, 2, -1, 1, -2, 2)),
    "norming": ((3.8, 3.9, 3.6, 3.6, 3.2), (0, 1, 0, -1, 1, 0)),
    "performing": ((4.4, 4.5, 4.3, 4.4, 4.3), (0, 1, 0, 0, -1, 0)),
}

# The story of each circle's closed periods, oldest first; the last entries are used when there
# are fewer periods. "two" is a period where only two members answered; "none" one nobody did.
STORIES: dict[str, tuple[str, ...]] = {
    "Anvil": ("forming", "storming", "storming", "norming", "norming"),
    "Beacon": ("forming", "forming", "two", "norming", "norming"),
    "Compass": ("forming", "norming", "performing", "performing", "performing"),
    "Dynamo": ("forming", "forming", "norming", "none", "none"),
    "Ember": ("forming", "storming", "norming", "norming", "norming"),
    "Forge": ("forming", "forming", "norming", "two", "norming"),
    "Harbour": ("forming", "norming", "norming", "performing", "performing"),
    "Lantern": ("forming", "storming", "norming", "norming", "norming"),
    "Meridian": ("forming", "forming", "two", "norming", "norming"),
    "Summit": ("forming", "norming", "norming", "norming", "storming"),
}

COMMENTS: dict[str, tuple[str, ...]] = {
    "forming": (
        "Still working out what we want from these sessions.",
        "Good to meet people from the other depots.",
        "Not sure yet what we are meant to bring to each meeting.",
    ),
    "storming": (
        "We keep arguing about the call-out rota instead of fixing anything.",
        "A couple of voices fill every meeting.",
        "Two meetings in a row felt like a waste of an evening.",
        "I said what I thought about the van stock and it did not land well.",
    ),
    "norming": (
        "The agenda the night before helps a lot.",
        "Taking turns to run the meeting works better than I expected.",
        "We finally agreed what we are trying to fix first.",
    ),
    "performing": (
        "The flue checklist we built is used on every job now.",
        "Best hour of my week.",
        "We fixed the van stock problem together.",
    ),
}

# How many answered in the period open today, per circle (the demo member's Anvil: not them).
OPEN_ANSWERS = {"Anvil": 2, "Beacon": 3, "Compass": 4, "Ember": 1, "Harbour": 2, "Summit": 1}


def _scores(pattern: str, index: int) -> dict[str, int]:
    centre, offsets = PATTERNS[pattern]
    offset = offsets[index % len(offsets)]
    scores = {}
    for position, (key, mean) in enumerate(zip(PULSE_FIELDS, centre, strict=True)):
        # The offset moves every statement alike, a little less on alternate ones, so each
        # member answers consistently and the circle's spread is the pattern's.
        shift = offset if position % 2 == 0 else round(offset * 0.5)
        scores[key] = max(1, min(5, round(mean + shift + (0.4 if index % 2 else -0.1))))
    return scores


def _members_in(circle: Circle, start: dt.date) -> list[Member]:
    """Who was in the circle by the period's first week and is in it still (only they can
    answer through the service)."""
    rows = CircleMembership.objects.filter(
        circle=circle, left_on__isnull=True, joined_on__lte=start + dt.timedelta(days=6)
    ).select_related("member__user")
    found = {row.member.pk: row.member for row in rows}
    if circle.lead is not None:
        found.setdefault(circle.lead.pk, circle.lead)
    return sorted(found.values(), key=lambda m: m.pk)


def _period_starts(schedule: PulseSchedule, today: dt.date) -> list[dt.date]:
    starts = []
    start: dt.date | None = schedule.starts_on
    while start is not None and start <= today:
        starts.append(start)
        start = start + dt.timedelta(weeks=schedule.every_weeks)
    return starts


def demo_pulses_seed(
    *,
    programs: Sequence[Program],
    circles: Sequence[Circle],
    coordinator: Member,
    lead: Member,
    member: Member,
    now: dt.datetime | None = None,
    seed: int = 16,
) -> None:
    now = now or timezone.now()
    today = now.date()
    rng = random.Random(seed)  # noqa: S311 (a repeatable demo, not a secret)
    schedules = {}
    for program, weeks in zip(programs, (4, 2), strict=False):
        schedules[program.pk] = pulse_schedule_set(
            program,
            by=coordinator,
            active=True,
            every_weeks=weeks,
            today=today,
            starts_on=monday_of(program.start_date),
        )
    for circle in circles:
        schedule = schedules.get(circle.program_id)
        if schedule is None:
            continue
        starts = _period_starts(schedule, today)
        closed, current = starts[:-1], starts[-1]
        story = STORIES.get(circle.name, ("forming", "norming", "norming", "norming", "norming"))
        story = story[: len(closed)]
        for start, chapter in zip(closed, story, strict=True):
            people = _members_in(circle, start)
            if chapter == "none" or len(people) < 3:
                continue
            rng.shuffle(people)
            count = 2 if chapter == "two" else max(3, len(people) - rng.randint(0, 2))
            pattern = "norming" if chapter == "two" else chapter
            notes = COMMENTS[pattern]
            for index, person in enumerate(people[:count]):
                comment = notes[index] if index < len(notes) and rng.random() < 0.6 else ""
                pulse_answer(
                    circle,
                    by=person,
                    today=start + dt.timedelta(days=3),
                    answers=_scores(pattern, index),
                    comment=comment,
                )
        # The period open today: a few have answered (the demo lead in Anvil), never the demo
        # member, whom the home page and a notice ask.
        people = [p for p in _members_in(circle, current) if p.pk != member.pk]
        people.sort(key=lambda p: p.pk != lead.pk)
        for index, person in enumerate(people[: OPEN_ANSWERS.get(circle.name, 0)]):
            pulse_answer(
                circle,
                by=person,
                today=current,
                answers=_scores("norming", index),
                comment="",
            )
    pulse_open_notify(now=now)
