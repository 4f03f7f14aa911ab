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
from roundtable.demo.meetings import demo_meetings_seed
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
        "Olivia Hart: members, programs and the Django admin",
    ),
    ("Coordinator", f"coordinator@{DEMO_DOMAIN}", "Priya Raman: coordinates both programs"),
    ("Sponsor", f"sponsor@{DEMO_DOMAIN}", "Graham Whitfield: sponsors Field Engineer Peer Circles"),
    ("Circle lead", f"lead@{DEMO_DOMAIN}", "Aisha Mensah: leads the Anvil circle"),
    ("Member", f"member@{DEMO_DOMAIN}", "Daniel Okafor: a member of the Anvil circle"),
]

FSE, CSM, ISR = "Field Service Engineer", "Customer Success Manager", "Inside Sales Representative"
NORTH, SOUTH = "North Region", "South Region"
ENTERPRISE, PARTNER = "Enterprise Accounts", "Partner Channel"
LONDON, NEW_YORK, BERLIN = "Europe/London", "America/New_York", "Europe/Berlin"

# Where each department works; a city listed twice is twice as likely.
_LOCATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    NORTH: (("Leeds", LONDON), ("Manchester", LONDON), ("Manchester", LONDON),
            ("Newcastle", LONDON), ("Glasgow", LONDON), ("Hamburg", BERLIN)),
    SOUTH: (("Atlanta", NEW_YORK), ("Charlotte", NEW_YORK), ("Orlando", NEW_YORK)),
    ENTERPRISE: (("London", LONDON), ("London", LONDON), ("New York", NEW_YORK),
                 ("Boston", NEW_YORK)),
    PARTNER: (("Bristol", LONDON), ("Berlin", BERLIN), ("Munich", BERLIN),
              ("Philadelphia", NEW_YORK)),
}  # fmt: skip
_DEPARTMENT_WEIGHTS: dict[str, dict[str, int]] = {
    FSE: {NORTH: 9, SOUTH: 8, PARTNER: 3},
    CSM: {ENTERPRISE: 11, PARTNER: 6, SOUTH: 3},
    ISR: {SOUTH: 3, PARTNER: 3, ENTERPRISE: 2, NORTH: 2},
}
_GENERATED_PER_JOB = {FSE: 30, CSM: 12, ISR: 9}
_SKILLS: dict[str, tuple[str, ...]] = {
    FSE: ("troubleshooting", "preventive maintenance", "safety compliance",
          "customer communication", "onboarding", "CRM hygiene", "public speaking"),
    CSM: ("onboarding", "renewals", "negotiation", "forecasting", "CRM hygiene",
          "escalation handling", "public speaking"),
    ISR: ("negotiation", "prospecting", "objection handling", "CRM hygiene", "forecasting",
          "public speaking"),
}  # fmt: skip
_APPROACHES = ("data-driven", "relationship-first", "process-minded", "experimental", "storyteller")
_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    LONDON: (
        "Oliver", "Amelia", "Harry", "Isla", "Jack", "Sophie", "George", "Grace", "Callum", "Niamh",
        "Rhys", "Freya", "Arjun", "Zara", "Kwame", "Hannah", "Liam", "Chloe", "Imran", "Eleanor",
        "Fraser", "Mei", "Declan", "Ruth"
    ),
    NEW_YORK: (
        "Jordan", "Maria", "Tyler", "Keisha", "Carlos", "Emily", "Andre", "Lauren", "Miguel",
        "Ashley", "Brandon", "Jasmine", "Kevin", "Sofia", "DeShawn", "Rachel", "Luis", "Nathan",
        "Tanya", "Hiroshi", "Gabriela", "Marcus"
    ),
    BERLIN: (
        "Lukas", "Anna", "Lea", "Felix", "Marie", "Jan", "Katharina", "Tobias", "Elif", "Moritz",
        "Leonie", "Deniz", "Julia", "Niklas", "Sarah", "Jürgen"
    ),
}  # fmt: skip
_LAST_NAMES: dict[str, tuple[str, ...]] = {
    LONDON: (
        "Thompson", "Patel", "Evans", "Walsh", "Hughes", "Khan", "Robertson", "Clarke", "Murphy",
        "Ahmed", "Fletcher", "Campbell", "Osei", "Lloyd", "Brennan", "Chen", "Davies", "Sharma",
        "Gallagher", "Price"
    ),
    NEW_YORK: (
        "Johnson", "Rivera", "Williams", "Nguyen", "Brooks", "Martinez", "Coleman", "Kim", "Reyes",
        "Foster", "Washington", "Ramirez", "Sullivan", "Park", "Bennett", "Alvarez", "Hayes",
        "Goldberg", "Jenkins", "Ortiz"
    ),
    BERLIN: (
        "Schmidt", "Fischer", "Wagner", "Becker", "Hoffmann", "Schulz", "Yılmaz", "Krüger",
        "Neumann", "Braun", "Zimmermann", "Hartmann", "Koch", "Lehmann", "Schäfer", "Richter"
    ),
}  # fmt: skip
# Weekly windows start in the working day; Europe leans to afternoons and New York to mornings,
# so circles that span the Atlantic still share some hours.
_WINDOW_START_HOURS = {
    LONDON: (9, 10, 13, 14, 14, 15, 16),
    BERLIN: (9, 14, 15, 15, 16),
    NEW_YORK: (8, 9, 9, 10, 11, 12),
}

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


