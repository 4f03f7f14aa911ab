"""Building the scale organisation stage by stage (people, circles, meetings and attendance,
feedback, ideas, commitments, pulses), every random choice from one seeded generator."""

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
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.circles.models import Circle, CircleMembership
from roundtable.commitments.models import Activity, Commitment, DateChange, Escalation
from roundtable.core.roles import Role
from roundtable.demo.scale.rows import BATCH, Ids, RowWriter
from roundtable.demo.scale.shape import (
    CANCEL_REASONS,
    CIRCLE_WORDS,
    COMMITMENT_TITLES,
    CRITIQUE_TEXTS,
    DEPARTMENTS,
    DROP_REASONS,
    FIRST_KINDS,
    FIRST_NAMES,
    HISTORY_WEEKS,
    HORIZON_WEEKS,
    IDEA_SUMMARIES,
    JOBS,
    KIND_WEIGHTS,
    LAST_NAMES,
    PROGRAM_NAMES,
    PULSE_COMMENTS,
    SCALE_DOMAIN,
    SCALE_LOGINS,
    SCALE_ORG_NAME,
    SCALE_ORG_SLUG,
    SCALE_PASSWORD,
    START_TIMES,
    TIME_ZONES,
    CircleKind,
    ScaleResult,
    ScaleSize,
)
from roundtable.ideas.models import Challenge, Critique, Decision, Idea, IdeaVersion, Stage, Trial
from roundtable.insights.models import PULSE_FIELDS, PulseAnswer, PulseReceipt, PulseSchedule
from roundtable.meetings.models import Attendance, Feedback, FeedbackReceipt, Meeting, Schedule
from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Enrolment, Program
from roundtable.timeslots.recurrence import Recurrence, to_aware


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
        self.writer = RowWriter(now)
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
            # Foreign keys checked batch by batch, not all at the commit (see RowWriter).
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
        user_ids, member_ids = Ids(User), Ids(Member)
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
        program_ids, circle_ids = Ids(Program), Ids(Circle)
        membership_ids, enrolment_ids = Ids(CircleMembership), Ids(Enrolment)
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
        kinds, weights = zip(*KIND_WEIGHTS.items(), strict=True)
        return self.rng.choices(kinds, weights)[0]

    # --- meetings ----------------------------------------------------------------------------

    def _meetings(self) -> None:
        rng, now = self.rng, self.now
        schedule_ids, meeting_ids = Ids(Schedule), Ids(Meeting)
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
        challenge_ids = Ids(Challenge)
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
        trial_ids = Ids(Trial)
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
        commitment_ids = Ids(Commitment, _max(Activity, "commitment_id"))
        escalation_ids = Ids(Escalation, _max(Activity, "escalation_id"))
        self.activity_ids = Ids(Activity)
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
