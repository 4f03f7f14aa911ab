"""Re-balancing a program's published circles with a move budget: the engine's plan
(`formation.rebalance`) for "improve the circles, moving at most K people", previewed step by
step, then applied through the circle membership services (dated memberships, lead hooks).

Business rules: only the program's circles that have members now take part; pinned people (the
pins of the last published proposal) never move, and circle leads move only when the
coordinator allows it; the rules of the program's last published proposal hold (circle sizes,
pair rules, managers apart, one job role, a shared weekly slot), and none that holds now may
break. A preview is signed and tied to the circles as they were: applying it when anyone has
joined, left, moved or led since is refused, and nothing changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core import signing
from django.db import transaction
from django.utils import timezone

from roundtable.circles.forming.adapter import formation_pool_build
from roundtable.circles.forming.criteria import formation_settings_default
from roundtable.circles.forming.selectors import formation_members
from roundtable.circles.models import Circle, CircleMembership, FormationRun, PairRule
from roundtable.circles.services import circle_add_member, circle_remove_member
from roundtable.core.errors import DomainError
from roundtable.formation import Pool, Request
from roundtable.formation.constraints import breaches
from roundtable.formation.features import embed
from roundtable.formation.pool import index_pairs
from roundtable.formation.problem import FormationError, Problem
from roundtable.formation.rebalance import Plan, rebalance
from roundtable.formation.report import balance
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

SALT = "circles.formation_rebalance"
PREVIEW_MAX_AGE = 2 * 60 * 60  # seconds a preview may be applied after it was made
TIME_LIMIT = 2.0  # seconds the engine may take for a plan
DEFAULT_BUDGET = 4


@dataclass(frozen=True)
class RebalanceMove:
    member: Member
    origin: Circle
    target: Circle
    leads: bool  # the person leads `origin` now (it will need a new lead)
    again: bool = False  # an earlier step of the plan moved this person already


@dataclass(frozen=True)
class RebalanceStep:
    kind: str  # "move" or "swap"
    moves: tuple[RebalanceMove, ...]
    gain: float  # the objective's increase
    share: float  # part of the imbalance between circles this step removes (0..1)
    cumulative: float  # the same, for the plan so far

    @property
    def share_percent(self) -> float:
        return 100 * self.share

    @property
    def cumulative_percent(self) -> float:
        return 100 * self.cumulative


@dataclass(frozen=True)
class RebalanceFigure:
    """One criterion's balance before and after, in SD units of the program (0 is even)."""

    feature: str
    range_before: float  # largest difference of two circles' means (report.balance)
    range_after: float
    deviation_before: float  # mean deviation of circle means from the program's mean
    deviation_after: float


@dataclass(frozen=True)
class RebalancePreview:
    program: Program
    budget: int
    allow_leads: bool
    people: int  # people in the circles that take part
    circles: int
    kept: int  # people who may not move (pinned, leads unless allowed, kept by a rule)
    steps: tuple[RebalanceStep, ...]
    figures: tuple[RebalanceFigure, ...]
    objective_before: float
    objective_after: float
    share: float  # part of the imbalance between circles the plan removes
    message: str
    moves: tuple[tuple[int, int, int], ...]  # net moves: member, from circle, to circle (pks)
    changes: tuple[RebalanceMove, ...]  # the same moves, to show: where people end up
    token: str = field(repr=False)  # what "Apply these moves" posts back

    @property
    def moved(self) -> int:
        return len(self.moves)

    @property
    def share_percent(self) -> float:
        return 100 * self.share


@dataclass
class _Situation:
    """The circles as they are now, in the engine's terms."""

    members: list[Member]
    circles: list[Circle]
    labels: np.ndarray
    pool: Pool
    problem: Problem
    size_range: tuple[int, int]
    roles: list[str] | None
    fixed: set[int]  # person indices that may not move
    fingerprint: str


