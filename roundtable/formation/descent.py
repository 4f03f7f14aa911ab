"""Phase two of the search: raise the objective among valid groupings. Swap and move local
search with gains read from the incremental state, vectorised over all partners, and the random
valid swaps that kick it out of a local optimum.
"""

from __future__ import annotations

import time

import numpy as np

from roundtable.formation.bundles import bundle_step
from roundtable.formation.state import EPS, SearchState

FULL_PARTNER_LIMIT = 3000  # units; above this, each unit tries a random sample of partners
SAMPLE_PARTNERS = 48


def descend(
    state: SearchState,
    movable: np.ndarray,
    cost: np.ndarray,
    rng: np.random.Generator,
    deadline: float,
) -> None:
    """Best valid swap per unit, first-improvement over units, until no swap gains. Units whose
    circle did not change since they were last examined are skipped (don't-look bits)."""
    u = state.u
    everyone = np.flatnonzero(movable)
    sample = u.count > FULL_PARTNER_LIMIT
    look = np.ones(u.count, dtype=bool)
    look[~movable] = False
    home = u.start
    while look.any():
        changed = np.zeros(state.k, dtype=bool)
        for unit in rng.permutation(np.flatnonzero(look)):
            if time.perf_counter() > deadline:
                return
            look[unit] = False
            moved_to = _move_step(state, unit, cost, rng)
            if moved_to is not None:
                changed[moved_to[0]] = changed[moved_to[1]] = True
                continue
            if u.size[unit] > 1:
                touched = bundle_step(state, unit, movable, rng, None, repair=False, cost=cost)
                if touched:
                    changed[list(touched)] = True
                continue
            if sample:
                partners = everyone[rng.integers(0, len(everyone), SAMPLE_PARTNERS)]
            else:
                partners = everyone
            a = state.labels[unit]
            keep = (state.labels[partners] != a) & (u.size[partners] == u.size[unit])
            partners = partners[keep]
            if not len(partners):
                continue
            gains = state.gains(unit, partners)
            if cost.any():
                b = state.labels[partners]
                gains -= _moved_cost(unit, partners, a, b, home, cost)
            candidates = np.flatnonzero(gains > EPS)
            if not len(candidates):
                continue
            candidates = candidates[np.argsort(-gains[candidates], kind="stable")][:32]
            ok = state.apart_ok(unit, partners[candidates]) & state.slots_ok(
                unit, partners[candidates]
            )
            if not ok.any():
                continue
            partner = int(partners[candidates[int(np.argmax(ok))]])
            b = state.labels[partner]
            state.swap(unit, partner)
            changed[a] = changed[b] = True
        look |= changed[state.labels] & movable


def _move_step(
    state: SearchState, unit: int, cost: np.ndarray, rng: np.random.Generator
) -> tuple[int, int] | None:
    """Move the unit alone to a circle one size smaller when that raises the objective and
    keeps every constraint (circles trade sizes, so the plan of sizes holds). Many circles:
    a random sample of them, as for swap partners."""
    targets = state.move_targets(unit)
    if not len(targets):
        return None
    if len(targets) > SAMPLE_PARTNERS:
        targets = targets[rng.integers(0, len(targets), SAMPLE_PARTNERS)]
    a = int(state.labels[unit])
    gains = state.move_gains(unit, targets)
    if cost.any():
        home = state.u.start[unit]
        if home >= 0:
            gains = gains - cost[unit] * ((home != targets).astype(float) - float(home != a))
    best = np.flatnonzero(gains > EPS)
    if not len(best):
        return None
    best = best[np.argsort(-gains[best], kind="stable")]
    ok = state.move_ok(unit, targets[best])
    if not ok.any():
        return None
    b = int(targets[best[int(np.argmax(ok))]])
    state.move(unit, b)
    return a, b


def _moved_cost(
    unit: int, partners: np.ndarray, a: int, b: np.ndarray, home: np.ndarray, cost: np.ndarray
) -> np.ndarray:
    """Change in the cost of people away from their current circle if unit and partner swap."""
    before = cost[unit] * (home[unit] >= 0) * (home[unit] != a) + cost[partners] * (
        home[partners] >= 0
    ) * (home[partners] != b)
    after = cost[unit] * (home[unit] >= 0) * (home[unit] != b) + cost[partners] * (
        home[partners] >= 0
    ) * (home[partners] != a)
    return np.asarray(after - before, dtype=np.float64)


def perturb(
    state: SearchState, movable: np.ndarray, rng: np.random.Generator, strength: int
) -> None:
    """A few random swaps that keep every hard constraint."""
    u = state.u
    candidates = np.flatnonzero(movable)
    if len(candidates) < 2:
        return
    done = tries = 0
    while done < strength and tries < strength * 20:
        tries += 1
        unit, partner = (int(v) for v in rng.choice(candidates, 2, replace=False))
        if state.labels[unit] == state.labels[partner] or u.size[unit] != u.size[partner]:
            continue
        pair = np.array([partner])
        if state.apart_ok(unit, pair)[0] and state.slots_ok(unit, pair)[0]:
            state.swap(unit, partner)
            done += 1
