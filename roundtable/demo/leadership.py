"""The demo lead's toolkit, lived in: the welcome, introduction and Anvil's mission written
together (leadership_mission); what Anvil's people share with their circles (and their
busy periods), Anvil's working agreement drafted from the templates, agreed, amended into a
second version that one person (the demo member) has still to agree to, with another amendment
open; the meeting role rotating in order since seven weeks, so past and coming meetings name
their runner; recognition of Harbour's adopted idea and of the named critique that changed it,
of a delivered commitment (shared with the owner's manager), of a meeting run and of a favour;
and the lead's private reflections, peer notes and support plans (leadership_private).

Everything goes through the services, written by the person who would have written it. Where a
service takes the moment it is given it; what a service stamps with the present (a version, an
acknowledgement, a recognition, their notices) is dated afterwards with one update, as the ideas
demo does, and notices older than a week were read long ago."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import BusyPeriod, Commitment
from roundtable.commitments.services.busy import busy_period_add
from roundtable.demo.leadership_mission import demo_mission_seed
from roundtable.demo.leadership_private import Clock, demo_private_seed
from roundtable.ideas.models import Critique, Idea, Stage
from roundtable.leadership.agreement_templates import TEMPLATES_BY_KEY
from roundtable.leadership.models import (
    AgreementAcknowledgement,
    AgreementAmendment,
    AgreementVersion,
    Recognition,
    WorkingAgreement,
)
from roundtable.leadership.services import agreements
from roundtable.leadership.services.profiles import shared_profile_update
from roundtable.leadership.services.recognition import (
    recognition_give,
    recognition_share_with_manager,
)
from roundtable.meetings.models import Meeting, MeetingRotation
from roundtable.meetings.services.rotation import rotation_assign, rotation_set
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.orgs.models import Member

READ_AFTER_DAYS = 7  # older notices were read (and digested) long ago
ROTATING_SINCE = 50  # days: Anvil's meeting role rotates in order from this day on

# role -> (goals, can help with, share busy periods); roles as in demo/commitments.py
SHARING: dict[str, tuple[str, str, bool]] = {
    "lead": (
        "Lead a circle that runs itself by the summer; finish the gas safety assessor course.",
        "Vireo and Altura boilers, anything on flue checks, and customers who are upset on site.",
        True,
    ),
    "member": (
        "Become a senior engineer next year. Get better at explaining a fix to customers.",
        "Handover notes, the job app's photo upload, and the Leeds depot's stock system.",
        True,
    ),
    "ed": (
        "Train the new starters: I would like to run the shadowing programme.",
        "Vireo 24 traps and seals (ten years of them), and planning a full day of jobs.",
        True,
    ),
    "fi": (
        "Fewer night shifts next year.",
        "Spreadsheets: call-out data, parts usage, anything that needs a chart.",
        False,
    ),
    "gil": (
        "Plan the rotas properly, not just informally.",
        "The day rota, swaps between shifts, and the boiler recall paperwork.",
        True,
    ),
}
# role -> (what keeps them busy, starts, ends: days from today); fi's stay theirs (not shared)
BUSY: dict[str, tuple[str, int, int]] = {
    "gil": ("Boiler recall visits", -9, 12),
    "member": ("Gas safety recertification course", 10, 11),
    "fi": ("Night shifts", -6, 24),
}

OWN_SECTION = {
    "key": "missed_meeting",
    "title": "Missing a meeting",
    "text": "Whoever runs the meeting posts the notes within a day. If you missed it, read them "
    "before the next one and add anything you would have said as a comment.",
}
NIGHTS_LINE = (
    " On nights, push back by message the next morning: it counts as much as saying it in the room."
)


def demo_leadership_seed(
    *, circles: Sequence[Circle], lead: Member, member: Member, today: dt.date
) -> None:
    """The toolkit in the demo: see the module's docstring. `lead` and `member` are the demo's
    circle lead and member, both in Anvil."""
    by_name = {circle.name: circle for circle in circles}
    anvil = by_name["Anvil"]
    clock = Clock(now=timezone.now(), today=today, zone=ZoneInfo(anvil.time_zone))
    people = _anvil_people(anvil, member=member)
    demo_mission_seed(clock=clock, circles=circles, anvil=anvil, people=people)
    _sharing(clock, people)
    _agreement(clock, anvil, people)
    held = _rotation(clock, anvil, people)
    _recognition(clock, anvil, by_name["Harbour"], people, held=held)
    peers = {key: person for key, person in people.items() if key != "lead"}
    demo_private_seed(clock=clock, circle=anvil, lead=lead, peers=peers)


def _anvil_people(circle: Circle, *, member: Member) -> dict[str, Member]:
    """Anvil's people by their part in the story: the lead, the demo member, and the other
    peers ed, fi and gil, longest-standing first (as the commitments demo deals them)."""
    memberships = circle.memberships.filter(left_on__isnull=True).select_related("member__user")
    others = [
        m.member
        for m in sorted(memberships, key=lambda m: (m.joined_on, m.member_id))
        if m.member_id not in (circle.lead_id, member.pk)
    ]
    if circle.lead is None or len(others) < 3:
        raise ValueError(f"The demo's {circle} needs a lead and three peers besides the member.")
    ed, fi, gil = others[:3]
    return {"lead": circle.lead, "member": member, "ed": ed, "fi": fi, "gil": gil}


def _dated(model: type, pk: int, moment: dt.datetime, **more: object) -> None:
    model.objects.filter(pk=pk).update(created_at=moment, updated_at=moment, **more)  # type: ignore[attr-defined]


def _notices_at(kind: str, keys: Sequence[str], moment: dt.datetime, today: dt.date) -> None:
    """Notices the services sent just now about something that happened at `moment`."""
    day = moment.date()
    read = {"read_at": moment, "digested_on": day} if (today - day).days > READ_AFTER_DAYS else {}
    Notice.objects.filter(kind=kind, key__in=keys).update(created_on=day, created_at=moment, **read)


# --- what members share ------------------------------------------------------------------------


def _sharing(clock: Clock, people: dict[str, Member]) -> None:
    for role, (goals, can_help_with, share) in SHARING.items():
        shared_profile_update(
            member=people[role], goals=goals, can_help_with=can_help_with, share_busy_periods=share
        )
    for role, (label, starts, ends) in BUSY.items():
        period = busy_period_add(
            member=people[role], label=label, starts_on=clock.day(starts), ends_on=clock.day(ends)
        )
        _dated(BusyPeriod, period.pk, clock.at(max(3, -starts + 5), 8))


# --- the working agreement --------------------------------------------------------------------


def _template_sections(*keys: str) -> list[dict[str, str]]:
    return [
        {"key": t.key, "title": t.title, "text": t.text}
        for t in (TEMPLATES_BY_KEY[key] for key in keys)
    ]


def _agreement(clock: Clock, circle: Circle, people: dict[str, Member]) -> None:
    """Version 1 from the templates (agreed by all), version 2 from gil's accepted amendment
    (agreed by all but the demo member), and ed's amendment open on version 2."""
    lead, today = people["lead"], clock.today
    sections = _template_sections("fine", "push_back", "critique", "missed_commitments")
    sections[0]["text"] += " Phones stay in pockets unless a job is waiting on a call."
    first = agreements.agreement_version_create(
        circle=circle, author=lead, sections=sections, revisit_months=3
    )
    made = clock.at(84, 17)
    _dated(AgreementVersion, first.pk, made)
    _dated(WorkingAgreement, first.agreement_id, made)
    _notices_at(NoticeKind.AGREEMENT_CHANGED, [f"agreement-version:{first.pk}"], made, today)
    _acknowledged(circle, 1, [(people[r], clock.at(ago, 20)) for r, ago in _V1_AGREED])

    proposed = agreements.amendment_propose(
        circle=circle,
        member=people["gil"],
        based_on_number=1,
        sections=[*sections, OWN_SECTION],
        reason="Those of us on nights miss a meeting now and then: say how we catch up, so "
        "nobody is left out of a decision.",
    )
    asked, decided = clock.at(31, 20), clock.at(29, 17)
    _dated(AgreementAmendment, proposed.pk, asked)
    _notices_at(NoticeKind.AGREEMENT_AMENDMENT, [f"amendment:{proposed.pk}:proposed"], asked, today)
    second = agreements.amendment_accept(amendment=proposed, decided_by=lead)
    _dated(AgreementVersion, second.pk, decided)
    AgreementAmendment.objects.filter(pk=proposed.pk).update(decided_at=decided, updated_at=decided)
    _notices_at(NoticeKind.AGREEMENT_CHANGED, [f"agreement-version:{second.pk}"], decided, today)
    _notices_at(
        NoticeKind.AGREEMENT_AMENDMENT, [f"amendment:{proposed.pk}:decided"], decided, today
    )
    _acknowledged(circle, 2, [(people[r], clock.at(ago, 19)) for r, ago in _V2_AGREED])
    agreements.agreement_revisit_set(circle=circle, months=3)  # from version 2's day

    push_back = next(s for s in second.sections if s["key"] == "push_back")
    amended = [
        {**s, "text": s["text"] + NIGHTS_LINE} if s is push_back else s for s in second.sections
    ]
    open_one = agreements.amendment_propose(
        circle=circle,
        member=people["ed"],
        based_on_number=2,
        sections=amended,
        reason="Pushing back in the room does not work for whoever is on nights; a message the "
        "next morning should count too.",
    )
    asked = clock.at(3, 19)
    _dated(AgreementAmendment, open_one.pk, asked)
    _notices_at(NoticeKind.AGREEMENT_AMENDMENT, [f"amendment:{open_one.pk}:proposed"], asked, today)


