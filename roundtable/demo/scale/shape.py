"""The scale organisation's shape: its size, the kinds of circle it mixes (each at-risk kind
raises a flag somewhere), the names it draws from, and what a build returns."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from roundtable.ideas.models import Critique
from roundtable.orgs.models import Organization

SCALE_ORG_NAME = "Scale Industries"
SCALE_ORG_SLUG = "scale"
SCALE_DOMAIN = "scale.example"
SCALE_PASSWORD = "roundtable-scale"  # noqa: S105 (the benchmark's sign-ins, like the demo's)
CIRCLES_PER_PROGRAM = 200
HISTORY_WEEKS = 104  # the programs began about two years ago
HORIZON_WEEKS = 12  # meetings exist this far ahead, as the schedules' roll forward keeps them

# The sign-ins (local part of the email -> who): the coordinator coordinates every program.
SCALE_LOGINS: dict[str, str] = {
    "admin": "the organisation admin",
    "coordinator": "coordinates every program",
    "sponsor": "sponsors the first program",
    "lead": "leads the first circle of the first program",
    "member": "a member of that circle",
}


class CircleKind(StrEnum):
    """What a circle's history looks like; each kind but the first two raises a flag."""

    HEALTHY = "healthy"
    STORMING = "storming"  # its pulse dips, then recovers: a normal step, not a flag
    MISSED = "missed"  # its last three meetings were cancelled
    FALLING = "falling"  # attendance has fallen over the last five weeks
    SILENT = "silent"  # nobody has answered the pulse for three periods
    LEADERLESS = "leaderless"  # its lead left and nobody took over
    UNSCHEDULED = "unscheduled"  # formed a month ago, no schedule yet
    ENDED = "ended"  # its schedule ended five weeks ago: no meetings ahead
    OVERDUE = "overdue"  # open commitments past their date pile up


AT_RISK = (
    CircleKind.MISSED,
    CircleKind.FALLING,
    CircleKind.SILENT,
    CircleKind.LEADERLESS,
    CircleKind.UNSCHEDULED,
    CircleKind.ENDED,
    CircleKind.OVERDUE,
)
FIRST_KINDS = (CircleKind.HEALTHY, *AT_RISK, CircleKind.STORMING)
# Beyond the first circles of each program (one of each at-risk kind), the mix per 100 circles.
KIND_WEIGHTS = {
    CircleKind.HEALTHY: 70,
    CircleKind.STORMING: 9,
    CircleKind.MISSED: 3,
    CircleKind.FALLING: 4,
    CircleKind.SILENT: 4,
    CircleKind.LEADERLESS: 2,
    CircleKind.UNSCHEDULED: 2,
    CircleKind.ENDED: 2,
    CircleKind.OVERDUE: 4,
}

PROGRAM_NAMES = (
    "Field Engineer Peer Circles", "Customer Success Playbook", "New Managers Circles",
    "Safety Leadership", "Sales Craft", "Onboarding Buddies", "Data Literacy",
    "Service Design Project", "Regional Leads Forum", "Quality Improvement",
)  # fmt: skip
CIRCLE_WORDS = (
    "Anvil", "Beacon", "Compass", "Dynamo", "Ember", "Forge", "Harbour", "Lantern", "Meridian",
    "Summit", "Atlas", "Birch", "Cedar", "Delta", "Falcon", "Granite", "Heron", "Iris", "Juniper",
    "Kestrel",
)  # fmt: skip
FIRST_NAMES = (
    "Oliver", "Amelia", "Harry", "Isla", "Jack", "Sophie", "George", "Grace", "Callum", "Niamh",
    "Rhys", "Freya", "Arjun", "Zara", "Kwame", "Hannah", "Liam", "Chloe", "Imran", "Eleanor",
    "Jordan", "Maria", "Tyler", "Keisha", "Carlos", "Emily", "Andre", "Lauren", "Miguel", "Sofia",
    "Lukas", "Anna", "Felix", "Marie", "Elif", "Moritz", "Leonie", "Deniz", "Julia", "Niklas",
)  # fmt: skip
LAST_NAMES = (
    "Thompson", "Patel", "Evans", "Walsh", "Hughes", "Khan", "Robertson", "Clarke", "Murphy",
    "Okafor", "Mensah", "Nguyen", "Garcia", "Johnson", "Williams", "Brown", "Rivera", "Kim",
    "Schmidt", "Weber", "Fischer", "Yilmaz", "Becker", "Hoffmann", "Novak", "Costa", "Silva",
    "Haddad", "Ivanova", "Larsen",
)  # fmt: skip
DEPARTMENTS = ("North Region", "South Region", "Enterprise Accounts", "Partner Channel")
JOBS = ("Field Service Engineer", "Customer Success Manager", "Inside Sales Representative")
TIME_ZONES = ("Europe/London",) * 6 + ("America/New_York",) * 3 + ("Europe/Berlin",)
START_TIMES = (dt.time(8, 30), dt.time(9, 0), dt.time(12, 0), dt.time(14, 0), dt.time(16, 0))
CANCEL_REASONS = ("Half the circle on a site visit.", "Bank holiday.", "Lead off sick.")
DROP_REASONS = ("Overtaken by the new process.", "No longer needed after the trial.")
COMMITMENT_TITLES = (
    "Share the parts checklist", "Draft the handover template", "Shadow a senior engineer",
    "Call back the three repeat customers", "Write up what we learnt from the trial",
    "Ask finance about the discount rules", "Try the shorter script for two weeks",
    "Compare first-time fix rates by van", "Book the site visit", "Review the playbook draft",
)  # fmt: skip
IDEA_SUMMARIES = (
    "A parts checklist on every van", "Ask the customer first, then diagnose",
    "Pair newer engineers with seniors for a month", "A shorter renewal script",
    "Handover notes in one shared template", "Escalate after two repeat visits, not three",
    "Weekly review of repeat call-outs", "Start renewal talks 90 days out",
)  # fmt: skip
CRITIQUE_TEXTS = {
    Critique.Stance.STRENGTH: "It would cut the repeat visits we see every week.",
    Critique.Stance.CONCERN: "It adds ten minutes to every job when we are already late.",
    Critique.Stance.QUESTION: "Who keeps the list up to date when the models change?",
    Critique.Stance.ALTERNATIVE: "We could try it on one van first and compare.",
}
PULSE_COMMENTS = ("Good energy lately.", "We talk past each other sometimes.", "")


@dataclass(frozen=True)
class ScaleSize:
    members: int = 10_000
    circles: int = 2_000

    def __post_init__(self) -> None:
        if self.circles < 2 * len(CircleKind):
            raise ValueError(f"--circles: at least {2 * len(CircleKind)} (every kind of circle).")
        # A program's circles hold up to 9 people each (8 and a newcomer), each in one circle.
        needed = self.staff + math.ceil(self.circles / self.programs) * 9
        if self.members < needed:
            raise ValueError(f"--members: at least {needed} for {self.circles} circles.")

    @property
    def programs(self) -> int:
        # 10 programs of 200 circles at full size; at least two (a coordinator of several).
        return max(2, min(10, self.circles // CIRCLES_PER_PROGRAM))

    @property
    def staff(self) -> int:
        """The admin, the coordinator of everything, and a coordinator and a sponsor per program."""
        return 2 + 2 * self.programs


@dataclass
class ScaleResult:
    organization: Organization
    counts: Counter[str] = field(default_factory=Counter)
    stages: list[tuple[str, float]] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    circle_kinds: dict[int, CircleKind] = field(default_factory=dict)
