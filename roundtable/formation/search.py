"""The search: `form` partitions people into circles of the planned sizes that are each as
diverse as possible (the objective is in `problem`).

Hard constraints are handled by the search itself, never by penalties in the final answer:

- kept together: people linked by "together" pairs form a *unit* that always moves as one;
  units only swap with units of the same size, so circle sizes never change;
- kept apart: no swap may bring two "apart" units into one circle;
- availability: each unit carries the weekly slots all its members can make (n x S booleans);
  a circle is valid while at least one slot is shared by all its units;
- pinned: a pinned unit never moves.

When nothing but circle sizes constrains a pool of up to `PAIR_LIMIT` people, `form` runs the
iterated tabu search on pair sums (`tabu`), the same search that MDGPLIB measures, on people's
squared distances with the size-neutral weight 1/size (its objective is then W exactly).

Otherwise the search has two phases. Phase one (`placement`) finds a grouping that meets every
hard constraint: a greedy placement (hardest units first), then a min-conflicts repair by
swaps. If no such grouping is found, `diagnosis` explains which constraints conflict and why
(`Infeasible`). Phase two (`descent`) maximises W among valid groupings: move and swap local
search whose gains come from per-circle sums in O(d) per partner (never by recomputing the
objective), then perturbation (a few random valid swaps) and search again, keeping the best
(iterated local search), within the time budget or for an exact number of rounds. The loops of
both phases run compiled (`kernels`). Memory is O(N·d + N·S): no N x N matrix. Up to 12,000
units each unit is offered every partner; above, its nearest neighbours in feature space (the
exchange partners of anticlust's fast anticlustering) and a random sample.

Incremental re-balancing (`start=`): the search starts from the current circles and charges
`move_cost` for each person it takes away from their current circle, so it only moves people
when the gain is worth it; pinned people never move.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np

from roundtable.formation import kernels, tabu
from roundtable.formation.descent import Kernel, descend, perturb
from roundtable.formation.diagnosis import diagnose
from roundtable.formation.placement import place, repair
from roundtable.formation.problem import (
    Formation,
    FormationError,
    Infeasible,
    Problem,
    objective,
)
from roundtable.formation.state import EPS, SearchState
from roundtable.formation.units import build_units


def form(
    x_or_problem: np.ndarray | Problem,
    sizes: Sequence[int] | None = None,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_restarts: int = 50,
    patience: int = 300,
    rounds: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> Formation:
    """Best grouping found; deterministic for a seed and a budget of rounds (`max_restarts`;
    the time limit, or `patience` rounds without improvement, can stop it earlier). With
    `rounds`, exactly that many rounds run and neither the time limit nor `patience` stops the
    search. Raises `Infeasible` with reasons when the hard constraints cannot all be met."""
    if isinstance(x_or_problem, Problem):
        problem = x_or_problem
    else:
        if sizes is None:
            raise FormationError(["Give the circle sizes."])
        problem = Problem(x=np.asarray(x_or_problem, dtype=np.float64), sizes=list(sizes))
    kernels.ready()
    started = time.perf_counter()
    deadline = started + max(time_limit, 0.01) if rounds is None else math.inf
    exact_rounds = max(1, rounds) if rounds is not None else None
    if exact_rounds is not None:
        max_restarts, patience = exact_rounds, exact_rounds + 1
    if problem.n < 1:
        raise FormationError(["There is nobody to place."])
    if not len(problem.sizes) or min(problem.sizes) < 1:
        raise FormationError(["Every circle needs at least one person."])
    if sum(problem.sizes) != problem.n:
        raise FormationError([f"The circle sizes add up to {sum(problem.sizes)}, not {problem.n}."])
    if problem.start is not None and len(problem.start) != problem.n:
        raise FormationError(["The current circles do not cover the pool."])
    if _pairs_fit(problem):
        return _form_on_pairs(problem, seed, deadline, max_restarts, exact_rounds, progress)
    rng = np.random.default_rng(seed)
    units = build_units(problem)
    k = len(problem.sizes)
    total_sq = float((problem.x * problem.x).sum())

    labels = place(units, problem, rng)
    state = SearchState(units, labels, k)
    if not repair(state, rng, started + 0.8 * (deadline - started)):
        raise Infeasible(diagnose(problem, units))

    movable = units.pinned_to < 0
    cost = np.zeros(units.count)
    if problem.move_cost > 0 and problem.start is not None:
        cost = units.size * problem.move_cost

    def score(s: SearchState) -> float:
        moved = (s.labels != units.start) & (units.start >= 0)
        return s.value(total_sq) - float(cost[moved].sum())

    kernel = Kernel(state, movable, cost, rng)
    descend(state, movable, cost, rng, deadline, kernel=kernel)
    best_labels, best_score, done_rounds = state.labels.copy(), score(state), 1
    if progress:
        progress(_share_done(started, time_limit, done_rounds, exact_rounds))
    since_better = 0
    # Iterated local search: kick the best grouping with a few random valid swaps (2 to a
    # quarter of the units on small pools) and descend again; now and then start afresh from a
    # new random valid grouping, so tight constraints cannot wall the search in one region.
    strongest = max(2, units.count // 4) if units.count <= 200 else max(2, units.count // 20)
    fresh_every = max(20, patience // 4)
    while done_rounds < max_restarts and since_better < patience and time.perf_counter() < deadline:
        if since_better and since_better % fresh_every == 0 and problem.start is None:
            restart = SearchState(units, place(units, problem, rng), k)
            if not repair(restart, rng, deadline):
                since_better += 1
                done_rounds += 1
                continue
            state = restart
            look = None
        else:
            touched = perturb(state, movable, rng, int(rng.integers(2, strongest + 1)), kernel)
            look = touched[state.labels]
        descend(state, movable, cost, rng, deadline, look, kernel)
        done_rounds += 1
        current = score(state)
        if current > best_score + EPS:
            best_labels, best_score = state.labels.copy(), current
            since_better = 0
        else:
            since_better += 1
            state = SearchState(units, best_labels.copy(), k)
        if progress:
            progress(_share_done(started, time_limit, done_rounds, exact_rounds))

    person_labels = best_labels[units.of_person]
    final = SearchState(units, best_labels.copy(), k)
    moved = 0
    if problem.start is not None:
        moved = int(((person_labels != problem.start) & (problem.start >= 0)).sum())
    slots: tuple[int, ...] = ()
    if units.avail is not None:
        shared = final.tally == final.unit_count[:, None]
        slots = tuple(int(np.argmax(row)) if row.any() else -1 for row in shared)
    return Formation(
        person_labels,
        objective(problem.x, person_labels),
        done_rounds,
        time.perf_counter() - started,
        moved,
        slots,
    )


PAIR_LIMIT = 1500  # people; up to this, with no constraint but sizes, the pair-sum tabu search


def _pairs_fit(problem: Problem) -> bool:
    """Nothing but circle sizes constrains the grouping and every pair's distance fits in
    memory (18 MB at 1,500 people): the iterated tabu search on pair sums, the same search
    that MDGPLIB measures, with the size-neutral weight (`tabu`)."""
    return (
        problem.n <= PAIR_LIMIT
        and len(problem.sizes) > 1
        and not problem.apart
        and not problem.together
        and problem.availability is None
        and problem.start is None
        and not problem.pinned
    )


def _form_on_pairs(
    problem: Problem,
    seed: int,
    deadline: float,
    max_restarts: int,
    exact_rounds: int | None,
    progress: Callable[[float], None] | None,
) -> Formation:
    started = time.perf_counter()
    found = tabu.solve(
        tabu.PairProblem.from_features(problem.x, list(problem.sizes)),
        seed=seed,
        time_limit=max(0.0, deadline - started),
        max_rounds=max_restarts,
        rounds=exact_rounds,
        progress=progress,
    )
    return Formation(
        found.labels,
        objective(problem.x, found.labels),
        found.rounds,
        time.perf_counter() - started,
    )


def _share_done(
    started: float, time_limit: float, done_rounds: int, exact_rounds: int | None
) -> float:
    """Progress: the share of the exact rounds run, or else of the time limit used."""
    if exact_rounds is not None:
        return min(1.0, done_rounds / exact_rounds)
    return min(1.0, (time.perf_counter() - started) / max(time_limit, 1e-9))