_V1_AGREED = (("lead", 84), ("ed", 84), ("gil", 83), ("member", 83), ("fi", 81))
_V2_AGREED = (("lead", 29), ("gil", 29), ("ed", 28), ("fi", 26))  # the member has yet to


def _acknowledged(circle: Circle, number: int, who: Sequence[tuple[Member, dt.datetime]]) -> None:
    for person, moment in who:
        ack = agreements.agreement_acknowledge(circle=circle, member=person, number=number)
        AgreementAcknowledgement.objects.filter(pk=ack.pk).update(acknowledged_at=moment)


# --- the rotating meeting runner --------------------------------------------------------------


def _rotation(clock: Clock, circle: Circle, people: dict[str, Member]) -> list[Meeting]:
    """In order since ROTATING_SINCE days: the lead first, to show how, then each peer. The
    turns were dealt then (and the runners told a week ahead, as the worker would have);
    the coming week's runner is told now. Returns the meetings held since, latest first."""
    since = clock.at(ROTATING_SINCE, 12)
    order = [people[role].pk for role in ("lead", "ed", "member", "fi", "gil")]
    rotation_set(circle=circle, mode=MeetingRotation.Mode.IN_ORDER, order=order, now=since)
    rotation_assign(circle=circle, now=clock.now)
    Notice.objects.filter(
        kind=NoticeKind.MEETING_RUNNER,
        member__in=[p.pk for p in people.values()],
        created_on__lt=clock.today - dt.timedelta(days=READ_AFTER_DAYS),
    ).update(read_at=F("created_at"), digested_on=F("created_on"))
    held = Meeting.objects.filter(
        circle=circle,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=since,
        starts_at__lt=clock.now,
        runner__isnull=False,
    ).order_by("-starts_at")
    return [meeting for meeting in held if meeting.ends_at < clock.now]