def _settings(program: Program) -> tuple[dict[str, Any], list[int]]:
    """The rules of the last published proposal (else the defaults) and its pinned people."""
    run = (
        program.formation_runs.filter(status=FormationRun.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
    if run is None:
        return formation_settings_default(program=program), []
    return {**formation_settings_default(program=program), **run.settings}, [
        int(p) for p in run.pinned
    ]


def _fingerprint(program: Program, rows: list[tuple[int, int, int]], circles: list[Circle]) -> str:
    """What a preview depends on: who is in which circle, who leads, the pair rules and the
    published rules; any change makes an older preview stale."""
    settings, pinned = _settings(program)
    rules = sorted(program.pair_rules.values_list("kind", "first_id", "second_id"))
    blob = json.dumps(
        {
            "rows": sorted(rows),
            "leads": sorted((c.pk, c.lead_id or 0) for c in circles),
            "rules": rules,
            "settings": settings,
            "pinned": sorted(pinned),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _situation(*, program: Program, allow_leads: bool) -> _Situation:
    settings, pinned = _settings(program)
    enrolled = {m.pk: m for m in formation_members(program=program)}
    rows = list(
        CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "member_id", "circle_id")
    )
    circles_of = Counter(member for _, member, _ in rows)
    placed = {member: circle for _, member, circle in rows if member in enrolled}
    circles = [c for c in program.circles.order_by("name", "pk") if c.pk in set(placed.values())]
    position = {c.pk: g for g, c in enumerate(circles)}
    members = [enrolled[pk] for pk in sorted(placed)]
    labels = np.array([position[placed[m.pk]] for m in members], dtype=np.int64)
    pool = formation_pool_build(program=program, members=members, settings=settings)
    rules = list(program.pair_rules.all())
    request = Request(
        size_range=(int(settings["size_min"]), int(settings["size_max"])),
        apart=[(str(r.first_id), str(r.second_id)) for r in rules if r.kind == PairRule.Kind.APART],
        together=[
            (str(r.first_id), str(r.second_id)) for r in rules if r.kind == PairRule.Kind.TOGETHER
        ],
        managers_apart=bool(settings.get("managers_apart", True)),
    )
    index = {person: i for i, person in enumerate(pool.ids)}
    coordinator_apart, managers, together = index_pairs(pool, request, index)
    leads = {c.lead_id for c in circles if c.lead_id}
    pinned_set = set(pinned)
    fixed = {
        i
        for i, m in enumerate(members)
        # Someone in two circles of the program at once stays put: a move would be ambiguous.
        if m.pk in pinned_set or (m.pk in leads and not allow_leads) or circles_of[m.pk] > 1
    }
    use_slots = bool(settings.get("use_availability", True)) and pool.availability is not None
    problem = Problem(
        x=embed(pool.features, len(members)),
        sizes=np.bincount(labels, minlength=len(circles)).tolist(),
        apart=coordinator_apart + managers,
        together=together,
        availability=pool.availability if use_slots else None,
        start=labels,
        pinned=sorted(fixed),
        names=[m.name for m in members],
    )
    roles = list(pool.roles or []) if settings.get("same_role") else None
    return _Situation(
        members=members,
        circles=circles,
        labels=labels,
        pool=pool,
        problem=problem,
        size_range=request.size_range or (1, len(members)),
        roles=roles,
        fixed=fixed,
        fingerprint=_fingerprint(program, rows, circles),
    )


def formation_rebalance_people_count(*, program: Program) -> int:
    """People who take part: enrolled, active members in one of the program's circles now."""
    return (
        Member.objects.filter(
            enrolments__program=program,
            enrolments__withdrawn_on__isnull=True,
            is_active=True,
            circle_memberships__circle__program=program,
            circle_memberships__left_on__isnull=True,
        )
        .distinct()
        .count()
    )


def _check_budget(budget: int, people: int) -> None:
    if people == 0:
        raise DomainError("This program has nobody in a circle yet: publish circles first.")
    if not 1 <= budget <= people:
        raise DomainError(f"Choose how many people may move: from 1 to {people}.", field="budget")


def formation_rebalance_preview(
    *, program: Program, budget: int, allow_leads: bool = False
) -> RebalancePreview:
    """The plan for moving at most `budget` people of the program's circles, step by step, with
    the balance before and after; nothing changes until it is applied."""
    found = _situation(program=program, allow_leads=allow_leads)
    _check_budget(budget, len(found.members))
    try:
        plan = rebalance(
            found.problem,
            budget=budget,
            size_range=found.size_range,
            roles=found.roles,
            time_limit=TIME_LIMIT,
        )
    except FormationError as exc:
        raise DomainError(" ".join(exc.problems)) from None
    moves = tuple(
        (found.members[i].pk, found.circles[found.labels[i]].pk, found.circles[plan.labels[i]].pk)
        for i in plan.changed(found.labels)
    )
    token = signing.dumps(
        {
            "program": program.pk,
            "budget": budget,
            "allow_leads": allow_leads,
            "fingerprint": found.fingerprint,
            "moves": [list(m) for m in moves],
        },
        salt=SALT,
    )
    return RebalancePreview(
        program=program,
        budget=budget,
        allow_leads=allow_leads,
        people=len(found.members),
        circles=len(found.circles),
        kept=len(found.fixed),
        steps=_steps(found, plan),
        figures=_figures(found, plan),
        objective_before=plan.objective_before,
        objective_after=plan.objective_after,
        share=plan.share,
        message=plan.message,
        moves=moves,
        changes=tuple(
            RebalanceMove(
                member=found.members[i],
                origin=found.circles[found.labels[i]],
                target=found.circles[plan.labels[i]],
                leads=found.circles[found.labels[i]].lead_id == found.members[i].pk,
            )
            for i in plan.changed(found.labels)
        ),
        token=token,
    )


def _steps(found: _Situation, plan: Plan) -> tuple[RebalanceStep, ...]:
    steps: list[RebalanceStep] = []
    done, seen = 0.0, set[int]()
    for step in plan.steps:
        share = step.gain / plan.imbalance_before if plan.imbalance_before > 0 else 0.0
        done += share
        steps.append(
            RebalanceStep(
                kind=step.kind,
                moves=tuple(
                    RebalanceMove(
                        member=found.members[p],
                        origin=found.circles[a],
                        target=found.circles[b],
                        leads=found.circles[a].lead_id == found.members[p].pk,
                        again=p in seen,
                    )
                    for p, a, b in zip(step.people, step.origin, step.target, strict=True)
                ),
                gain=step.gain,
                share=share,
                cumulative=done,
            )
        )
        seen.update(step.people)
    return tuple(steps)


def _figures(found: _Situation, plan: Plan) -> tuple[RebalanceFigure, ...]:
    features = found.pool.features
    before, after = balance(features, found.labels), balance(features, plan.labels)
    return tuple(
        RebalanceFigure(
            feature=b.name,
            range_before=b.mean_range,
            range_after=a.mean_range,
            deviation_before=b.mean_deviation,
            deviation_after=a.mean_deviation,
        )
        for b, a in zip(before, after, strict=True)
    )


STALE = (
    "The circles changed since this preview (someone joined, left or moved, a lead or a pair "
    "rule changed), so nothing was moved. Preview again to see the moves that fit them now."
)


@transaction.atomic
def formation_rebalance_apply(*, program: Program, token: str) -> list[RebalanceMove]:
    """Apply a preview's moves, each a dated departure and arrival through the membership
    services; refused, with nothing changed, when the preview is not this program's, too old,
    or the circles changed since."""
    try:
        data = signing.loads(token, salt=SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError("This preview is more than two hours old; preview again.") from None
    except signing.BadSignature:
        raise DomainError("This preview could not be read; preview again.") from None
    if data.get("program") != program.pk:
        raise DomainError("This preview belongs to another program; preview again.")
    # Hold the program's circles while checking and moving, so that two coordinators applying
    # previews at once cannot both pass the check.
    list(Circle.objects.select_for_update().filter(program=program).order_by("pk"))
    found = _situation(program=program, allow_leads=bool(data["allow_leads"]))
    if found.fingerprint != data["fingerprint"]:
        raise DomainError(STALE)
    moves = [tuple(int(v) for v in m) for m in data["moves"]]
    if not moves:
        raise DomainError("This preview moves nobody; there is nothing to apply.")
    _revalidate(found, moves, int(data["budget"]))
    by_member = {m.pk: m for m in found.members}
    by_circle = {c.pk: c for c in found.circles}
    today = timezone.localdate()
    done = []
    for member_pk, origin_pk, target_pk in moves:
        member, origin, target = by_member[member_pk], by_circle[origin_pk], by_circle[target_pk]
        leads = origin.lead_id == member.pk
        circle_remove_member(circle=origin, member=member, on=today)
        circle_add_member(circle=target, member=member, on=today)
        done.append(RebalanceMove(member=member, origin=origin, target=target, leads=leads))
    return done


def _revalidate(found: _Situation, moves: list[tuple[int, ...]], budget: int) -> None:
    """The moves still fit the rules as they are now (a second line of defence behind the
    fingerprint)."""
    index = {m.pk: i for i, m in enumerate(found.members)}
    position = {c.pk: g for g, c in enumerate(found.circles)}
    labels = found.labels.copy()
    if len(moves) > budget or len({m[0] for m in moves}) != len(moves):
        raise DomainError(STALE)
    for member_pk, origin_pk, target_pk in moves:
        i = index.get(member_pk)
        if i is None or target_pk not in position or labels[i] != position.get(origin_pk):
            raise DomainError(STALE)
        if i in found.fixed:
            raise DomainError(
                f"{found.members[i].name} is pinned or leads a circle and may not move."
            )
        labels[i] = position[target_pk]

    def broken(grouping: np.ndarray) -> set[tuple[object, ...]]:
        problem = found.problem
        return {
            (b.kind, b.people or b.circle)
            for b in breaches(
                grouping,
                len(found.circles),
                size_range=found.size_range,
                apart=problem.apart,
                together=problem.together,
                roles=found.roles,
                availability=problem.availability,
            )
        }

    newly = broken(labels) - broken(found.labels)
    if newly:
        raise DomainError(
            "These moves would now break a rule of the program's circles; preview again."
        )
