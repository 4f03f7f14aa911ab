"""Phase two of the search: raise the objective among valid groupings. Swap and move local
search with gains read from the incremental state, compiled (`kernels`), and the random valid
swaps that kick it out of a local optimum.
"""

from __future__ import annotations

import time

import numpy as np

from roundtable.formation import kernels
from roundtable.formation.bundles import bundle_step
from roundtable.formation.state import SearchState

HYBRID_FROM = 12000  # units; above this a unit tries its neighbours and a sample before all
FULL_PARTNER_LIMIT = 12000  # units; above this, each unit tries its neighbours and a sample
SAMPLE_PARTNERS = 24  # random partners per unit and pass, beside its nearest neighbours
NEIGHBOUR_WIDTH = 4  # per projection: this many units on either side of a unit
PROJECTIONS = 4  # random directions whose orders give each unit its nearest neighbours
CHUNK = 2048  # units per kernel call (at most), between deadline checks


class Kernel:
    """The search state's arrays as the compiled kernels take them, plus each unit's exchange
    partners: every unit on pools up to `FULL_PARTNER_LIMIT` units, else its nearest neighbours
    in feature space (as anticlust's fast exchange does) plus random units each pass."""

    def __init__(
        self,
        state: SearchState,
        movable: np.ndarray,
        cost: np.ndarray,
        rng: np.random.Generator,
        sampled: bool | None = None,
    ):
        u = state.u
        self.movable = movable
        self.avail = (
            u.avail.astype(np.int64) if u.avail is not None else np.zeros((u.count, 0), np.int64)
        )
        self.exempt = (
            u.exempt.astype(np.bool_) if len(u.exempt) == state.k else np.zeros(state.k, np.bool_)
        )
        self.cost = cost if cost.any() else np.zeros(0)
        self.home = u.start.astype(np.int64)
        self.q = (u.x * u.x).sum(axis=1)
        self.sampled = u.count > FULL_PARTNER_LIMIT if sampled is None else sampled
        self.full = not self.sampled
        if self.sampled or u.count > HYBRID_FROM:
            directions = rng.standard_normal((u.x.shape[1], PROJECTIONS))
            ids = np.flatnonzero(movable & (u.size == 1)).astype(np.int64)
            proj = np.ascontiguousarray(u.x[ids] @ directions)
            self.cand_ptr, self.cands = kernels.projection_neighbours(
                proj, ids, u.count, NEIGHBOUR_WIDTH
            )
            self.samples = SAMPLE_PARTNERS
        else:
            self.cand_ptr, self.cands = np.zeros(0, np.int64), np.zeros(0, np.int64)
            self.samples = 0
        self.chunk = CHUNK
        if self.full:  # a unit may scan every partner: fewer units per call, deadlines kept
            self.chunk = max(16, min(CHUNK, 20_000_000 // max(1, u.count * u.x.shape[1])))

    @staticmethod
    def tally(s: SearchState) -> np.ndarray:
        return s.tally if s.u.avail is not None else np.zeros((s.k, 0), np.int64)

    def pass_over(
        self, s: SearchState, order: np.ndarray, look: np.ndarray, changed: np.ndarray
    ) -> int:
        u = s.u
        return int(
            kernels.descend_units(
                order, u.x, u.size, self.movable, s.labels, s.sums, s.sq, s.people,
                s.unit_count, self.tally(s), self.avail, self.exempt, u.indptr, u.neighbours,
                self.cand_ptr, self.cands, self.samples, self.cost, self.home, self.q, self.full,
                look, changed,
            )
        )  # fmt: skip


def descend(
    state: SearchState,
    movable: np.ndarray,
    cost: np.ndarray,
    rng: np.random.Generator,
    deadline: float,
    look: np.ndarray | None = None,
    kernel: Kernel | None = None,
) -> None:
    """Best valid move or swap per unit, first-improvement over units, until no step gains.
    Units whose circle did not change since they were last examined are skipped (don't-look
    bits; `look` says which to examine first, by default every movable unit). The loop over
    units runs compiled (`kernels.descend_units`), in chunks between deadline checks."""
    u = state.u
    kernel = kernel or Kernel(state, movable, cost, rng)
    look = (movable.copy() if look is None else look & movable).astype(np.bool_)
    bundles = movable & (u.size > 1)
    while look.any():
        changed = np.zeros(state.k, dtype=np.bool_)
        order = rng.permutation(np.flatnonzero(look)).astype(np.int64)
        kernels.seed_random(int(rng.integers(2**31)))
        for begin in range(0, len(order), kernel.chunk):
            if time.perf_counter() > deadline:
                return
            kernel.pass_over(state, order[begin : begin + kernel.chunk], look, changed)
        for unit in order[bundles[order]].tolist():
            if time.perf_counter() > deadline:
                return
            touched = bundle_step(state, unit, movable, rng, None, repair=False, cost=cost)
            if touched:
                changed[list(touched)] = True
        look |= changed[state.labels] & movable


def perturb(
    state: SearchState,
    movable: np.ndarray,
    rng: np.random.Generator,
    strength: int,
    kernel: Kernel | None = None,
) -> np.ndarray:
    """A few random swaps that keep every hard constraint; returns the circles touched."""
    candidates = np.flatnonzero(movable).astype(np.int64)
    changed = np.zeros(state.k, dtype=np.bool_)
    if len(candidates) < 2:
        return changed
    kernel = kernel or Kernel(state, movable, np.zeros(state.u.count), rng)
    u = state.u
    kernels.seed_random(int(rng.integers(2**31)))
    kernels.random_swaps(
        strength, strength * 20, candidates, u.x, u.size, state.labels, state.sums, state.sq,
        state.unit_count, kernel.tally(state), kernel.avail, kernel.exempt, u.indptr, u.neighbours,
        changed,
    )  # fmt: skip
    return changed