# --- recognition ------------------------------------------------------------------------------


def _recognition(
    clock: Clock,
    anvil: Circle,
    harbour: Circle,
    people: dict[str, Member],
    *,
    held: Sequence[Meeting],
) -> None:
    """Harbour's adopted idea and the named critique that changed it; in Anvil, a delivered
    commitment (its owner, the demo member, shows it to their manager), a meeting ed ran and
    a favour."""
    idea = Idea.objects.select_related("author").get(circle=harbour, stage=Stage.ADOPTED)
    concern = (
        Critique.objects.filter(idea=idea, stance=Critique.Stance.CONCERN, anonymous=False)
        .select_related("author")
        .order_by("created_on", "pk")
        .first()
    )
    kit = (
        Commitment.objects.filter(
            circle=anvil, owner=people["member"], status=Commitment.Status.DONE
        )
        .order_by("done_at")
        .first()
    )
    ran = next((m for m in held if m.runner_id == people["ed"].pk), None)
    if idea.author is None or concern is None or concern.author is None or harbour.lead is None:
        raise ValueError("The demo's Harbour lacks its adopted idea or the critique on it.")
    if kit is None or ran is None:
        raise ValueError("The demo's Anvil lacks a delivered commitment or a meeting ed ran.")
    given = [
        (
            harbour,
            harbour.lead,
            idea.author,
            Recognition.Kind.IDEA_ADOPTED,
            f"idea:{idea.pk}",
            "Booking the call first reached 45% of lapsed accounts against 18% before, and "
            "every circle in the project is now trying it. Well argued and properly measured.",
            10,
        ),
        (
            harbour,
            idea.author,
            concern.author,
            Recognition.Kind.CRITIQUE,
            f"critique:{concern.pk}",
            "Your point that two fixed slots would not suit facilities managers changed the "
            "idea to a booking link, and that is the version that worked.",
            43,
        ),
        (
            anvil,
            people["lead"],
            people["member"],
            Recognition.Kind.COMMITMENT_DELIVERED,
            f"commitment:{kit.pk}",
            "The seal kit list was on the drive the day you said it would be, with part numbers, "
            "and two vans were restocked from it that week.",
            14,
        ),
        (
            anvil,
            people["member"],
            people["ed"],
            Recognition.Kind.MEETING_LED,
            f"meeting:{ran.pk}",
            "A meeting that finished on time with a decision: the round of one minute each "
            "meant everyone spoke before we critiqued.",
            max(1, (clock.today - ran.starts_at.date()).days),
        ),
        (
            anvil,
            people["fi"],
            people["gil"],
            Recognition.Kind.OTHER,
            "",
            "Swapped two of my night shifts so I could make the circle's meeting about the "
            "trap idea, without my asking twice.",
            2,
        ),
    ]
    for circle, giver, recipient, kind, item, message, ago in given:
        recognition = recognition_give(
            circle=circle,
            given_by=giver,
            recipient_id=recipient.pk,
            kind=kind,
            message=message,
            item=item,
        )
        moment = clock.at(ago, 18)
        _dated(Recognition, recognition.pk, moment)
        _notices_at(NoticeKind.RECOGNISED, [f"recognition-{recognition.pk}"], moment, clock.today)
        if kind == Recognition.Kind.COMMITMENT_DELIVERED:
            recognition_share_with_manager(recognition=recognition, member=recipient, shared=True)
