"""`solve`: an MDGP instance through the engine's own search (`formation.tabu`), with the
distance matrix as given and the literature's objective (per-circle weight 1)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from roundtable.formation.mdgp.instance import Instance, Solution, within_group_sum
from roundtable.formation.tabu import PairProblem
from roundtable.formation.tabu import solve as tabu_solve


def as_pair_problem(instance: Instance) -> PairProblem:
    return PairProblem(
        np.ascontiguousarray(instance.distances, dtype=np.float64),
        instance.lower.astype(np.int64),
        instance.upper.astype(np.int64),
        weighted=False,
    )


def solve(
    instance: Instance,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_iterations: int | None = None,
    rounds: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> Solution:
    """Best grouping found within `time_limit` seconds, or within `max_iterations` rounds (then
    the result depends on the seed alone), or in exactly `rounds` rounds whatever the time (what
    tests and reproducible runs use); `progress` gets the share done after every round."""
    found = tabu_solve(
        as_pair_problem(instance),
        seed=seed,
        time_limit=time_limit,
        max_rounds=max_iterations,
        rounds=rounds,
        progress=progress,
    )
    return Solution(
        found.labels,
        within_group_sum(instance, found.labels),
        found.seconds,
        found.rounds,
        found.seconds_to_best,
    )
