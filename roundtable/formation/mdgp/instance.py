"""An MDGP instance and what is read from it: the MDGPLIB file reader (every problem a
ValueError naming the line), the value of a grouping (bounds checked), the size profile with
the most pairs (`tabu.best_profile`) and the `Solution` the search returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Instance:
    """An MDGP instance: symmetric distances with a zero diagonal and per-group size bounds."""

    name: str
    distances: np.ndarray  # n x n float64, symmetric, zero diagonal
    lower: np.ndarray  # per group, int
    upper: np.ndarray  # per group, int

    @property
    def n(self) -> int:
        """Number of elements."""
        return int(self.distances.shape[0])

    @property
    def groups(self) -> int:
        """Number of groups G."""
        return len(self.lower)


@dataclass(frozen=True)
class Solution:
    """A grouping (labels 0..G-1 per element), its objective and how the search went."""

    labels: np.ndarray
    objective: float
    seconds: float
    iterations: int
    seconds_to_best: float = 0.0  # when the returned grouping was first found


def read(path: str | Path) -> Instance:
    """Parse an MDGPLIB file; every problem is a ValueError naming the line."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    usage = f"{path.name}: line 1 should be 'n G ss|ds a_1 b_1 ... a_G b_G'."
    if not lines or not lines[0].split():
        raise ValueError(usage)
    head = lines[0].split()
    try:
        n, groups = int(head[0]), int(head[1])
        kind = head[2]
        bounds = [int(v) for v in head[3:]]
    except (ValueError, IndexError):
        raise ValueError(usage) from None
    if kind not in {"ss", "ds"}:
        raise ValueError(f"{path.name}: line 1: the kind must be 'ss' or 'ds', not {kind!r}.")
    if n < 2 or groups < 1 or len(bounds) != 2 * groups:
        raise ValueError(f"{path.name}: line 1 needs n >= 2, G >= 1 and two bounds per group.")
    lower = np.array(bounds[0::2], dtype=np.int64)
    upper = np.array(bounds[1::2], dtype=np.int64)
    if (lower < 1).any() or (lower > upper).any():
        raise ValueError(f"{path.name}: line 1: every group needs 1 <= a_g <= b_g.")
    if kind == "ss" and (len(set(bounds)) != 1):
        raise ValueError(f"{path.name}: line 1: 'ss' needs the same bounds for every group.")
    if lower.sum() > n or upper.sum() < n:
        raise ValueError(
            f"{path.name}: line 1: {n} elements cannot fill groups of sizes "
            f"{lower.sum()}-{upper.sum()} in all."
        )
    distances = np.full((n, n), np.nan)
    np.fill_diagonal(distances, 0.0)
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split()
        if not parts:
            continue
        try:
            if len(parts) != 3:
                raise ValueError
            i, j, d = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            raise ValueError(f"{path.name}: line {number} should be 'i j distance'.") from None
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise ValueError(f"{path.name}: line {number}: ids must be two different 0..{n - 1}.")
        if not math.isfinite(d):
            raise ValueError(f"{path.name}: line {number}: the distance is not a finite number.")
        distances[i, j] = distances[j, i] = d
    missing = np.argwhere(np.isnan(distances))
    if len(missing):
        i, j = missing[0]
        raise ValueError(f"{path.name}: no distance is given for the pair {i} {j}.")
    return Instance(path.stem, distances, lower, upper)


def within_group_sum(instance: Instance, labels: np.ndarray) -> float:
    """Sum over groups of the distances inside the group; ValueError if a size is off bounds."""
    labels = np.asarray(labels)
    if (
        labels.shape != (instance.n,)
        or not np.issubdtype(labels.dtype, np.integer)
        or labels.min() < 0
        or labels.max() >= instance.groups
    ):
        raise ValueError("Every element needs a group number 0..G-1.")
    sizes = np.bincount(labels, minlength=instance.groups)
    bad = np.flatnonzero((sizes < instance.lower) | (sizes > instance.upper))
    if len(bad):
        g = int(bad[0])
        raise ValueError(
            f"Group {g} has {sizes[g]} elements, outside {instance.lower[g]}-{instance.upper[g]}."
        )
    same = labels[:, None] == labels[None, :]
    return float(instance.distances[same].sum() / 2)