@dataclass(frozen=True)
class _Person:
    key: str
    full_name: str
    job: str
    department: str
    location: str
    time_zone: str
    tenure: float
    experience: float
    skills: tuple[str, ...]
    approaches: tuple[str, ...]
    role: str = Role.MEMBER


# Named people: the department managers first (they manage everyone else in their department),
# then the people behind the demo sign-ins and the second coordinator.
_MANAGERS = {
    NORTH: "sponsor",
    SOUTH: "south-manager",
    ENTERPRISE: "renewals-sponsor",
    PARTNER: "partner-manager",
}
_NAMED = (
    _Person("sponsor", "Graham Whitfield", FSE, NORTH, "Leeds", LONDON, 14.8, 24.0,
            ("troubleshooting", "safety compliance", "public speaking"),
            ("process-minded", "storyteller")),
    _Person("south-manager", "Denise Carter", FSE, SOUTH, "Atlanta", NEW_YORK, 12.4, 19.0,
            ("troubleshooting", "preventive maintenance"), ("data-driven",)),
    _Person("renewals-sponsor", "Catherine Doyle", CSM, ENTERPRISE, "London", LONDON, 11.2, 17.5,
            ("renewals", "negotiation", "forecasting"), ("relationship-first", "data-driven")),
    _Person("partner-manager", "Jonas Weber", ISR, PARTNER, "Berlin", BERLIN, 8.1, 12.5,
            ("prospecting", "negotiation"), ("experimental",)),
    _Person("admin", "Olivia Hart", CSM, ENTERPRISE, "London", LONDON, 9.3, 13.0,
            ("onboarding", "CRM hygiene"), ("process-minded",), Role.ADMIN),
    _Person("coordinator", "Priya Raman", CSM, PARTNER, "Bristol", LONDON, 6.0, 10.0,
            ("onboarding", "public speaking"), ("relationship-first", "storyteller"),
            Role.COORDINATOR),
    _Person("coordinator2", "Megan Shaw", ISR, SOUTH, "Charlotte", NEW_YORK, 5.6, 8.0,
            ("forecasting", "CRM hygiene"), ("data-driven",), Role.COORDINATOR),
    _Person("lead", "Aisha Mensah", FSE, NORTH, "Manchester", LONDON, 6.2, 9.5,
            ("troubleshooting", "customer communication", "onboarding"),
            ("experimental", "relationship-first")),
    _Person("member", "Daniel Okafor", FSE, PARTNER, "Bristol", LONDON, 2.1, 3.5,
            ("preventive maintenance", "CRM hygiene"), ("data-driven",)),
)  # fmt: skip
_LOGIN_KEYS = {email.split("@")[0] for _, email, _ in DEMO_LOGINS}


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
    admin_user = named["admin"].user
    admin_user.is_staff = admin_user.is_superuser = True  # the Django admin, for the demo admin
    admin_user.save(update_fields=["is_staff", "is_superuser"])

    managers = {named[key].pk for key in _MANAGERS.values()}
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
    for person in (*_NAMED, *_generated_people(rng)):
        email = (
            f"{person.key}@{DEMO_DOMAIN}"
            if person.key in _LOGIN_KEYS
            else f"{slugify(person.full_name.replace('ı', 'i')).replace('-', '.')}@{DEMO_DOMAIN}"
        )
        manager_key = _MANAGERS[person.department]
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
        member_set_availability(member=member, slots=_availability(rng, person.time_zone))
        if person.key:
            named[person.key] = member
        everyone.append(member)
    return named, everyone


def _generated_people(rng: random.Random) -> list[_Person]:
    taken = {p.full_name for p in _NAMED}
    people = []
    for job, count in _GENERATED_PER_JOB.items():
        # Tenure from about 3 months to 15 years, more newcomers than veterans, order shuffled.
        tenures = [0.25 + 14.75 * ((k + rng.random()) / count) ** 1.6 for k in range(count)]
        rng.shuffle(tenures)
        weights = _DEPARTMENT_WEIGHTS[job]
        for tenure in tenures:
            department = rng.choices(list(weights), weights=list(weights.values()))[0]
            location, time_zone = rng.choice(_LOCATIONS[department])
            while True:
                name = f"{rng.choice(_FIRST_NAMES[time_zone])} {rng.choice(_LAST_NAMES[time_zone])}"
                if name not in taken:
                    taken.add(name)
                    break
            # Experience elsewhere before joining: mostly a little, sometimes a whole career.
            before = rng.choice((rng.uniform(0, 3), rng.uniform(0, 4), rng.uniform(4, 12)))
            people.append(
                _Person(
                    key="",
                    full_name=name,
                    job=job,
                    department=department,
                    location=location,
                    time_zone=time_zone,
                    tenure=tenure,
                    experience=round(min(max(tenure + before, 0.5), 25.0), 1),
                    skills=tuple(rng.sample(_SKILLS[job], rng.randint(2, 4))),
                    approaches=tuple(rng.sample(_APPROACHES, rng.randint(1, 2))),
                )
            )
    return people


def _availability(rng: random.Random, time_zone: str) -> list[tuple[int, dt.time, dt.time]]:
    slots = []
    # Most people keep a few weekdays fairly open and protect the rest for customers.
    for weekday in sorted(rng.sample(range(5), rng.randint(3, 5))):
        start = rng.choice(_WINDOW_START_HOURS[time_zone]) * 60 + rng.choice((0, 30))
        end = min(start + rng.choice((120, 180, 240)), 18 * 60)
        slots.append((weekday, _clock(start), _clock(end)))
    return slots


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


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
