"""The scale organisation (issue 16, item 7) for benchmarks: 10,000 members in 10 programs of 200
circles, two years of weekly or fortnightly meetings with attendance and feedback, ideas with
critiques and trials, commitments (some overdue, some escalated) and pulses, about 2.5 million
rows in all.

The services write one row at a time and would take hours at this size, so the builder makes the
rows directly and writes them with `bulk_create` in batches, its ids set ahead (a child points at
its parent without reading it back). Every row keeps the models' rules: the constraints hold, the
anonymous rows (feedback, pulse answers and their receipts) carry no member, no time finer than a
day and a random key, and the receipts are written in another order than the answers. The circles
are a mix, so that every at-risk flag occurs somewhere: see `CircleKind`."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import time
import uuid
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.circles.models import Circle, CircleMembership
from roundtable.commitments.models import Activity, Commitment, DateChange, Escalation
from roundtable.core.roles import Role
from roundtable.ideas.models import Challenge, Critique, Decision, Idea, IdeaVersion, Stage, Trial
from roundtable.insights.models import PULSE_FIELDS, PulseAnswer, PulseReceipt, PulseSchedule
from roundtable.meetings.models import Attendance, Feedback, FeedbackReceipt, Meeting, Schedule
from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Enrolment, Program
from roundtable.timeslots.recurrence import Recurrence, to_aware

SCALE_ORG_NAME = "Scale Industries"
SCALE_ORG_SLUG = "scale"
SCALE_DOMAIN = "scale.example"
SCALE_PASSWORD = "roundtable-scale"  # noqa: S105 (the benchmark's sign-ins, like the demo's)
CIRCLES_PER_PROGRAM = 200
HISTORY_WEEKS = 104  # the programs began about two years ago
HORIZON_WEEKS = 12  # meetings exist this far ahead, as the schedules' roll forward keeps them
BATCH = 2000

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
_KIND_WEIGHTS = {
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


@dataclass
class _CircleFacts:
    """What the later stages need to know about a circle, kept small (2,000 of them)."""

    id: int
    program: int  # index into the programs
    kind: CircleKind
    time_zone: str
    formed_on: dt.date
    lead: int | None
    anonymous_feedback: bool
    spans: list[tuple[int, dt.date, dt.date | None]]  # member id, joined, left
    # id, local date, held (past and not cancelled) of each meeting, oldest first
    meetings: list[tuple[int, dt.date, bool]] = field(default_factory=list)
    rhythms: dict[int, tuple[int, int]] = field(default_factory=dict)

    def members_on(self, day: dt.date) -> list[int]:
        return [
            m for m, joined, left in self.spans if joined <= day and (left is None or day <= left)
        ]

    def current(self) -> list[int]:
        return [m for m, _, left in self.spans if left is None]

    def rhythm(self, member: int, rng: random.Random) -> tuple[int, int]:
        """How often `member` misses a meeting (one in `cycle`) and where in the cycle."""
        found = self.rhythms.get(member)
        if found is None:
            cycle = rng.randint(7, 14)
            found = self.rhythms[member] = (cycle, rng.randrange(cycle))
        return found


class _Ids:
    """Ids handed out ahead for one table, above every id it has used (the sequence's high-water
    mark included, so rows deleted by --replace never lend their ids to new rows that old log
    entries could then point at)."""

    def __init__(self, model: type[models.Model], *floors: int) -> None:
        self.next = max(_high_water(model), *floors) + 1 if floors else _high_water(model) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def _high_water(model: type[models.Model]) -> int:
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")  # noqa: S608
        top = int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, int(row[0]) if row else 0)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608
                top = max(top, int(cursor.fetchone()[0]))
    return top


class _Table:
    """How rows of one model are written: its concrete fields in order, what a field left out
    gets (its model default, a fresh value from a callable default such as `random_id`, or the
    time of writing for `auto_now` fields, as `save()` would give it) and Django's own adaptation
    of the values that need one (dates and times, UUIDs, JSON) for this database."""

    def __init__(self, model: type[models.Model], now: dt.datetime, *, with_pk: bool) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        if not with_pk and isinstance(model._meta.pk, models.AutoField):
            fields.remove(model._meta.pk)  # the database numbers the rows
        self.index = {f.attname: n for n, f in enumerate(fields)}
        self.adapters: dict[int, Callable[[Any], Any]] = {}
        self.template: list[Any] = []
        self.fresh: list[tuple[int, Callable[[], Any]]] = []
        for n, f in enumerate(fields):
            adapter = _adapter(f)
            if adapter is not None:
                self.adapters[n] = adapter
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default() and callable(f.default):
                value = None
                self.fresh.append((n, f.default))
            else:
                value = f.get_default()  # "" for text, None for the rest
            self.template.append(value if value is None or adapter is None else adapter(value))
        quote = connection.ops.quote_name
        self.columns = [f.column for f in fields]
        self.table = quote(model._meta.db_table)
        self.sql = (
            f"INSERT INTO {self.table} ({', '.join(quote(c) for c in self.columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )

    def row(self, values: dict[str, Any]) -> list[Any]:
        row = self.template.copy()
        index, adapters = self.index, self.adapters
        for name, value in values.items():
            n = index[name]  # a KeyError names a field the model does not have
            adapter = adapters.get(n)
            row[n] = value if adapter is None or value is None else adapter(value)
        for n, default in self.fresh:
            if row[n] is None:
                value = default()
                adapter = adapters.get(n)
                row[n] = value if adapter is None else adapter(value)
        return row

    def write(self, rows: list[list[Any]]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: the constraints and triggers apply as to any insert, at a fraction
                # of the round trips.
                quote = connection.ops.quote_name
                columns = ", ".join(quote(c) for c in self.columns)
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """What turns a Python value into what the database stores for this field (the same calls
    `save()` makes), or None when the driver takes the value as it is."""
    ops = connection.ops
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if isinstance(target, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(target, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(target, models.TimeField):
        return ops.adapt_timefield_value
    if isinstance(target, models.UUIDField | models.JSONField | models.DecimalField):
        return partial(field.get_db_prep_save, connection=connections[DEFAULT_DB_ALIAS])
    return None


class _Writer:
    """Rows waiting to be written, per model; once BATCH rows of a model wait, everything
    waiting goes out, models in the order they first came (a parent's rows are always added
    before its children's, so they are written first).

    Not `bulk_create`: at this size it spends nine tenths of its time compiling each value
    (measured: about 3,500 rows a second on SQLite), so rows are tuples in the model's column
    order (`_Table`) sent with executemany (SQLite) or COPY (PostgreSQL), some 20 times faster.
    The database checks every constraint as for any insert, foreign keys included: on
    PostgreSQL the builder makes them immediate, so each batch is checked as it goes in
    rather than millions of rows at the commit, past the statement timeout."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.tables: dict[type[models.Model], _Table] = {}
        self.pending: dict[type[models.Model], list[list[Any]]] = defaultdict(list)
        self.order: list[type[models.Model]] = []  # models in the order they first came
        self.counts: Counter[str] = Counter()

    def add(self, model: type[models.Model], **values: Any) -> None:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = _Table(model, self.now, with_pk="id" in values)
            self.order.append(model)
        rows = self.pending[model]
        rows.append(table.row(values))
        if len(rows) >= BATCH:
            self.flush()

    def add_all(
        self,
        model: type[models.Model],
        rows: list[dict[str, Any]],
        *,
        shuffled: random.Random | None = None,
    ) -> None:
        if shuffled is not None:
            shuffled.shuffle(rows)
        for values in rows:
            self.add(model, **values)

    def flush(self) -> None:
        for model in self.order:
            self._write(model)

    def _write(self, model: type[models.Model]) -> None:
        rows = self.pending.pop(model, [])
        if rows:
            self.tables[model].write(rows)
            self.counts[model._meta.label] += len(rows)


def scale_seed(
    *,
    size: ScaleSize | None = None,
    seed: int = 11,
    now: dt.datetime | None = None,
    replace: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> ScaleResult | None:
    """Build the scale organisation; None (nothing changed) when it exists and `replace` is
    off. `progress(stage, seconds)` hears of each stage as it ends."""
    size = size or ScaleSize()
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 (repeatable on purpose, never a secret)
    builder = _Builder(size=size, rng=rng, now=now, progress=progress)
    with transaction.atomic():
        existing = Organization.objects.filter(slug=SCALE_ORG_SLUG).first()
        if existing is not None:
            if not replace:
                return None
            builder.stage("remove the old organisation", lambda: scale_remove(existing))
        return builder.build()


def scale_remove(organization: Organization) -> None:
    """Delete the scale organisation and the accounts that belonged to it alone, program by
    program and the largest tables first (each a single DELETE, so none runs into PostgreSQL's
    statement timeout). Its commitments' activity stays: the database keeps that log
    append-only, and its rows name no one's account."""
    users = list(
        User.objects.filter(memberships__organization=organization)
        .exclude(memberships__organization__in=Organization.objects.exclude(pk=organization.pk))
        .values_list("pk", flat=True)
    )
    for program in Program.objects.filter(organization=organization):
        circles = Circle.objects.filter(program=program)
        Attendance.objects.filter(meeting__circle__in=circles).delete()
        Feedback.objects.filter(meeting__circle__in=circles).delete()
        FeedbackReceipt.objects.filter(meeting__circle__in=circles).delete()
        PulseAnswer.objects.filter(circle__in=circles).delete()
        PulseReceipt.objects.filter(circle__in=circles).delete()
        DateChange.objects.filter(commitment__circle__in=circles).delete()
        # The rest through Django's collector, which follows every relation; the sponsor is
        # protected while the program exists, so programs go before the organisation.
        program.delete()
    organization.delete()
    for start in range(0, len(users), 500):
        User.objects.filter(pk__in=users[start : start + 500]).delete()


class _Builder:
    def __init__(
        self,
        *,
        size: ScaleSize,
        rng: random.Random,
        now: dt.datetime,
        progress: Callable[[str, float], None] | None,
    ) -> None:
        self.size = size
        self.rng = rng
        self.now = now
        self.today = now.astimezone(dt.UTC).date()
        self.progress = progress
        self.writer = _Writer(now)
        self.organization = Organization(
            name=SCALE_ORG_NAME, slug=SCALE_ORG_SLUG, time_zone="Europe/London"
        )
        self.stages: list[tuple[str, float]] = []
        self.members: list[int] = []  # everyone who can be in a circle
        self.tz_of: dict[int, str] = {}
        self.programs: list[Program] = []
        self.program_start: list[dt.date] = []
        self.circles: list[_CircleFacts] = []
        self.logins: dict[str, int] = {}
        self.receipts: list[dict[str, Any]] = []

    def stage(self, name: str, work: Callable[[], Any]) -> None:
        started = time.perf_counter()
        work()
        self.writer.flush()
        seconds = time.perf_counter() - started
        self.stages.append((name, seconds))
        if self.progress is not None:
            self.progress(name, seconds)

    def build(self) -> ScaleResult:
        if connection.vendor == "postgresql":
            # Foreign keys checked batch by batch, not all at the commit (see _Writer).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.stage("organisation and members", self._people)
        self.stage("programs, circles and memberships", self._circles)
        self.stage("schedules, meetings and attendance", self._meetings)
        self.stage("feedback", self._feedback)
        self.stage("challenges, ideas, critiques and trials", self._ideas)
        self.stage("commitments and escalations", self._commitments)
        self.stage("pulses", self._pulses)
        self.stage("sequences and statistics", self._finish)
        return ScaleResult(
            organization=self.organization,
            counts=self.writer.counts,
            stages=self.stages,
            kinds=Counter(c.kind.value for c in self.circles),
            circle_kinds={c.id: c.kind for c in self.circles},
        )

    # --- people ------------------------------------------------------------------------------

    def _people(self) -> None:
        rng, size = self.rng, self.size
        organization = self.organization
        organization.full_clean()
        organization.save()
        self.writer.counts["orgs.Organization"] += 1
        user_ids, member_ids = _Ids(User), _Ids(Member)
        known = make_password(SCALE_PASSWORD)
        programs = size.programs
        # The staff: an admin, the coordinator of everything, one coordinator and one sponsor
        # per program; then everyone else, who takes part in circles.
        staff = ["admin", "coordinator"]
        staff += [f"coordinator-{p + 1}" for p in range(programs)]
        staff += ["sponsor"] + [f"sponsor-{p + 1}" for p in range(1, programs)]
        locals_ = [*staff, "lead", "member"]
        locals_ += [f"member{n:05d}" for n in range(1, size.members - len(locals_) + 1)]
        joined = dt.datetime.combine(
            self.today - dt.timedelta(weeks=HISTORY_WEEKS + 4), dt.time(9), tzinfo=dt.UTC
        )
        for n, local in enumerate(locals_):
            user_id, member_id = user_ids.take(), member_ids.take()
            first, last = divmod(n, len(FIRST_NAMES))
            name = f"{FIRST_NAMES[last]} {LAST_NAMES[first % len(LAST_NAMES)]}"
            self.writer.add(
                User,
                id=user_id,
                email=f"{local}@{SCALE_DOMAIN}",
                full_name=name,
                password=known if local in SCALE_LOGINS else make_password(None),
                date_joined=joined,
            )
            if local == "admin":
                role = Role.ADMIN
            elif local.startswith("coordinator"):
                role = Role.COORDINATOR
            else:
                role = Role.MEMBER
            time_zone = rng.choice(TIME_ZONES)
            self.writer.add(
                Member,
                id=member_id,
                organization_id=organization.pk,
                user_id=user_id,
                role=role,
                job_title=rng.choice(JOBS),
                department=rng.choice(DEPARTMENTS),
                hire_date=self.today - dt.timedelta(days=rng.randint(60, 365 * 15)),
                years_experience=rng.randint(0, 30),
                time_zone=time_zone,
                created_at=joined,
                updated_at=joined,
            )
            self.tz_of[member_id] = time_zone
            if local in staff:
                self.logins[local] = member_id
            else:
                self.members.append(member_id)
                if local in SCALE_LOGINS:
                    self.logins[local] = member_id

    # --- programs and circles ----------------------------------------------------------------

    def _circles(self) -> None:
        rng, size = self.rng, self.size
        organization = self.organization
        program_ids, circle_ids = _Ids(Program), _Ids(Circle)
        membership_ids, enrolment_ids = _Ids(CircleMembership), _Ids(Enrolment)
        per_program = math.ceil(size.circles / size.programs)
        cursor = 0  # people are dealt round the whole organisation: many are in two programs
        lead_member = self.logins.get("lead"), self.logins.get("member")
        for p in range(size.programs):
            start = self.today - dt.timedelta(weeks=HISTORY_WEEKS - p % 3)
            start -= dt.timedelta(days=start.weekday())
            program = Program(
                id=program_ids.take(),
                organization_id=organization.pk,
                name=PROGRAM_NAMES[p % len(PROGRAM_NAMES)]
                + ("" if p < len(PROGRAM_NAMES) else f" {p + 1}"),
                kind=Program.Kind.TRAINING if p % 3 else Program.Kind.PROJECT,
                purpose="Peers attack a common problem together, circle by circle.",
                sponsor_id=self.logins["sponsor" if p == 0 else f"sponsor-{p + 1}"],
                cadence=Program.Cadence.WEEKLY,
                target_circle_size=6,
                start_date=start,
                status=Program.Status.ACTIVE,
            )
            program.full_clean()
            program.save()
            self.writer.counts["programs.Program"] += 1
            self.programs.append(program)
            self.program_start.append(start)
            through = Program.coordinators.through
            for coordinator in ("coordinator", f"coordinator-{p + 1}"):
                self.writer.add(through, program_id=program.pk, member_id=self.logins[coordinator])
            enrolled: dict[int, dt.date] = {}
            count = min(per_program, size.circles - p * per_program)
            for c in range(count):
                kind = self._kind(c)
                circle_id = circle_ids.take()
                time_zone = rng.choice(TIME_ZONES)
                if kind == CircleKind.UNSCHEDULED:
                    formed = self.today - dt.timedelta(days=rng.randint(20, 40))
                else:
                    formed = start + dt.timedelta(days=rng.randint(0, 27))
                people = rng.choice((5, 6, 6, 7, 7, 8))
                chosen: list[int] = []
                if p == 0 and c == 0 and None not in lead_member:
                    chosen = [m for m in lead_member if m is not None]
                while len(chosen) < people:
                    candidate = self.members[cursor % len(self.members)]
                    cursor += 1
                    if candidate not in enrolled and candidate not in chosen:
                        chosen.append(candidate)
                spans: list[tuple[int, dt.date, dt.date | None]] = [
                    (m, formed, None) for m in chosen
                ]
                lead: int | None = chosen[0]
                # Some people leave part-way and someone new joins; a leaderless circle's lead left.
                if kind == CircleKind.LEADERLESS:
                    left = self.today - dt.timedelta(days=rng.randint(10, 60))
                    spans[0] = (chosen[0], formed, left)
                    lead = None
                elif (self.today - formed).days > 200 and rng.random() < 0.3:
                    leaver = rng.randrange(2, len(chosen))  # the lead and the next stay
                    left = formed + dt.timedelta(
                        days=rng.randint(60, (self.today - formed).days - 60)
                    )
                    spans[leaver] = (chosen[leaver], formed, left)
                    while True:
                        newcomer = self.members[cursor % len(self.members)]
                        cursor += 1
                        if newcomer not in enrolled and newcomer not in chosen:
                            break
                    spans.append((newcomer, left + dt.timedelta(days=1), None))
                anonymous = rng.random() < 0.8
                name = f"{CIRCLE_WORDS[c % len(CIRCLE_WORDS)]} {c // len(CIRCLE_WORDS) + 1}"
                self.writer.add(
                    Circle,
                    id=circle_id,
                    program_id=program.pk,
                    name=name,
                    lead_id=lead,
                    time_zone=time_zone,
                    created_at=_at(formed, 9),
                    # A leaderless circle was last changed when its lead left.
                    updated_at=_at(spans[0][2] or formed, 9),
                    feedback_anonymous=anonymous,
                )
                for member, joined_on, left_on in spans:
                    self.writer.add(
                        CircleMembership,
                        id=membership_ids.take(),
                        circle_id=circle_id,
                        member_id=member,
                        joined_on=joined_on,
                        left_on=left_on,
                        created_at=_at(joined_on, 9),
                        updated_at=_at(left_on or joined_on, 9),
                    )
                    enrolled[member] = min(enrolled.get(member, joined_on), joined_on)
                self.circles.append(
                    _CircleFacts(
                        id=circle_id,
                        program=p,
                        kind=kind,
                        time_zone=time_zone,
                        formed_on=formed,
                        lead=lead,
                        anonymous_feedback=anonymous,
                        spans=spans,
                    )
                )
            for member, on in enrolled.items():
                self.writer.add(
                    Enrolment,
                    id=enrolment_ids.take(),
                    program_id=program.pk,
                    member_id=member,
                    enrolled_on=on,
                    created_at=_at(on, 9),
                    updated_at=_at(on, 9),
                )

    def _kind(self, index: int) -> CircleKind:
        # The first circle is healthy (the lead's sign-in), then one of each at-risk kind and
        # a storming one; the rest are dealt at random.
        if index < len(FIRST_KINDS):
            return FIRST_KINDS[index]
        kinds, weights = zip(*_KIND_WEIGHTS.items(), strict=True)
        return self.rng.choices(kinds, weights)[0]

    # --- meetings ----------------------------------------------------------------------------

    def _meetings(self) -> None:
        rng, now = self.rng, self.now
        schedule_ids, meeting_ids = _Ids(Schedule), _Ids(Meeting)
        horizon_length = dt.timedelta(weeks=HORIZON_WEEKS)
        horizon = now + horizon_length
        for circle in self.circles:
            if circle.kind == CircleKind.UNSCHEDULED:
                continue
            weekly = rng.random() < 0.86
            weekday = rng.randrange(5)
            start_time = rng.choice(START_TIMES)
            first = circle.formed_on + dt.timedelta(days=(weekday - circle.formed_on.weekday()) % 7)
            ends_on = (
                self.today - dt.timedelta(weeks=5) if circle.kind == CircleKind.ENDED else None
            )
            recurrence = Recurrence(
                frequency="weekly" if weekly else "biweekly",
                weekday=weekday,
                start_time=start_time,
                time_zone=circle.time_zone,
                starts_on=first,
                ends_on=ends_on,
            )
            schedule_id = schedule_ids.take()
            duration = rng.choice((45, 60, 60, 90))
            length = dt.timedelta(minutes=duration)
            made = _at(circle.formed_on, 10)
            self.writer.add(
                Schedule,
                id=schedule_id,
                circle_id=circle.id,
                frequency=recurrence.frequency,
                weekday=weekday,
                start_time=start_time,
                duration_minutes=duration,
                starts_on=first,
                ends_on=ends_on,
                rrule=recurrence.rrule,
                created_at=made,
                updated_at=made,
            )
            zone = zoneinfo.ZoneInfo(circle.time_zone)
            step = dt.timedelta(days=7 if weekly else 14)
            days: list[dt.date] = []
            day = first
            while ends_on is None or day <= ends_on:
                starts = to_aware(dt.datetime.combine(day, start_time), zone)
                if starts >= horizon:
                    break
                days.append(day)
                day += step
            past = [d for d in days if to_aware(dt.datetime.combine(d, start_time), zone) < now]
            cancelled = {i for i in range(len(past)) if rng.random() < 0.06}
            if circle.kind == CircleKind.MISSED:
                cancelled |= set(range(max(0, len(past) - 3), len(past)))
            elif len(past) >= 3:
                cancelled -= set(range(len(past) - 2, len(past)))  # recent ones were held
            for i, day in enumerate(days):
                series_start = to_aware(dt.datetime.combine(day, start_time), zone).astimezone(
                    dt.UTC
                )
                is_past = i < len(past)
                status = Meeting.Status.CANCELLED if i in cancelled else Meeting.Status.SCHEDULED
                moved = (
                    i < len(past) - 1 and status == Meeting.Status.SCHEDULED and rng.random() < 0.03
                )
                starts_at = series_start + dt.timedelta(hours=2) if moved else series_start
                # The roll forward makes each meeting twelve weeks ahead (the first ones when
                # the schedule is set); a meeting is last touched when it is held or changed.
                created = max(series_start - horizon_length, made)
                touched = starts_at + length if is_past else created
                meeting_id = meeting_ids.take()
                self.writer.add(
                    Meeting,
                    id=meeting_id,
                    circle_id=circle.id,
                    schedule_id=schedule_id,
                    series_start=series_start,
                    starts_at=starts_at,
                    created_at=created,
                    updated_at=touched,
                    duration_minutes=duration,
                    status=status,
                    detached=moved or status == Meeting.Status.CANCELLED,
                    change_reason=rng.choice(CANCEL_REASONS) if i in cancelled else "",
                    sequence=1 if moved or i in cancelled else 0,
                )
                held = is_past and status == Meeting.Status.SCHEDULED
                circle.meetings.append((meeting_id, day, held))
                if held:
                    self._attendance(circle, meeting_id, day, i, starts_at + length)

    def _attendance(
        self, circle: _CircleFacts, meeting_id: int, day: dt.date, index: int, at: dt.datetime
    ) -> None:
        """Who came: each person misses one meeting in every few, in a steady rhythm of their
        own (so a circle's rate does not jump from month to month), now and then one more; in
        a falling circle fewer and fewer come over the last five weeks."""
        rng = self.rng
        if rng.random() < 0.02:
            return  # now and then nobody records who came
        age_days = (self.today - day).days
        falling = circle.kind == CircleKind.FALLING and age_days <= 35
        for member in circle.members_on(day):
            cycle, offset = circle.rhythm(member, rng)
            missed = (index + offset) % cycle == 0 or rng.random() < 0.02
            if falling and rng.random() > 0.25 + 0.55 * age_days / 35:
                missed = True
            if not missed:
                status = Attendance.Status.PRESENT
            elif rng.random() < 0.5:
                status = Attendance.Status.EXCUSED
            else:
                status = Attendance.Status.ABSENT
            self.writer.add(
                Attendance,
                meeting_id=meeting_id,
                member_id=member,
                status=status,
                reported_by_id=circle.lead,
                created_at=at,
                updated_at=at,
            )

    # --- feedback ----------------------------------------------------------------------------

    def _feedback(self) -> None:
        rng = self.rng
        for circle in self.circles:
            held = [(m, d) for m, d, h in circle.meetings if h]
            for n, (meeting_id, day) in enumerate(held):
                # The early dip real circles go through: weaker meetings in the first months.
                centre = 3.0 + 1.2 * min(1.0, n / max(1, len(held) // 3))
                for member in circle.members_on(day):
                    if rng.random() >= 0.22:
                        continue
                    rating = min(5, max(1, round(rng.gauss(centre, 0.9))))
                    if circle.anonymous_feedback:
                        self.writer.add(
                            Feedback,
                            meeting_id=meeting_id,
                            member_id=None,
                            anonymous=True,
                            rating=rating,
                            given_on=day,
                        )
                        digest = FeedbackReceipt.digest_for(meeting_id=meeting_id, member_id=member)
                        self.receipts.append({"meeting_id": meeting_id, "digest": digest})
                    else:
                        self.writer.add(
                            Feedback,
                            meeting_id=meeting_id,
                            member_id=member,
                            anonymous=False,
                            rating=rating,
                            given_on=day,
                        )
                if len(self.receipts) >= 20 * BATCH:
                    self._receipts_write()
        self._receipts_write()

    def _receipts_write(self) -> None:
        # Receipts go out in another order than the answers they stand for.
        self.writer.add_all(FeedbackReceipt, self.receipts, shuffled=self.rng)
        self.receipts = []

    # --- ideas -------------------------------------------------------------------------------

    def _ideas(self) -> None:
        rng = self.rng
        challenge_ids = _Ids(Challenge)
        challenges: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
        for p, program in enumerate(self.programs):
            for n in range(3):
                posed = self.program_start[p] + dt.timedelta(weeks=n * 20)
                challenge_id = challenge_ids.take()
                self.writer.add(
                    Challenge,
                    id=challenge_id,
                    program_id=program.pk,
                    title=f"Problem {n + 1}: {IDEA_SUMMARIES[n].lower()}?",
                    description="A common problem every circle attacks from its own angle.",
                    posed_by_id=self.logins["coordinator"],
                )
                challenges[p].append((challenge_id, posed))
        trial_ids = _Ids(Trial)
        paths = {
            Stage.PROPOSED: (Stage.PROPOSED,),
            Stage.DISCUSSING: (Stage.PROPOSED, Stage.DISCUSSING),
            Stage.TRIAL: (Stage.PROPOSED, Stage.DISCUSSING, Stage.TRIAL),
            Stage.ADOPTED: (Stage.PROPOSED, Stage.DISCUSSING, Stage.TRIAL, Stage.ADOPTED),
            Stage.SET_ASIDE: (Stage.PROPOSED, Stage.DISCUSSING, Stage.SET_ASIDE),
        }
        for circle in self.circles:
            people = circle.current() or [m for m, _, _ in circle.spans]
            decider = circle.lead or people[0]
            posed_by_now = [c for c in challenges[circle.program] if c[1] <= self.today]
            for _ in range(rng.randint(5, 11)):
                challenge_id, posed = rng.choice(posed_by_now or challenges[circle.program])
                created = _day_between(rng, max(posed, circle.formed_on), self.today)
                target = rng.choices(list(paths), (25, 25, 15, 20, 15))[0]
                # The decisions that brought it along, each a week or three after the last (a
                # trial takes four weeks); an idea too young for its whole path stops early.
                steps: list[tuple[str, str, dt.date]] = []
                when = created
                path = paths[target]
                for before, after in itertools.pairwise(path):
                    gap = rng.randint(7, 21) + (28 if after == Stage.ADOPTED else 0)
                    if when + dt.timedelta(days=gap) > self.today:
                        break
                    when += dt.timedelta(days=gap)
                    steps.append((before, after, when))
                stage = steps[-1][1] if steps else Stage.PROPOSED
                author = rng.choice(people)
                idea_id, versions = uuid.uuid4(), 2 if rng.random() < 0.2 else 1
                self.writer.add(
                    Idea,
                    id=idea_id,
                    circle_id=circle.id,
                    challenge_id=challenge_id,
                    author_id=author,
                    created_on=created,
                    stage=stage,
                    version=versions,
                )
                for number in range(1, versions + 1):
                    version_id = uuid.uuid4()
                    self.writer.add(
                        IdeaVersion,
                        id=version_id,
                        idea_id=idea_id,
                        number=number,
                        summary=rng.choice(IDEA_SUMMARIES),
                        how="Try it for a month on every job and keep a tally.",
                        effect="Fewer repeat visits.",
                        created_on=created,
                    )
                for _ in range(rng.randint(0, 6)):
                    stance = rng.choice(list(CRITIQUE_TEXTS))
                    self.writer.add(
                        Critique,
                        idea_id=idea_id,
                        version_id=version_id,
                        author_id=rng.choice(people),
                        created_on=_day_between(rng, created, self.today),
                        stance=stance,
                        reasoning=CRITIQUE_TEXTS[stance],
                    )
                for from_stage, to_stage, on in steps:
                    self.writer.add(
                        Decision,
                        idea_id=idea_id,
                        from_stage=from_stage,
                        to_stage=to_stage,
                        rationale="Agreed in the meeting after the critique round.",
                        decided_by_id=decider,
                        decided_at=dt.datetime.combine(on, dt.time(11), tzinfo=dt.UTC),
                    )
                trial_on = next((on for _, after, on in steps if after == Stage.TRIAL), None)
                if trial_on is not None:
                    adopted = stage == Stage.ADOPTED
                    ends = trial_on + dt.timedelta(weeks=4)
                    self.writer.add(
                        Trial,
                        id=trial_ids.take(),
                        idea_id=idea_id,
                        owner_id=author,
                        starts_on=trial_on,
                        ends_on=ends,
                        measure="Repeat visits down by a fifth over the month.",
                        review_on=ends,
                        result=Trial.Result.MET if adopted else "",
                        outcome="Repeat visits fell by a quarter." if adopted else "",
                        outcome_recorded_on=steps[-1][2] if adopted else None,
                        outcome_by_id=author if adopted else None,
                    )

    # --- commitments -------------------------------------------------------------------------

    def _commitments(self) -> None:
        rng, now = self.rng, self.now
        commitment_ids = _Ids(Commitment, _max(Activity, "commitment_id"))
        escalation_ids = _Ids(Escalation, _max(Activity, "escalation_id"))
        self.activity_ids = _Ids(Activity)
        for circle in self.circles:
            people = circle.current() or [m for m, _, _ in circle.spans]
            held = [(m, d) for m, d, h in circle.meetings if h]
            if not held:
                continue
            plans: list[str | None] = [None] * max(1, len(held) // 2)
            if circle.kind == CircleKind.OVERDUE:
                plans += ["overdue"] * rng.randint(6, 10)
            for plan in plans:
                meeting_id: int | None
                meeting_id, day = rng.choice(held)
                owner = rng.choice(people)
                asked_by = (
                    circle.lead
                    if circle.lead and circle.lead != owner and rng.random() < 0.4
                    else None
                )
                zone = zoneinfo.ZoneInfo(self.tz_of[owner])
                made = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
                due = to_aware(
                    dt.datetime.combine(day + dt.timedelta(days=rng.randint(5, 30)), dt.time(17)),
                    zone,
                )
                status = _commitment_status(rng, due=due, now=now, plan=plan)
                if plan == "overdue":
                    due = now - dt.timedelta(days=rng.randint(3, 40))
                    made = due - dt.timedelta(days=rng.randint(7, 21))
                    meeting_id = None
                commitment_id = commitment_ids.take()
                dated = status not in {"requested", "declined", "countered"}
                done_at = None
                if status == Commitment.Status.DONE:
                    done_at = min(now, due + dt.timedelta(days=rng.choice((-3, -1, 0, 0, 2, 6))))
                self.writer.add(
                    Commitment,
                    id=commitment_id,
                    circle_id=circle.id,
                    owner_id=owner,
                    asked_by_id=asked_by,
                    title=rng.choice(COMMITMENT_TITLES),
                    meeting_id=meeting_id,
                    status=status,
                    due_at=due if dated else None,
                    due_time_zone=self.tz_of[owner] if dated else "",
                    answer="I have no room for it this month." if status == "declined" else "",
                    done_at=done_at,
                    dropped_reason=rng.choice(DROP_REASONS) if status == "dropped" else "",
                    dropped_at=min(now, due) if status == "dropped" else None,
                    created_at=made,
                    updated_at=done_at or (min(now, due) if status == "dropped" else made),
                )
                self._activity(
                    commitment_id, "asked" if asked_by else "created", asked_by or owner, made
                )
                if dated:
                    self.writer.add(
                        DateChange,
                        commitment_id=commitment_id,
                        to_due_at=due,
                        changed_by_id=owner,
                        changed_at=made,
                    )
                    self._activity(commitment_id, "dated", owner, made)
                if status == Commitment.Status.DONE:
                    self._activity(commitment_id, "done", owner, done_at or now)
                elif status == Commitment.Status.DROPPED:
                    self._activity(commitment_id, "dropped", owner, min(now, due))
                elif status == Commitment.Status.DECLINED:
                    self._activity(commitment_id, "declined", owner, made)
                late = status == Commitment.Status.OPEN and due < now - dt.timedelta(days=8)
                if late and circle.lead and rng.random() < 0.4:
                    self._escalation(
                        escalation_ids.take(),
                        commitment_id,
                        lead=circle.lead,
                        sponsor=self.programs[circle.program].sponsor_id,
                        due=due,
                    )

    def _activity(
        self,
        commitment_id: int,
        kind: str,
        actor: int | None,
        at: dt.datetime,
        escalation_id: int | None = None,
    ) -> None:
        self.writer.add(
            Activity,
            id=self.activity_ids.take(),
            commitment_id=commitment_id,
            escalation_id=escalation_id,
            kind=kind,
            actor_id=actor,
            at=at,
        )

    def _escalation(
        self, escalation_id: int, commitment_id: int, *, lead: int, sponsor: int, due: dt.datetime
    ) -> None:
        raised = due + dt.timedelta(days=8)
        resolved = self.rng.random() < 0.5 and raised + dt.timedelta(days=5) < self.now
        self.writer.add(
            Escalation,
            id=escalation_id,
            commitment_id=commitment_id,
            raised_by_id=lead,
            raised_at=raised,
            reason="A week past its date and the trial waits on it.",
            owner_period_ends_at=raised + dt.timedelta(days=2),
            resolution=Escalation.Resolution.NEW_DATE if resolved else "",
            resolution_note="A new date was agreed with the owner." if resolved else "",
            resolved_by_id=sponsor if resolved else None,
            resolved_at=raised + dt.timedelta(days=5) if resolved else None,
            created_at=raised,
            updated_at=raised + dt.timedelta(days=5) if resolved else raised,
        )
        self._activity(commitment_id, "escalated", lead, raised, escalation_id)
        if resolved:
            self._activity(
                commitment_id,
                "resolved",
                sponsor,
                raised + dt.timedelta(days=5),
                escalation_id,
            )

    # --- pulses ------------------------------------------------------------------------------

    def _pulses(self) -> None:
        rng = self.rng
        schedules: list[PulseSchedule] = []
        for p, program in enumerate(self.programs):
            starts = max(self.program_start[p], self.today - dt.timedelta(weeks=52))
            starts -= dt.timedelta(days=starts.weekday())
            schedule = PulseSchedule(
                program_id=program.pk,
                every_weeks=PulseSchedule.Cadence.FORTNIGHTLY
                if p % 4 == 3
                else PulseSchedule.Cadence.MONTHLY,
                starts_on=starts,
            )
            schedule.full_clean()
            schedule.save()
            self.writer.counts["insights.PulseSchedule"] += 1
            schedules.append(schedule)
        receipts: list[dict[str, Any]] = []
        for circle in self.circles:
            schedule = schedules[circle.program]
            period = schedule.period_start(circle.formed_on) or schedule.starts_on
            current = schedule.period_start(self.today) or schedule.starts_on
            periods: list[dt.date] = []
            while period <= current:
                periods.append(period)
                period += dt.timedelta(weeks=schedule.every_weeks)
            for n, period in enumerate(periods):
                if circle.kind == CircleKind.SILENT and n >= len(periods) - 3:
                    continue
                people = circle.members_on(period) or circle.members_on(
                    min(self.today, schedule.period_end(period))
                )
                share = 0.35 if period == current else 0.7  # the current period is still open
                answering = [m for m in people if rng.random() < share]
                means = _pulse_means(circle.kind, n / max(1, len(periods) - 1))
                for member in answering:
                    values = {
                        f: min(5, max(1, round(rng.gauss(means[f], 0.7)))) for f in PULSE_FIELDS
                    }
                    self.writer.add(
                        PulseAnswer,
                        circle_id=circle.id,
                        period_start=period,
                        comment=rng.choice(PULSE_COMMENTS) if rng.random() < 0.1 else "",
                        **values,
                    )
                    digest = PulseReceipt.digest_for(
                        circle_id=circle.id, period_start=period, member_id=member
                    )
                    receipts.append(
                        {"circle_id": circle.id, "period_start": period, "digest": digest}
                    )
            if len(receipts) >= 20 * BATCH:
                self.writer.add_all(PulseReceipt, receipts, shuffled=rng)
                receipts = []
        self.writer.add_all(PulseReceipt, receipts, shuffled=rng)

    # --- finish ------------------------------------------------------------------------------

    def _finish(self) -> None:
        self.writer.flush()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Rows were written with their ids: the sequences move past them.
                written = [
                    User,
                    Member,
                    Program,
                    Circle,
                    CircleMembership,
                    Enrolment,
                    Schedule,
                    Meeting,
                    Challenge,
                    Trial,
                    Commitment,
                    Escalation,
                    Activity,
                ]
                for statement in connection.ops.sequence_reset_sql(no_style(), written):
                    cursor.execute(statement)
            # Fresh statistics for the query planner after a bulk load, table by table (each
            # well within PostgreSQL's statement timeout).
            quote = connection.ops.quote_name
            for model in self.writer.order:
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _max(model: type[models.Model], column: str) -> int:
    found = model._default_manager.aggregate(top=models.Max(column))["top"]
    return int(found or 0)


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _commitment_status(
    rng: random.Random, *, due: dt.datetime, now: dt.datetime, plan: str | None
) -> str:
    if plan == "overdue":
        return Commitment.Status.OPEN
    if due > now:
        return rng.choices(("open", "requested", "done"), (70, 15, 15))[0]
    return rng.choices(("done", "dropped", "declined", "open"), (89, 6, 4, 1))[0]


# Each field's mean at each stage of a circle's life (forming, storming, norming, performing).
_STAGE_MEANS = {
    "forming": {
        "trust": 3.2,
        "clarity": 3.0,
        "participation": 3.4,
        "usefulness": 3.5,
        "progress": 3.0,
    },
    "storming": {
        "trust": 2.5,
        "clarity": 2.6,
        "participation": 2.8,
        "usefulness": 2.7,
        "progress": 2.5,
    },
    "norming": {
        "trust": 3.7,
        "clarity": 3.8,
        "participation": 3.6,
        "usefulness": 3.6,
        "progress": 3.4,
    },
    "performing": {
        "trust": 4.4,
        "clarity": 4.3,
        "participation": 4.2,
        "usefulness": 4.4,
        "progress": 4.3,
    },
}


def _pulse_means(kind: CircleKind, progress: float) -> dict[str, float]:
    """The pulse a circle of this kind gives `progress` (0 to 1) of the way through its life."""
    if kind == CircleKind.STORMING:
        stages = ("forming", "storming", "storming", "norming", "storming")
    elif kind in {CircleKind.FALLING, CircleKind.MISSED}:
        stages = ("forming", "storming", "norming", "norming", "storming")
    else:
        stages = ("forming", "storming", "norming", "performing", "performing")
    return _STAGE_MEANS[stages[min(len(stages) - 1, int(progress * len(stages)))]]


def scale_rows(result: ScaleResult) -> Iterator[tuple[str, int]]:
    """The rows written, by model, largest first."""
    yield from sorted(result.counts.items(), key=lambda item: -item[1])
