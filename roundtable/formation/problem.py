"""The engine's problem by person index: its errors, the `Problem` and its answer (`Formation`),
the planned circle sizes, the objective and the check of a finished grouping.

Objective (size-neutral): the sum over circles of their within-circle sum of squares,
W = Σ_g Σ_{i∈g} ||x_i - mean_g||² = Σ_g D_g / n_g, where D_g is the sum of squared distances
over the pairs in circle g. Dividing each circle's pair sum by its size makes one person count
the same in a circle of 4 as in a circle of 6 (the "average diversity" of anticlust), so the
search gains nothing by making a circle bigger or smaller. Since the total sum of squares is
fixed, maximising W also minimises the spread between circle means: diverse circles that
resemble each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from roundtable.formation.constraints import breaches, count, exempt_circles


class FormationError(ValueError):
    """Bad input or constraints that cannot all be met; `problems` lists each, plainly."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


class Infeasible(FormationError):
    """The hard constraints cannot all be met; `problems` says why."""


@dataclass(frozen=True)
class Problem:
    """Everything the search needs, by person index 0..n-1."""

    x: np.ndarray  # n x d embedded features (see features.embed)
    sizes: Sequence[int]  # planned circle sizes, adding up to n
    apart: Sequence[tuple[int, int]] = ()
    together: Sequence[tuple[int, int]] = ()
    availability: np.ndarray | None = None  # n x S booleans: who can make which weekly slot
    start: np.ndarray | None = None  # current circle per person (-1: newcomer)
    pinned: Sequence[int] = ()  # people who stay in their `start` circle
    names: Sequence[str] | None = None  # for messages; defaults to "person 1", "person 2", ...
    move_cost: float = 0.0  # objective units charged per person moved away from `start`

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    def name(self, i: int | np.integer) -> str:
        i = int(i)
        return str(self.names[i]) if self.names is not None else f"person {i + 1}"


@dataclass(frozen=True)
class Formation:
    """The search's answer: a circle per person, its objective and how the search went."""

    labels: np.ndarray  # circle index per person
    objective: float
    restarts: int  # rounds of the search that ran
    seconds: float
    moved: int = 0  # people not in their `start` circle (incremental re-balancing)
    slots: tuple[int, ...] = field(default=())  # per circle: a shared slot column, or -1


def plan_sizes(
    n: int, *, groups: int | None = None, size_range: tuple[int, int] | None = None
) -> list[int]:
    """Circle sizes as equal as possible, everyone placed; or a clear reason why not."""
    if n < 1:
        raise FormationError(["There is nobody to place."])
    if groups is not None:
        if not 1 <= groups <= n:
            raise FormationError([f"{groups} circles cannot be made from {n} people."])
        base, extra = divmod(n, groups)
        sizes = [base + 1] * extra + [base] * (groups - extra)
        if size_range and not (size_range[0] <= min(sizes) and max(sizes) <= size_range[1]):
            raise FormationError(
                [
                    f"{n} people in {groups} circles gives sizes {min(sizes)}-{max(sizes)}, "
                    f"outside {size_range[0]}-{size_range[1]}."
                ]
            )
        return sizes
    if size_range is None:
        raise FormationError(["Give a number of circles or a size range."])
    low, high = size_range
    if not 1 <= low <= high:
        raise FormationError([f"The size range {low}-{high} is not valid."])
    for k in range(math.ceil(n / high), n // low + 1):
        base, extra = divmod(n, k)
        if low <= base and base + (1 if extra else 0) <= high:
            return [base + 1] * extra + [base] * (k - extra)
    raise FormationError([f"{n} people cannot be split into circles of {low}-{high}."])


def objective(x: np.ndarray, labels: np.ndarray) -> float:
    """W: the within-circle sum of squares, summed over circles (what the search maximises),
    as the total sum of squares less each circle's ||sum||^2 / size (one sort, no loop over
    circles: 100,000 people in a few milliseconds)."""
    labels = np.asarray(labels)
    if not len(labels):
        return 0.0
    centred = x - x.mean(axis=0)  # the same W, with smaller numbers to cancel
    order = np.argsort(labels, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(labels[order]) != 0])
    sums = np.add.reduceat(centred[order], starts, axis=0)
    sizes = np.diff(np.r_[starts, len(labels)])
    return float((centred * centred).sum() - ((sums * sums).sum(axis=1) / sizes).sum())


def violations(problem: Problem, labels: np.ndarray) -> dict[str, int]:
    """Each hard constraint checked on a finished grouping, by counting (0 everywhere = valid):
    the sizes against the planned ones, the rest through `constraints.breaches`."""
    labels = np.asarray(labels)
    k = len(problem.sizes)
    sizes = np.bincount(labels, minlength=k)
    planned = sorted(problem.sizes)
    fixed = np.full(problem.n, -1, dtype=np.int64)
    if problem.start is not None:
        fixed[list(problem.pinned)] = np.asarray(problem.start)[list(problem.pinned)]
    found = count(
        breaches(
            labels,
            max(k, len(sizes)),
            apart=problem.apart,
            together=problem.together,
            availability=problem.availability,
            exempt=exempt_circles(problem.availability, fixed, max(k, len(sizes))),
            start=problem.start,
            pinned=problem.pinned,
        )
    )
    return {
        "sizes": int(sum(abs(a - b) for a, b in zip(sorted(sizes.tolist()), planned, strict=False)))
        + abs(len(sizes) - len(planned)),
        "apart": found["apart"],
        "together": found["together"],
        "pinned": found["pinned"],
        "availability": found["availability"],
    }
