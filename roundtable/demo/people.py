"""The demo's cast: the organisation's departments, places and skills, the named people behind
the sign-ins, and the generated colleagues (deterministic for a seed)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from roundtable.core.roles import Role

FSE, CSM, ISR = "Field Service Engineer", "Customer Success Manager", "Inside Sales Representative"
NORTH, SOUTH = "North Region", "South Region"
ENTERPRISE, PARTNER = "Enterprise Accounts", "Partner Channel"
LONDON, NEW_YORK, BERLIN = "Europe/London", "America/New_York", "Europe/Berlin"

# Where each department works; a city listed twice is twice as likely.
LOCATIONS: dict[str, tuple[tuple[str, str], ...]] = {
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


@dataclass(frozen=True)
class Person:
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
MANAGERS = {
    NORTH: "sponsor",
    SOUTH: "south-manager",
    ENTERPRISE: "renewals-sponsor",
    PARTNER: "partner-manager",
}
NAMED = (
    Person("sponsor", "Graham Whitfield", FSE, NORTH, "Leeds", LONDON, 14.8, 24.0,
            ("troubleshooting", "safety compliance", "public speaking"),
            ("process-minded", "storyteller")),
    Person("south-manager", "Denise Carter", FSE, SOUTH, "Atlanta", NEW_YORK, 12.4, 19.0,
            ("troubleshooting", "preventive maintenance"), ("data-driven",)),
    Person("renewals-sponsor", "Catherine Doyle", CSM, ENTERPRISE, "London", LONDON, 11.2, 17.5,
            ("renewals", "negotiation", "forecasting"), ("relationship-first", "data-driven")),
    Person("partner-manager", "Jonas Weber", ISR, PARTNER, "Berlin", BERLIN, 8.1, 12.5,
            ("prospecting", "negotiation"), ("experimental",)),
    Person("admin", "Olivia Hart", CSM, ENTERPRISE, "London", LONDON, 9.3, 13.0,
            ("onboarding", "CRM hygiene"), ("process-minded",), Role.ADMIN),
    Person("coordinator", "Priya Raman", CSM, PARTNER, "Bristol", LONDON, 6.0, 10.0,
            ("onboarding", "public speaking"), ("relationship-first", "storyteller"),
            Role.COORDINATOR),
    Person("coordinator2", "Megan Shaw", ISR, SOUTH, "Charlotte", NEW_YORK, 5.6, 8.0,
            ("forecasting", "CRM hygiene"), ("data-driven",), Role.COORDINATOR),
    Person("lead", "Aisha Mensah", FSE, NORTH, "Manchester", LONDON, 6.2, 9.5,
            ("troubleshooting", "customer communication", "onboarding"),
            ("experimental", "relationship-first")),
    Person("member", "Daniel Okafor", FSE, PARTNER, "Bristol", LONDON, 2.1, 3.5,
            ("preventive maintenance", "CRM hygiene"), ("data-driven",)),
)  # fmt: skip


def generated_people(rng: random.Random) -> list[Person]:
    taken = {p.full_name for p in NAMED}
    people = []
    for job, count in _GENERATED_PER_JOB.items():
        # Tenure from about 3 months to 15 years, more newcomers than veterans, order shuffled.
        tenures = [0.25 + 14.75 * ((k + rng.random()) / count) ** 1.6 for k in range(count)]
        rng.shuffle(tenures)
        weights = _DEPARTMENT_WEIGHTS[job]
        for tenure in tenures:
            department = rng.choices(list(weights), weights=list(weights.values()))[0]
            location, time_zone = rng.choice(LOCATIONS[department])
            while True:
                name = f"{rng.choice(_FIRST_NAMES[time_zone])} {rng.choice(_LAST_NAMES[time_zone])}"
                if name not in taken:
                    taken.add(name)
                    break
            # Experience elsewhere before joining: mostly a little, sometimes a whole career.
            before = rng.choice((rng.uniform(0, 3), rng.uniform(0, 4), rng.uniform(4, 12)))
            people.append(
                Person(
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


# Northwind keeps Tuesday and Thursday 14:00-17:00 London time for peer learning: the hours the
# three offices share (15:00-18:00 in Berlin, 09:00-12:00 in New York). Most people keep them
# free; a few have customers then.
LEARNING_DAYS = (1, 3)
_LEARNING_HOURS = {
    LONDON: (14 * 60, 17 * 60),
    BERLIN: (15 * 60, 18 * 60),
    NEW_YORK: (9 * 60, 12 * 60),
}
_KEEPS_LEARNING_HOURS = 0.93


def availability_windows(rng: random.Random, time_zone: str) -> list[tuple[int, dt.time, dt.time]]:
    windows: dict[int, tuple[int, int]] = {}
    # Most people keep a few weekdays fairly open and protect the rest for customers.
    for weekday in sorted(rng.sample(range(5), rng.randint(3, 5))):
        start = rng.choice(_WINDOW_START_HOURS[time_zone]) * 60 + rng.choice((0, 30))
        windows[weekday] = (start, min(start + rng.choice((120, 180, 240)), 18 * 60))
    learning_start, learning_end = _LEARNING_HOURS[time_zone]
    for weekday in LEARNING_DAYS:
        if rng.random() < _KEEPS_LEARNING_HOURS:
            # That day's window is the learning hours, sometimes with a little more either side.
            windows[weekday] = (
                learning_start - rng.choice((0, 0, 30, 60)),
                min(learning_end + rng.choice((0, 0, 30, 60)), 18 * 60),
            )
    return [(day, _clock(start), _clock(end)) for day, (start, end) in sorted(windows.items())]


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)
