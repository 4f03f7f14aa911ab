"""The mindset part of the demo lead's toolkit: the welcome each circle's lead was sent when the
circle opened (read long ago), the demo lead's introduction, finished in her first week, and
Anvil's mission written together: lines proposed by its people, a first version the lead
assembled and everyone acknowledged, a line added later and a second version, acknowledged by
all but one.

The services stamp what they write with the present; each step is dated afterwards with one
update, its notices included (see demo/leadership.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import F
from django.urls import reverse

from roundtable.circles.models import Circle
from roundtable.demo.leadership_private import Clock
from roundtable.leadership.models import (
    LeadOnboarding,
    Mission,
    MissionAcknowledgement,
    MissionLine,
)
from roundtable.leadership.services.mission import (
    mission_acknowledge,
    mission_assemble,
    mission_line_propose,
)
from roundtable.leadership.services.onboarding import lead_onboarding_finish
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

# (role, days ago, the line proposed); roles as in demo/leadership.py
LINES: tuple[tuple[str, int, str], ...] = (
    ("lead", 102, "We make the first visit the last one."),
    ("ed", 101, "We share what we know about the kit, so nobody learns it the hard way."),
    ("member", 100, "Every idea gets a fair hearing and an honest critique."),
    ("fi", 99, "We keep each other's time: the hour is the hour."),
    ("gil", 99, "We try things for real and count what happened."),
    ("member", 40, "Whoever is on nights hears what we decided the next morning."),
)
FIRST = (
    "We make the first visit the last one.\n"
    "We share what we know about the kit, so nobody learns it the hard way.\n"
    "Every idea gets a fair hearing and an honest critique, and we try the best ones for real."
)
SECOND = FIRST + "\nWhoever is on nights hears what we decided the next morning."
# (text, days ago assembled, the LINES it draws on, [(role, days ago acknowledged)]): fi's line
# stayed out, and fi has yet to read version 2
VERSIONS: tuple[tuple[str, int, tuple[int, ...], tuple[tuple[str, int], ...]], ...] = (
    (FIRST, 96, (0, 1, 2, 4), (("lead", 96), ("ed", 96), ("member", 95), ("fi", 94), ("gil", 95))),
    (SECOND, 37, (0, 1, 2, 4, 5), (("lead", 37), ("ed", 37), ("member", 36), ("gil", 35))),
)
READ_AFTER_DAYS = 7


def demo_mission_seed(
    *, clock: Clock, circles: Sequence[Circle], anvil: Circle, people: dict[str, Member]
) -> None:
    _welcomes(clock, circles)
    lead = people["lead"]
    finished = lead_onboarding_finish(circle=anvil, lead=lead)
    start = anvil.program.start_date
    LeadOnboarding.objects.filter(pk=finished.pk).update(
        finished_on=start + dt.timedelta(days=2),
        created_at=clock.at((clock.today - start).days, 9),
        updated_at=clock.at((clock.today - start).days - 2, 20),
    )
    lines: list[MissionLine] = []
    for role, ago, text in LINES:
        line = mission_line_propose(circle=anvil, author=people[role], text=text)
        _dated(MissionLine, line.pk, clock.at(ago, 19), f"mission-line-{line.pk}", clock.today)
        lines.append(line)
    based_on: int | None = None
    for text, ago, drawn_on, acknowledged in VERSIONS:
        mission = mission_assemble(
            circle=anvil,
            assembled_by=lead,
            lines=[lines[i] for i in drawn_on],
            text=text,
            based_on=based_on,
        )
        _dated(Mission, mission.pk, clock.at(ago, 17), f"mission-{mission.pk}", clock.today)
        for role, when in acknowledged:
            ack = mission_acknowledge(circle=anvil, member=people[role], number=mission.number)
            MissionAcknowledgement.objects.filter(pk=ack.pk).update(
                acknowledged_at=clock.at(when, 20)
            )
        based_on = mission.number


def _dated(model: type, pk: int, moment: dt.datetime, key: str, today: dt.date) -> None:
    model.objects.filter(pk=pk).update(created_at=moment, updated_at=moment)  # type: ignore[attr-defined]
    day = moment.date()
    read = {"read_at": moment, "digested_on": day} if (today - day).days > READ_AFTER_DAYS else {}
    Notice.objects.filter(kind=NoticeKind.MISSION_CHANGED, key=key).update(
        created_on=day, created_at=moment, **read
    )


def _welcomes(clock: Clock, circles: Sequence[Circle]) -> None:
    """Each lead was welcomed when their circle opened, and read it then. Sent here with that
    moment and the welcome's own key, so the welcome the circles' lead hook sends once the seed
    commits finds it there and sends nothing new."""
    for circle in circles:
        if circle.lead is None:
            continue
        notice_send(
            member=circle.lead,
            kind=NoticeKind.LEAD_WELCOME,
            title=f"You now lead {circle.name}: a short introduction to leading your peers",
            url=reverse("leadership:onboarding", args=[circle.pk]),
            key=f"circle-{circle.pk}-lead-{circle.lead_id}",
            now=clock.at((clock.today - circle.program.start_date).days, 9),
        )
    Notice.objects.filter(
        kind=NoticeKind.LEAD_WELCOME, member__in=[c.lead_id for c in circles if c.lead_id]
    ).update(read_at=F("created_at"), digested_on=F("created_on"))
