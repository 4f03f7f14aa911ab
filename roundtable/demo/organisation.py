"""The demo organisation, Northwind Field Services: about 60 members, two programs and ten circles,
loaded through the real services and deterministic for a given seed, with one sign-in per role."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member, circle_create, circle_remove_member
from roundtable.demo.commitments import demo_commitments_seed
from roundtable.demo.ideas import demo_ideas_seed
from roundtable.demo.insights_health import demo_health_seed
from roundtable.demo.insights_pulses import demo_pulses_seed
from roundtable.demo.leadership import demo_leadership_seed
from roundtable.demo.meetings import demo_meetings_seed
from roundtable.demo.people import (
    FSE,
    LONDON,
    MANAGERS,
    NAMED,
    availability_windows,
    generated_people,
)
from roundtable.orgs.models import Member, Organization, Role
from roundtable.orgs.services import member_create, member_set_availability, organization_create
from roundtable.programs.models import Program
from roundtable.programs.services import program_create, program_enrol

DEMO_ORG_NAME = "Northwind Field Services"
DEMO_ORG_SLUG = "northwind"
DEMO_DOMAIN = "northwind.example"
DEMO_PASSWORD = "roundtable-demo"

# (role label, email, description); the local part of each email is the key in DemoResult.people.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    (
        "Organisation admin",
        f"admin@{DEMO_DOMAIN}",
        "Olivia Hart: members, programs and invitations of Northwind",
    ),
    ("Coordinator", f"coordinator@{DEMO_DOMAIN}", "Priya Raman: coordinates both programs"),
    ("Sponsor", f"sponsor@{DEMO_DOMAIN}", "Graham Whitfield: sponsors Field Engineer Peer Circles"),
    ("Circle lead", f"lead@{DEMO_DOMAIN}", "Aisha Mensah: leads the Anvil circle"),
    ("Member", f"member@{DEMO_DOMAIN}", "Daniel Okafor: a member of the Anvil circle"),
]

_LOGIN_KEYS = {email.split("@")[0] for _, email, _ in DEMO_LOGINS}

TRAINING_PURPOSE = (
    "Field Service Engineers in the same official role, with different experience in the "
    "industry, tenure at Northwind and approaches to the job, attack common problems together: "
    "repeat call-outs, first-time fix rate and handovers between shifts. Each circle meets at the "
    "same time every week, proposes tactics in a non-threatening setting, critiques them openly "
    "and works out a reasoned argument for why a tactic would or would not work."
)
PROJECT_PURPOSE = (
    "A peer-led project to rebuild the renewals playbook. Each circle's lead guides peers who do "
    "not report to them: Customer Success Managers and Inside Sales Representatives pool their "
    "ideas, strategies and timelines, set their own dates for what they take on, and bring the "
    "tactics that worked to the sponsor every two weeks."
)
TRAINING_CIRCLES = ("Anvil", "Beacon", "Compass", "Dynamo", "Ember", "Forge")
PROJECT_CIRCLES = ("Harbour", "Lantern", "Meridian", "Summit")


@dataclass(frozen=True)
class DemoResult:
    organization: Organization
    created: bool
    people: dict[str, Member]  # the demo sign-ins by key: admin, coordinator, sponsor, lead, member
    programs: list[Program]
    circles: list[Circle]


@transaction.atomic
def demo_seed(*, seed: int = 7) -> DemoResult:
    """Load the demo organisation; when it is already there, return it unchanged."""
    existing = Organization.objects.filter(slug=DEMO_ORG_SLUG).first()
    if existing is not None:
        return _result(existing, created=False)
    rng = random.Random(seed)
    today = timezone.localdate()
    org = organization_create(name=DEMO_ORG_NAME, slug=DEMO_ORG_SLUG, time_zone=LONDON)
    named, everyone = _members_create(organization=org, rng=rng, today=today)

    managers = {named[key].pk for key in MANAGERS.values()}
    peers = [m for m in everyone if m.role == Role.MEMBER and m.pk not in managers]
    training = program_create(
        organization=org,
        name="Field Engineer Peer Circles",
        purpose=TRAINING_PURPOSE,
        sponsor=named["sponsor"],
        coordinators=[named["coordinator"]],
        start_date=today - dt.timedelta(days=119),
        kind=Program.Kind.TRAINING,
        cadence=Program.Cadence.WEEKLY,
        status=Program.Status.ACTIVE,
    )
    project = program_create(
        organization=org,
        name="Renewals Playbook Project",
        purpose=PROJECT_PURPOSE,
        sponsor=named["renewals-sponsor"],
        coordinators=[named["coordinator2"], named["coordinator"]],
        start_date=today - dt.timedelta(days=70),
        kind=Program.Kind.PROJECT,
        cadence=Program.Cadence.BIWEEKLY,
        status=Program.Status.ACTIVE,
    )
    demo_pks = {named["lead"].pk, named["member"].pk}

    groups, waiting = _deal([m for m in peers if m.job_title == FSE], 6, 3, keep=demo_pks)
    # The demo lead's group becomes the first circle, Anvil, and the demo member joins it.
    groups.sort(key=lambda group: named["lead"] not in group)
    _swap_into(groups, target=groups[0], member=named["member"], staying=named["lead"])
    # One engineer started in a smaller circle and moved after five weeks (a change of shifts).
    moved_to = max(range(1, 6), key=lambda i: len(groups[i]))
    moved_from = min((i for i in range(1, 6) if i != moved_to), key=lambda i: len(groups[i]))
    mover = next(
        m
        for m in groups[moved_to]
        if _joined_on(m, training.start_date) == training.start_date and m.pk not in demo_pks
    )
    groups[moved_to].remove(mover)
    groups[moved_from].append(mover)
    circles = _circles_open(
        program=training,
        names=TRAINING_CIRCLES,
        groups=groups,
        leads={0: named["lead"]},
        not_leading={mover.pk},
        rng=rng,
        today=today,
    )
    moved_on = training.start_date + dt.timedelta(days=35)
    circle_remove_member(circle=circles[moved_from], member=mover, on=moved_on)
    circle_add_member(circle=circles[moved_to], member=mover, on=moved_on)
    program_enrol(program=training, members=waiting, on=today - dt.timedelta(days=6))

    groups, waiting = _deal([m for m in peers if m.job_title != FSE], 4, 2, keep=set())
    circles += _circles_open(
        program=project, names=PROJECT_CIRCLES, groups=groups, leads={}, rng=rng, today=today
    )
    program_enrol(program=project, members=waiting, on=today - dt.timedelta(days=4))
    demo_meetings_seed(circles=circles, rng=rng)
    demo_ideas_seed(
        programs=[training, project],
        circles=circles,
        coordinator=named["coordinator2"],
        today=today,
    )
    demo_commitments_seed(circles=circles, lead=named["lead"], member=named["member"], today=today)
    demo_leadership_seed(circles=circles, lead=named["lead"], member=named["member"], today=today)
    demo_pulses_seed(
        programs=[training, project],
        circles=circles,
        coordinator=named["coordinator"],
        lead=named["lead"],
        member=named["member"],
    )
    demo_health_seed(circles=circles)
    return _result(org, created=True)


def _result(organization: Organization, *, created: bool) -> DemoResult:
    people = Member.objects.filter(
        organization=organization, user__email__in=[email for _, email, _ in DEMO_LOGINS]
    ).select_related("user")
    return DemoResult(
        organization=organization,
        created=created,
        people={m.user.email.split("@")[0]: m for m in people},
        programs=list(organization.programs.order_by("start_date")),
        circles=list(
            Circle.objects.filter(program__organization=organization)
            .select_related("program", "lead")
            .order_by("program__start_date", "name")
        ),
    )


def _members_create(
    *, organization: Organization, rng: random.Random, today: dt.date
) -> tuple[dict[str, Member], list[Member]]:
    named: dict[str, Member] = {}
    everyone: list[Member] = []
    for person in (*NAMED, *generated_people(rng)):
        email = (
            f"{person.key}@{DEMO_DOMAIN}"
            if person.key in _LOGIN_KEYS
            else f"{slugify(person.full_name.replace('ı', 'i')).replace('-', '.')}@{DEMO_DOMAIN}"
        )
        manager_key = MANAGERS[person.department]
        member = member_create(
            organization=organization,
            email=email,
            full_name=person.full_name,
            role=person.role,
            password=DEMO_PASSWORD if person.key in _LOGIN_KEYS else None,
            job_title=person.job,
            department=person.department,
            location=person.location,
            hire_date=today - dt.timedelta(days=round(person.tenure * 365.25)),
            years_experience=person.experience,
            time_zone=person.time_zone,
            manager=None if manager_key == person.key else named[manager_key],
            skills=person.skills,
            approaches=person.approaches,
        )
        member_set_availability(member=member, slots=availability_windows(rng, person.time_zone))
        if person.key:
            named[person.key] = member
        everyone.append(member)
    return named, everyone


def _deal(
    peers: Sequence[Member], count: int, waiting: int, *, keep: set[int]
) -> tuple[list[list[Member]], list[Member]]:
    """Round-robin by tenure into `count` groups, so each mixes veterans and newcomers; the
    `waiting` newest hires (never those in `keep`) are enrolled but not yet placed."""
    by_tenure = sorted(peers, key=lambda m: (m.hire_date or dt.date.min, m.pk))
    newest = [m for m in reversed(by_tenure) if m.pk not in keep][:waiting]
    placed = [m for m in by_tenure if m not in newest]
    return [placed[i::count] for i in range(count)], newest


def _swap_into(
    groups: list[list[Member]], *, target: list[Member], member: Member, staying: Member
) -> None:
    """Move `member` into `target`, swapping with whoever there is closest to them in tenure."""
    home = next(group for group in groups if member in group)
    if home is target:
        return
    swap = min(
        (m for m in target if m != staying),
        key=lambda m: abs(((m.hire_date or dt.date.min) - (member.hire_date or dt.date.min)).days),
    )
    target[target.index(swap)] = member
    home[home.index(member)] = swap


def _joined_on(member: Member, start: dt.date) -> dt.date:
    """People hired after the start joined their circle three weeks into the job."""
    return max(start, (member.hire_date or start) + dt.timedelta(days=21))


def _circles_open(
    *,
    program: Program,
    names: Sequence[str],
    groups: Sequence[Sequence[Member]],
    leads: dict[int, Member],
    rng: random.Random,
    today: dt.date,
    not_leading: Collection[int] = (),
) -> list[Circle]:
    """Open one circle per group, in the time zone most of its members live in, with a lead
    from `leads` (by group index) or drawn from those there from the start."""
    start = program.start_date
    circles = []
    for i, (name, group) in enumerate(zip(names, groups, strict=True)):
        first = [m for m in group if _joined_on(m, start) == start]
        lead = leads.get(i) or rng.choice([m for m in first if m.pk not in not_leading])
        time_zone = _most_common_time_zone(group, prefer=program.organization.time_zone)
        circle = circle_create(
            program=program, name=name, time_zone=time_zone, members=first, lead=lead, on=start
        )
        for member in sorted(group, key=lambda m: _joined_on(m, start)):
            if member not in first:
                circle_add_member(
                    circle=circle, member=member, on=min(_joined_on(member, start), today)
                )
        circles.append(circle)
    return circles


def _most_common_time_zone(members: Sequence[Member], *, prefer: str) -> str:
    """The commonest zone on the continent most members live on (two Londoners and a Berliner
    outnumber two New Yorkers); a tie goes to `prefer`, the head office's zone."""

    def ranked(counts: Counter[str], preferred: str) -> str:
        return max(counts, key=lambda key: (counts[key], key == preferred))

    continent = ranked(Counter(m.time_zone.split("/")[0] for m in members), prefer.split("/")[0])
    return ranked(
        Counter(m.time_zone for m in members if m.time_zone.startswith(f"{continent}/")), prefer
    )
