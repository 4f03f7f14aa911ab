"""Running the engine for a run: the background search that stores a proposal (or the reasons
there is none, naming the people in conflict, with the relaxations the engine found to work;
a proposal that "form the rest again" could not re-form is kept as it was, with those reasons),
and the re-assessment of a proposal after the coordinator edited it. A run formed with a
relaxation (`settings["relaxations"]`) is formed and assessed with it applied."""

from __future__ import annotations

from typing import Any

from roundtable.circles.forming.adapter import formation_pool_build, formation_request_build
from roundtable.circles.forming.progress import ProgressReporter, progress_heartbeat
from roundtable.circles.forming.proposal import (
    formation_circle_names,
    formation_proposal_serialise,
)
from roundtable.circles.forming.selectors import formation_members, formation_placements
from roundtable.circles.models import FormationRun
from roundtable.formation import FormationError, Pool, Request, assess, form_circles
from roundtable.formation.relaxations import Relaxation, explain, relax

Status = FormationRun.Status


def formation_execute(*, run: FormationRun) -> FormationRun:
    """The background step: claim a queued run, run the engine and store the proposal, or the
    reasons it cannot be formed. A run someone else claimed (or discarded) is left alone."""
    claimed = FormationRun.objects.filter(pk=run.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, progress=0.0
    )
    run.refresh_from_db()
    if not claimed:
        return run
    program = run.program
    members = formation_members(program=program)
    ids = {str(m.pk) for m in members}
    published, names = formation_placements(program=program)
    published = {p: c for p, c in published.items() if p in ids}
    # A re-run keeps the coordinator's pinned people where the proposal put them.
    current = dict(published)
    for person in map(str, run.pinned):
        if person in ids and person in run.assignment:
            current[person] = run.assignment[person]
    names.update({c["key"]: c["name"] for c in run.proposal.get("circles", [])})
    running = FormationRun.objects.filter(pk=run.pk, status=Status.RUNNING)
    reporter = ProgressReporter(
        save=lambda fraction: running.update(progress=fraction),
        time_limit=float(run.settings.get("time_limit", 2.0)),
    )

    asked: tuple[Pool, Request] | None = None
    explained: dict[str, Any]
    try:
        asked = _relaxed(
            run,
            formation_pool_build(program=program, members=members, settings=run.settings),
            formation_request_build(program=program, run=run, current=current),
        )
        with progress_heartbeat(reporter):
            result = form_circles(*asked, progress=reporter.report)
    except FormationError as exc:
        problems, explained = list(exc.problems), {}
        if asked is not None:  # the engine ran: name the conflicts, try relaxations
            problems, explained = formation_explain(pool=asked[0], request=asked[1], exc=exc)
        if run.proposal.get("circles"):
            return _reform_failed(run, problems, explained.get("infeasible", {}))
        run.status, run.problems, run.progress = Status.FAILED, problems, 1.0
        run.proposal = explained
        run.save(update_fields=["status", "problems", "proposal", "progress", "updated_at"])
        return run
    keys = [c.key for c in result.circles]
    run.assignment = result.assignment()
    run.proposal = formation_proposal_serialise(
        result=result,
        names=formation_circle_names(keys=keys, existing=names),
        current=published,
    )
    run.problems = []
    run.status, run.progress = Status.READY, 1.0
    run.save(
        update_fields=["assignment", "proposal", "problems", "status", "progress", "updated_at"]
    )
    return run


# In a proposal: why forming the rest again did not work (conflicts, relaxations, problems);
# and, while a relaxed re-form runs, the settings and pins to go back to if it fails too.
REFORM_FAILED, REFORM_FROM = "reform_failed", "reform_from"


def _reform_failed(
    run: FormationRun, problems: list[str], infeasible: dict[str, Any]
) -> FormationRun:
    """Forming the rest again did not work: the coordinator's circles, moves and pins stay as
    they were (with the settings and pins from before a relaxation tried), and the reasons and
    the relaxations the engine found go beside them."""
    proposal = {k: v for k, v in run.proposal.items() if k != REFORM_FROM}
    before = run.proposal.get(REFORM_FROM) or {}
    run.settings = before.get("settings", run.settings)
    run.pinned = before.get("pinned", run.pinned)
    run.proposal = {
        **proposal,
        REFORM_FAILED: {**infeasible, "problems": problems},
    }
    run.status, run.problems, run.progress = Status.READY, [], 1.0
    run.save(
        update_fields=[
            "settings",
            "pinned",
            "proposal",
            "status",
            "problems",
            "progress",
            "updated_at",
        ]
    )
    return run


def formation_reassess(*, run: FormationRun) -> FormationRun:
    """Recompute balance, "why this mix" lines and checks after a hand edit; people enrolled
    since the run join the smallest circle."""
    program = run.program
    members = formation_members(program=program)
    current, _ = formation_placements(program=program)
    ids = {str(m.pk) for m in members}
    current = {p: c for p, c in current.items() if p in ids}
    keys = [c["key"] for c in run.proposal["circles"]]
    names = {c["key"]: c["name"] for c in run.proposal["circles"]}
    pool = formation_pool_build(program=program, members=members, settings=run.settings)
    assignment = {p: k for p, k in run.assignment.items() if p in ids}
    for person in sorted(ids - set(assignment), key=int):
        sizes = {k: sum(1 for v in assignment.values() if v == k) for k in keys}
        assignment[person] = min(keys, key=lambda k: sizes[k])
    request = formation_request_build(program=program, run=run, current=current)
    pool, request = _relaxed(run, pool, request)
    result = assess(pool, request, assignment, keys, names)
    engine_seconds = run.proposal.get("seconds", 0)
    run.assignment = assignment
    run.proposal = {
        **formation_proposal_serialise(result=result, names=names, current=current),
        "seconds": engine_seconds,
    }
    run.save(update_fields=["assignment", "proposal", "updated_at"])
    return run


RULE_LABELS = {
    "slot": "everyone in a circle shares a weekly slot",
    "size": "the circle sizes",
    "apart": "kept-apart pairs (and managers apart from their reports)",
    "pinned": "pinned people stay where they are",
}


def formation_explain(
    *, pool: Pool, request: Request, exc: FormationError
) -> tuple[list[str], dict[str, Any]]:
    """A failed run's problems (the people in conflict named when the checks find them, else
    the engine's reasons) and what its proposal keeps: the conflicts and the relaxations the
    engine found a valid grouping with (`relaxations.explain`, about 3 s at most)."""
    explanation = explain(pool, request)
    problems = explanation.messages or list(exc.problems)
    return problems, {
        "infeasible": {
            "conflicts": [
                {**c.as_dict(), "rules": [RULE_LABELS.get(r, r) for r in c.rules]}
                for c in explanation.conflicts
            ],
            "relaxations": [r.as_dict() for r in explanation.relaxations],
            "seconds": round(explanation.seconds, 2),
            "tried": explanation.tried,
        }
    }


def _relaxed(run: FormationRun, pool: Pool, request: Request) -> tuple[Pool, Request]:
    """The pool and request with the run's relaxations applied (none for most runs). One that
    no longer fits (its extra slot is gone with a new meeting length, say) is left out: the
    checks then show what it covered."""
    for stored in run.settings.get("relaxations", []):
        try:
            pool, request = relax(pool, request, Relaxation.from_dict(stored))
        except FormationError:
            continue
    return pool, request
