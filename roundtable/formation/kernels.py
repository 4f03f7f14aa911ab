"""The search's compiled inner loops (numba), next to the numpy code they stand in for.

Each kernel is a small typed function on the arrays of `state.SearchState` (people as weighted
feature vectors) or of the distance-matrix state (`matrix`): the gains of swaps and moves, the
constraint checks of a step and the incremental updates after it, and the loops that run many
steps per call. `state.SearchState.gains`/`move_gains` stay as the numpy reference the tests
hold the kernels to (the same gains to 1e-9).

Compilation: `cache=True` keeps the machine code on disk next to this file (`__pycache__`),
and `warm()` compiles every kernel on tiny inputs; `make setup` runs it
(`python -m roundtable.formation.warm`), so no coordinator
waits for the compiler. Numba cannot read the clock, so loops take a budget of work per call
and the caller checks its deadline between calls.
"""

from __future__ import annotations

import numpy as np
from numba import njit

EPS = 1e-9


# --- features: gains and checks --------------------------------------------------------------


@njit(cache=True, nogil=True)
def swap_gain(x, sums, people, a, b, u, p):
    """W gained if unit u (circle a) and unit p (circle b, same size) trade places: with
    diff = x_p - x_u, circle a's sum becomes S_a + diff and b's S_b - diff, and
    W = total - sum_g ||S_g||^2 / P_g."""
    across_a = 0.0
    across_b = 0.0
    dd = 0.0
    for c in range(x.shape[1]):
        diff = x[p, c] - x[u, c]
        across_a += diff * sums[a, c]
        across_b += diff * sums[b, c]
        dd += diff * diff
    return -(2.0 * across_a + dd) / people[a] + (2.0 * across_b - dd) / people[b]


@njit(cache=True, nogil=True)
def swap_gains(x, sums, people, labels, unit, partners):
    """`swap_gain` of one unit with each partner (the kernel twin of `SearchState.gains`)."""
    out = np.empty(len(partners))
    a = labels[unit]
    for t in range(len(partners)):
        p = partners[t]
        out[t] = swap_gain(x, sums, people, a, labels[p], unit, p)
    return out


@njit(cache=True, nogil=True)
def move_gain(x, sums, sq, people, size, u, a, b):
    """W gained if unit u (size m) leaves circle a for circle b (sizes change by m)."""
    m = size[u]
    new_a = 0.0
    new_b = 0.0
    for c in range(x.shape[1]):
        va = sums[a, c] - x[u, c]
        vb = sums[b, c] + x[u, c]
        new_a += va * va
        new_b += vb * vb
    before = sq[a] / people[a] + sq[b] / people[b]
    return before - (new_a / (people[a] - m) + new_b / (people[b] + m))


@njit(cache=True, nogil=True)
def _meets(labels, indptr, nbrs, u, circle, skip):
    """Whether unit u has a kept-apart neighbour (other than `skip`) in `circle`."""
    for t in range(indptr[u], indptr[u + 1]):
        v = nbrs[t]
        if v != skip and labels[v] == circle:
            return True
    return False


@njit(cache=True, nogil=True)
def _shares_slot(tally, count, avail, g, out_unit, in_unit, change):
    """Whether circle g shares a slot after `out_unit` leaves and `in_unit` joins (-1: none);
    `change` is the change in its unit count."""
    target = count[g] + change
    for s in range(tally.shape[1]):
        t = tally[g, s]
        if out_unit >= 0:
            t -= avail[out_unit, s]
        if in_unit >= 0:
            t += avail[in_unit, s]
        if t == target:
            return True
    return False


@njit(cache=True, nogil=True)
def swap_ok(labels, indptr, nbrs, tally, count, avail, exempt, u, p):
    """The swap of u and p keeps every kept-apart pair apart and both circles a shared slot."""
    a = labels[u]
    b = labels[p]
    if _meets(labels, indptr, nbrs, u, b, p) or _meets(labels, indptr, nbrs, p, a, u):
        return False
    if avail.shape[1] == 0:
        return True
    if not exempt[a] and not _shares_slot(tally, count, avail, a, u, p, 0):
        return False
    return exempt[b] or _shares_slot(tally, count, avail, b, p, u, 0)


@njit(cache=True, nogil=True)
def move_ok(labels, indptr, nbrs, tally, count, avail, exempt, u, b):
    a = labels[u]
    if _meets(labels, indptr, nbrs, u, b, -1):
        return False
    if avail.shape[1] == 0:
        return True
    if not exempt[a] and not _shares_slot(tally, count, avail, a, u, -1, -1):
        return False
    return exempt[b] or _shares_slot(tally, count, avail, b, -1, u, 1)


# --- features: updates -----------------------------------------------------------------------


@njit(cache=True, nogil=True)
def apply_swap(x, labels, sums, sq, tally, avail, u, p):
    """Units u and p (same size) trade circles; sums, squares and slot tallies follow."""
    a = labels[u]
    b = labels[p]
    for c in range(x.shape[1]):
        diff = x[p, c] - x[u, c]
        sums[a, c] += diff
        sums[b, c] -= diff
    sq[a] = 0.0
    sq[b] = 0.0
    for c in range(x.shape[1]):
        sq[a] += sums[a, c] * sums[a, c]
        sq[b] += sums[b, c] * sums[b, c]
    for s in range(avail.shape[1]):
        delta = avail[p, s] - avail[u, s]
        tally[a, s] += delta
        tally[b, s] -= delta
    labels[u] = b
    labels[p] = a


@njit(cache=True, nogil=True)
def apply_move(x, size, labels, sums, sq, people, count, tally, avail, u, b):
    a = labels[u]
    for c in range(x.shape[1]):
        sums[a, c] -= x[u, c]
        sums[b, c] += x[u, c]
    sq[a] = 0.0
    sq[b] = 0.0
    for c in range(x.shape[1]):
        sq[a] += sums[a, c] * sums[a, c]
        sq[b] += sums[b, c] * sums[b, c]
    people[a] -= size[u]
    people[b] += size[u]
    count[a] -= 1
    count[b] += 1
    for s in range(avail.shape[1]):
        tally[a, s] -= avail[u, s]
        tally[b, s] += avail[u, s]
    labels[u] = b


@njit(cache=True, nogil=True)
def _swap_cost(cost, home, u, p, a, b):
    """Change in what people away from their current circle cost if u (in a) and p (in b)
    trade places."""
    return (
        _away(cost, home, u, b)
        + _away(cost, home, p, a)
        - _away(cost, home, u, a)
        - _away(cost, home, p, b)
    )


@njit(cache=True, nogil=True)
def _away(cost, home, u, circle):
    """What keeping unit u in `circle` costs (re-balancing: away from its current circle)."""
    if home[u] >= 0 and home[u] != circle:
        return cost[u]
    return 0.0


# --- features: the descent loop --------------------------------------------------------------


@njit(cache=True, nogil=True)
def seed_random(seed):
    np.random.seed(seed)


@njit(cache=True, nogil=True, fastmath=True)
def _refresh_own(x, labels, sums, own, a, b):
    """own[i] = x_i . S_(circle of i), for the members of circles a and b (after a step)."""
    for i in range(len(labels)):
        g = labels[i]
        if g in (a, b):
            total = 0.0
            for c in range(x.shape[1]):
                total += x[i, c] * sums[g, c]
            own[i] = total


@njit(cache=True, nogil=True, fastmath=True)
def _best_swap_full(x, q, own, size, movable, labels, sums, people, u, across):
    """Per partner p, the swap gain with u, written into `across` (-inf where no swap is
    possible), from two dot products per pair: with diff = x_p - x_u and dd = ||diff||^2,
    gain = -(2 diff.S_a + dd) / P_a + (2 diff.S_b - dd) / P_b, where x_p.S_b is `own[p]` and
    x_u.S_b is read per circle."""
    a = labels[u]
    d = x.shape[1]
    k = len(people)
    xu_s = np.empty(k)
    for g in range(k):
        total = 0.0
        for c in range(d):
            total += x[u, c] * sums[g, c]
        xu_s[g] = total
    for p in range(len(labels)):
        b = labels[p]
        if b == a or size[p] != 1 or not movable[p]:
            across[p] = -np.inf
            continue
        dot_a = 0.0
        dot_u = 0.0
        for c in range(d):
            dot_a += x[p, c] * sums[a, c]
            dot_u += x[p, c] * x[u, c]
        dd = q[p] + q[u] - 2.0 * dot_u
        across[p] = (
            -(2.0 * (dot_a - xu_s[a]) + dd) / people[a]
            + (2.0 * (own[p] - xu_s[b]) - dd) / people[b]
        )


@njit(cache=True, nogil=True)
def descend_units(
    order,
    x,
    size,
    movable,
    labels,
    sums,
    sq,
    people,
    count,
    tally,
    avail,
    exempt,
    indptr,
    nbrs,
    cand_ptr,
    cands,
    samples,
    cost,
    home,
    q,
    full,
    look,
    changed,
):
    """One pass of local search over the units in `order`: each single unit takes the best
    valid move (to a circle one size smaller: the circles trade sizes) or else the best valid
    swap with a unit of its size, if it gains. Partners: the unit's candidate list (its nearest
    neighbours in feature space, when `cand_ptr` is given) plus `samples` random units; when
    none of them gains and `full` is set, every unit. Returns the number of steps taken;
    `changed` marks the circles touched (the caller turns them into look bits)."""
    n_units = len(size)
    k = len(people)
    any_cost = len(cost) > 0
    steps = 0
    own = np.zeros(n_units)
    across = np.empty(n_units if full else 0)
    if full:
        for i in range(n_units):
            total = 0.0
            for c in range(x.shape[1]):
                total += x[i, c] * sums[labels[i], c]
            own[i] = total
    for t in range(len(order)):
        u = order[t]
        look[u] = False
        if not movable[u]:
            continue
        a = labels[u]
        m = size[u]
        # Moves: circles holding exactly m fewer people (sizes trade, the plan holds).
        best_gain = EPS
        best_b = -1
        tries = k if k <= 64 else 48
        for r in range(tries):
            b = r if k <= 64 else np.random.randint(k)
            if b == a or people[b] != people[a] - m:
                continue
            gain = move_gain(x, sums, sq, people, size, u, a, b)
            if any_cost:
                gain -= _away(cost, home, u, b) - _away(cost, home, u, a)
            if gain > best_gain and move_ok(
                labels, indptr, nbrs, tally, count, avail, exempt, u, b
            ):
                best_gain = gain
                best_b = b
        if best_b >= 0:
            apply_move(x, size, labels, sums, sq, people, count, tally, avail, u, best_b)
            if full:
                _refresh_own(x, labels, sums, own, a, best_b)
            changed[a] = True
            changed[best_b] = True
            steps += 1
            continue
        if m != 1:
            continue  # kept-together groups trade with single people (bundles, in numpy)
        best_gain = EPS
        best_p = -1
        # The unit's own candidates first (nearest neighbours and a random sample), then, if
        # none of them gains and the pool is small enough, every partner.
        listed = cand_ptr[u + 1] - cand_ptr[u] if len(cand_ptr) else 0
        tries = listed + samples if len(cand_ptr) else 0
        for r in range(tries):
            p = cands[cand_ptr[u] + r] if r < listed else np.random.randint(n_units)
            b = labels[p]
            if b == a or size[p] != 1 or not movable[p]:
                continue
            gain = swap_gain(x, sums, people, a, b, u, p)
            if any_cost:
                gain -= _swap_cost(cost, home, u, p, a, b)
            if gain > best_gain and swap_ok(
                labels, indptr, nbrs, tally, count, avail, exempt, u, p
            ):
                best_gain = gain
                best_p = p
        if best_p < 0 and full:
            _best_swap_full(x, q, own, size, movable, labels, sums, people, u, across)
            for p in range(n_units):
                gain = across[p]
                if gain == -np.inf:
                    continue
                if any_cost:
                    gain -= _swap_cost(cost, home, u, p, a, labels[p])
                if gain > best_gain and swap_ok(
                    labels, indptr, nbrs, tally, count, avail, exempt, u, p
                ):
                    best_gain = gain
                    best_p = p
        if best_p >= 0:
            b = labels[best_p]
            apply_swap(x, labels, sums, sq, tally, avail, u, best_p)
            if full:
                _refresh_own(x, labels, sums, own, a, b)
            changed[a] = True
            changed[b] = True
            steps += 1
    return steps


@njit(cache=True, nogil=True)
def random_swaps(
    strength,
    tries,
    pool,
    x,
    size,
    labels,
    sums,
    sq,
    count,
    tally,
    avail,
    exempt,
    indptr,
    nbrs,
    changed,
):
    """Up to `strength` random valid swaps among the units in `pool` (a perturbation)."""
    done = 0
    for _ in range(tries):
        if done >= strength:
            break
        u = pool[np.random.randint(len(pool))]
        p = pool[np.random.randint(len(pool))]
        if labels[u] == labels[p] or size[u] != size[p]:
            continue
        if swap_ok(labels, indptr, nbrs, tally, count, avail, exempt, u, p):
            changed[labels[u]] = True
            changed[labels[p]] = True
            apply_swap(x, labels, sums, sq, tally, avail, u, p)
            done += 1
    return done


@njit(cache=True, nogil=True)
def projection_neighbours(proj, ids, n, width):
    """Approximate nearest neighbours in feature space, as CSR (indptr, indices) over n units:
    each unit in `ids` gets the `width` units on either side of it in the order of each column
    of `proj` (the units' features projected on random directions: people alike in every
    feature lie close in each order). O(P n log n), no n x n matrix."""
    per = 2 * width * proj.shape[1]
    ptr = np.zeros(n + 1, dtype=np.int64)
    for i in ids:
        ptr[i + 1] = per
    for i in range(n):
        ptr[i + 1] += ptr[i]
    out = np.full(ptr[n], -1, dtype=np.int64)
    fill = ptr[:-1].copy()
    for col in range(proj.shape[1]):
        order = ids[np.argsort(proj[:, col])]
        for pos in range(len(order)):
            i = order[pos]
            for step in range(1, width + 1):
                for q in (pos - step, pos + step):
                    if 0 <= q < len(order):
                        out[fill[i]] = order[q]
                        fill[i] += 1
    # Drop unused places (ends of an order) by packing each row.
    packed = np.empty(ptr[n], dtype=np.int64)
    new_ptr = np.zeros(n + 1, dtype=np.int64)
    w = 0
    for i in range(n):
        for t in range(ptr[i], fill[i]):
            packed[w] = out[t]
            w += 1
        new_ptr[i + 1] = w
    return new_ptr, packed[:w]


# --- features: the repair loop (phase one) -------------------------------------------------


@njit(cache=True, nogil=True)
def _broken(members, row, labels, indptr, nbrs, tally, count, avail, exempt):
    """Broken constraints of circle `row`: kept-apart pairs inside it (each counted from both
    ends) plus 1 if its units share no weekly slot (unless exempt); as
    `SearchState.broken_per_circle`."""
    found = 0
    for t in range(members.shape[1]):
        v = members[row, t]
        if v >= 0:
            for e in range(indptr[v], indptr[v + 1]):
                if labels[nbrs[e]] == row:
                    found += 1
    if avail.shape[1] > 0 and not exempt[row]:
        shared = False
        for s in range(avail.shape[1]):
            if tally[row, s] == count[row]:
                shared = True
                break
        if not shared:
            found += 1
    return found


@njit(cache=True, nogil=True)
def repair_steps(
    steps,
    x,
    size,
    movable,
    labels,
    sums,
    sq,
    count,
    tally,
    avail,
    exempt,
    indptr,
    nbrs,
    bad,
):
    """Min-conflicts repair, at most `steps` steps: pick a circle that breaks a constraint and
    a single movable unit in it, and swap it with the one of 256 random single units elsewhere
    whose swap most reduces the broken constraints of the two circles (ties at random; one
    step in ten takes any of them, to leave plateaus). `bad` (broken per circle) is kept up to
    date. Returns the steps taken; the caller stops when `bad` is all zero."""
    k = len(bad)
    n = len(labels)
    width = 1
    for g in range(k):
        width = max(width, count[g])
    members = np.full((k, width), -1, dtype=np.int64)
    fill = np.zeros(k, dtype=np.int64)
    for v in range(n):
        g = labels[v]
        members[g, fill[g]] = v
        fill[g] += 1
    broken_ids = np.flatnonzero(bad > 0)
    singles = np.flatnonzero(movable & (size == 1))
    if len(singles) < 2:
        return 0
    taken = 0
    for _ in range(steps):
        if len(broken_ids) == 0:
            break
        circle = broken_ids[np.random.randint(len(broken_ids))]
        if bad[circle] == 0:
            broken_ids = np.flatnonzero(bad > 0)
            continue
        # A random single movable unit of the circle.
        unit = -1
        seen = 0
        for t in range(fill[circle]):
            v = members[circle, t]
            if size[v] == 1 and movable[v]:
                seen += 1
                if np.random.randint(seen) == 0:
                    unit = v
        if unit < 0:
            return -1  # nothing here can move: the caller's bundles or diagnosis take over
        wander = np.random.random() < 0.1
        best = 1 << 30
        pick = -1
        ties = 0
        for _r in range(256):
            p = singles[np.random.randint(len(singles))]
            b = labels[p]
            if b == circle:
                continue
            if wander:
                pick = p
                break
            was = bad[circle] + bad[b]
            # Swap, count, swap back: two circles of a few people each.
            pos_u = -1
            pos_p = -1
            for t in range(fill[circle]):
                if members[circle, t] == unit:
                    pos_u = t
            for t in range(fill[b]):
                if members[b, t] == p:
                    pos_p = t
            apply_swap(x, labels, sums, sq, tally, avail, unit, p)
            members[circle, pos_u] = p
            members[b, pos_p] = unit
            now = _broken(members, circle, labels, indptr, nbrs, tally, count, avail, exempt)
            now += _broken(members, b, labels, indptr, nbrs, tally, count, avail, exempt)
            apply_swap(x, labels, sums, sq, tally, avail, unit, p)
            members[circle, pos_u] = unit
            members[b, pos_p] = p
            delta = now - was
            if delta < best:
                best = delta
                pick = p
                ties = 1
            elif delta == best:
                ties += 1
                if np.random.randint(ties) == 0:
                    pick = p
        if pick < 0:
            continue
        b = labels[pick]
        for t in range(fill[circle]):
            if members[circle, t] == unit:
                members[circle, t] = pick
        for t in range(fill[b]):
            if members[b, t] == pick:
                members[b, t] = unit
        apply_swap(x, labels, sums, sq, tally, avail, unit, pick)
        bad[circle] = _broken(members, circle, labels, indptr, nbrs, tally, count, avail, exempt)
        bad[b] = _broken(members, b, labels, indptr, nbrs, tally, count, avail, exempt)
        if bad[circle] == 0 or bad[b] > 0:
            broken_ids = np.flatnonzero(bad > 0)
        taken += 1
    return taken


@njit(cache=True, nogil=True)
def place_units(order, size, avail, indptr, nbrs, exempt, room, labels, common):
    """Greedy start (`placement.place`): each unit of `order` goes to the best of up to 64
    random circles with room: one that meets nobody it must be kept apart from and keeps a
    shared weekly slot, then the one keeping the most shared slots (ties at random).
    Returns -1, or the position in `order` of a unit that found no room."""
    k = len(room)
    slots = avail.shape[1]
    open_ids = np.flatnonzero(room > 0)
    n_open = len(open_ids)
    where = np.full(k, -1, dtype=np.int64)
    for t in range(n_open):
        where[open_ids[t]] = t
    cand = np.empty(64, dtype=np.int64)
    for t in range(len(order)):
        u = order[t]
        m = size[u]
        found = 0
        if n_open <= 64:
            for r in range(n_open):
                g = open_ids[r]
                if room[g] >= m:
                    cand[found] = g
                    found += 1
        else:
            for _ in range(64):
                g = open_ids[np.random.randint(n_open)]
                if room[g] >= m:
                    cand[found] = g
                    found += 1
        if found == 0:
            return t
        best = -np.inf
        pick = -1
        for r in range(found):
            g = cand[r]
            score = np.random.random()
            for e in range(indptr[u], indptr[u + 1]):
                if labels[nbrs[e]] == g:
                    score -= 1000.0
                    break
            if slots > 0:
                shared = 0
                for s in range(slots):
                    if common[g, s] and avail[u, s]:
                        shared += 1
                if shared > 0 or exempt[g]:
                    score += 10.0 + shared / slots
                else:
                    score -= 100.0
            if score > best:
                best = score
                pick = g
        labels[u] = pick
        room[pick] -= m
        for s in range(slots):
            common[pick, s] = common[pick, s] and avail[u, s] > 0
        if room[pick] == 0:
            last = open_ids[n_open - 1]
            open_ids[where[pick]] = last
            where[last] = where[pick]
            where[pick] = -1
            n_open -= 1
    return -1


_READY = [False]


def ready() -> None:
    """Load (or compile) every kernel once per process, before a search starts its clock: a
    time limit is the search's own, never numba's loading."""
    if not _READY[0]:
        warm()
        _READY[0] = True


def warm() -> float:
    """Compile every kernel (or load it from the on-disk cache) on tiny inputs of the types the
    search passes; returns the seconds it took. `python -m roundtable.formation.kernels`."""
    import time

    started = time.perf_counter()
    ints = np.zeros(0, dtype=np.int64)
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    labels = np.array([0, 0, 1, 1], dtype=np.int64)
    sums = np.array([[1.0], [5.0]])
    sq = sums[:, 0] * sums[:, 0]
    people = np.array([2.0, 2.0])
    size = np.ones(4, dtype=np.int64)
    count = np.array([2, 2], dtype=np.int64)
    avail = np.ones((4, 1), dtype=np.int64)
    tally = np.array([[2], [2]], dtype=np.int64)
    exempt = np.zeros(2, dtype=np.bool_)
    indptr = np.zeros(5, dtype=np.int64)
    movable = np.ones(4, dtype=np.bool_)
    seed_random(0)
    swap_gains(x, sums, people, labels, 0, np.array([2, 3], dtype=np.int64))
    move_gain(x, sums, sq, people, size, 0, 0, 1)
    ptr, cands = projection_neighbours(x.copy(), np.arange(4, dtype=np.int64), 4, 1)
    order = np.arange(4, dtype=np.int64)
    for cand_ptr, cand in ((ints, ints), (ptr, cands)):
        descend_units(
            order, x, size, movable, labels, sums, sq, people, count, tally, avail, exempt,
            indptr, ints, cand_ptr, cand, 2, np.zeros(0), labels.copy(), (x * x)[:, 0],
            len(cand_ptr) == 0, np.ones(4, dtype=np.bool_), np.zeros(2, dtype=np.bool_),
        )  # fmt: skip
    random_swaps(
        1, 4, order, x, size, labels, sums, sq, count, tally, avail, exempt, indptr, ints,
        np.zeros(2, dtype=np.bool_),
    )  # fmt: skip
    repair_steps(
        1, x, size, movable, labels, sums, sq, count, tally, avail, exempt, indptr, ints,
        np.array([1, 0], dtype=np.int64),
    )  # fmt: skip
    place_units(
        order, size, avail, indptr, ints, exempt, np.array([2, 2], dtype=np.int64),
        np.full(4, -1, dtype=np.int64), np.ones((2, 1), dtype=np.bool_),
    )  # fmt: skip
    d = np.abs(x - x.T)
    pair_sizes = np.array([2, 2], dtype=np.int64)
    mt = np.ascontiguousarray(np.stack([d[:, :2].sum(axis=1), d[:, 2:].sum(axis=1)]))
    pair_value(d, labels, pair_sizes, True)
    pair_swap_gains(d, mt, labels, True, pair_sizes, 0)
    tenures = np.array([1, 2], dtype=np.int64)
    tabu_swap_steps(
        d, False, labels.copy(), pair_sizes, mt.copy(), 2, 0, tenures,
        np.zeros((4, 2), dtype=np.int64), np.zeros(4, dtype=np.int64), np.zeros((4, 4)),
        labels.copy(), 0.0,
    )  # fmt: skip
    tabu_move_steps(
        d, True, labels.copy(), pair_sizes.copy(), mt.copy(), np.array([1, 1], dtype=np.int64),
        np.array([3, 3], dtype=np.int64), 2, 0, tenures, np.zeros(4, dtype=np.int64),
        labels.copy(), 0.0,
    )  # fmt: skip
    return time.perf_counter() - started


# --- pair sums: the tabu search on M[i, g] = sum of d_ij over j in g -------------------------
#
# One state for both representations when every pair's distance fits in memory: a distance
# matrix as given (MDGPLIB), or people's squared Euclidean distances. The objective is
# sum_g w(n_g) D_g with D_g = the sum of d over the pairs in circle g and w(n) = 1 (MDGP) or
# 1/n (our size-neutral objective, = the within-circle sum of squares for features).


@njit(cache=True, nogil=True, inline="always")
def _weight(weighted, size):
    if weighted:
        return 1.0 / size if size > 0 else 0.0
    return 1.0


@njit(cache=True, nogil=True)
def pair_value(d, labels, sizes, weighted):
    """sum_g w(n_g) D_g from scratch (what the tabu loops carry along by their gains)."""
    k = len(sizes)
    per = np.zeros(k)
    n = len(labels)
    for i in range(n):
        for j in range(i + 1, n):
            if labels[i] == labels[j]:
                per[labels[i]] += d[i, j]
    total = 0.0
    for g in range(k):
        total += _weight(weighted, sizes[g]) * per[g]
    return total


@njit(cache=True, nogil=True, inline="always")
def _pair_swap_gain(d, mt, own, w, labels, r, c):
    """Gain of swapping r (circle a) and c (circle b): circle a loses r and gains c, so D_a
    changes by M[c, a] - M[r, a] - d_rc; b likewise; each weighted by its circle's w."""
    a = labels[r]
    b = labels[c]
    return w[a] * (mt[a, c] - own[r] - d[r, c]) + w[b] * (mt[b, r] - own[c] - d[r, c])


@njit(cache=True, nogil=True)
def pair_swap_gains(d, mt, labels, weighted, sizes, r):
    """Swap gains of r with every element (-inf in its own circle): the kernel the tests hold
    to a from-scratch recomputation of the objective."""
    n = len(labels)
    own = np.empty(n)
    for i in range(n):
        own[i] = mt[labels[i], i]
    w = np.empty(len(sizes))
    for g in range(len(sizes)):
        w[g] = _weight(weighted, sizes[g])
    out = np.full(n, -np.inf)
    for c in range(n):
        if labels[c] != labels[r]:
            out[c] = _pair_swap_gain(d, mt, own, w, labels, r, c)
    return out


@njit(cache=True, nogil=True)
def _row(d, mt, own, w, labels, forbid, step, r, out):
    """Row r of the swap-gain matrix: -inf where r may not join the other's circle or the
    other may not join r's (tabu returns; nobody may join their own circle)."""
    a = labels[r]
    for c in range(len(labels)):
        b = labels[c]
        if forbid[r, b] > step or forbid[c, a] > step:
            out[c] = -np.inf
        else:
            out[c] = _pair_swap_gain(d, mt, own, w, labels, r, c)


@njit(cache=True, nogil=True)
def tabu_swap_steps(
    d, weighted, labels, sizes, mt, steps, first, tenures, forbid, until, gains, best_labels, best
):
    """The tabu search when circle sizes stay as they are (swaps only), for `steps` steps
    numbered from `first` (the caller checks its deadline between calls and keeps `forbid`,
    `until` and `gains` between them; `first == 0` fills them).

    State: labels and M^T (`mt`, circles x elements). A swap of i (circle a) and j (circle b)
    changes M^T[a] and M^T[b] only, hence the swap gains only in the rows and columns of the
    elements now in a or b, which are recomputed (with those whose tenure just ended); each
    row's best entry is kept, so a step reads n row maxima. Tabu forbids a return: after the
    swap, i may not rejoin a and j may not rejoin b for the tenure (no aspiration).
    Returns (value of the current grouping, best value seen); `best_labels` holds the best."""
    n = len(labels)
    k = len(sizes)
    never = np.iinfo(np.int64).max
    w = np.empty(k)
    for g in range(k):
        w[g] = _weight(weighted, sizes[g])
    own = np.empty(n)
    for i in range(n):
        own[i] = mt[labels[i], i]
    value = 0.0
    for i in range(n):
        value += 0.5 * w[labels[i]] * own[i]
    if first == 0:
        for i in range(n):
            for g in range(k):
                forbid[i, g] = -1
            forbid[i, labels[i]] = never
            until[i] = -1
        for r in range(n):
            _row(d, mt, own, w, labels, forbid, -1, r, gains[r])
    row_arg = np.empty(n, dtype=np.int64)
    row_best = np.empty(n)
    for r in range(n):
        j = int(np.argmax(gains[r]))
        row_arg[r] = j
        row_best[r] = gains[r, j]
    touched = np.zeros(n, dtype=np.bool_)
    idx = np.empty(n, dtype=np.int64)
    for step in range(first, first + steps):
        i = int(np.argmax(row_best))
        gain = row_best[i]
        if gain == -np.inf:
            break
        j = row_arg[i]
        a = labels[i]
        b = labels[j]
        for e in range(n):
            delta = d[j, e] - d[i, e]
            mt[a, e] += delta
            mt[b, e] -= delta
        labels[i] = b
        labels[j] = a
        value += gain
        tenure = tenures[step % len(tenures)]
        until[i] = step + tenure
        until[j] = step + tenure
        forbid[i, a] = step + tenure
        forbid[j, b] = step + tenure
        forbid[i, b] = never
        forbid[j, a] = never
        m = 0
        for e in range(n):
            if labels[e] == a or labels[e] == b or until[e] == step:
                idx[m] = e
                m += 1
                touched[e] = True
        for t in range(m):
            e = idx[t]
            own[e] = mt[labels[e], e]
        for t in range(m):
            r = idx[t]
            _row(d, mt, own, w, labels, forbid, step, r, gains[r])
        for t in range(m):
            r = idx[t]
            for c in range(n):
                gains[c, r] = gains[r, c]
        # Row maxima: rows in idx are scanned again; others changed in the columns idx only.
        for r in range(n):
            if touched[r] or touched[row_arg[r]]:
                jj = int(np.argmax(gains[r]))
                row_arg[r] = jj
                row_best[r] = gains[r, jj]
            else:
                for t in range(m):
                    c = idx[t]
                    if gains[r, c] > row_best[r]:
                        row_best[r] = gains[r, c]
                        row_arg[r] = c
        for t in range(m):
            touched[idx[t]] = False
        if value > best + EPS:
            best = value
            best_labels[:] = labels
    return value, best


@njit(cache=True, nogil=True)
def tabu_move_steps(
    d, weighted, labels, sizes, mt, lower, upper, steps, first, tenures, until, best_labels, best
):
    """The tabu search with moves (circle sizes within their bounds) and swaps, `steps` steps
    from `first`: each step takes the best step whose elements are not tabu, even a worsening
    one, unless a tabu one beats the best grouping seen (aspiration); the elements it moved
    stay put for a random tenure. Every pair and every (element, circle) is scanned per step
    (O(n^2 + nk)); D_g and the weights follow the sizes. Returns (value, best value)."""
    n = len(labels)
    k = len(sizes)
    dsum = np.zeros(k)
    own = np.empty(n)
    for i in range(n):
        own[i] = mt[labels[i], i]
        dsum[labels[i]] += 0.5 * own[i]
    value = 0.0
    for g in range(k):
        value += _weight(weighted, sizes[g]) * dsum[g]
    w = np.empty(k)
    for step in range(first, first + steps):
        for g in range(k):
            w[g] = _weight(weighted, sizes[g])
        aspire = best - value + EPS
        s_gain = -np.inf
        si = -1
        sj = -1
        for r in range(n):
            r_free = until[r] <= step
            for c in range(r + 1, n):
                if labels[r] == labels[c]:
                    continue
                gain = _pair_swap_gain(d, mt, own, w, labels, r, c)
                if gain > s_gain and ((r_free and until[c] <= step) or gain > aspire):
                    s_gain = gain
                    si = r
                    sj = c
        m_gain = -np.inf
        mi = -1
        mb = -1
        for i in range(n):
            a = labels[i]
            if sizes[a] <= lower[a]:
                continue
            free = until[i] <= step
            wa_after = _weight(weighted, sizes[a] - 1)
            for g in range(k):
                if g == a or sizes[g] >= upper[g]:
                    continue
                gain = (
                    wa_after * (dsum[a] - own[i])
                    - w[a] * dsum[a]
                    + _weight(weighted, sizes[g] + 1) * (dsum[g] + mt[g, i])
                    - w[g] * dsum[g]
                )
                if gain > m_gain and (free or gain > aspire):
                    m_gain = gain
                    mi = i
                    mb = g
        if si < 0 and mi < 0:
            break
        tenure = tenures[step % len(tenures)]
        if mi >= 0 and m_gain >= s_gain:
            a = labels[mi]
            dsum[a] -= own[mi]
            dsum[mb] += mt[mb, mi]
            for e in range(n):
                mt[a, e] -= d[mi, e]
                mt[mb, e] += d[mi, e]
            sizes[a] -= 1
            sizes[mb] += 1
            labels[mi] = mb
            value += m_gain
            until[mi] = step + tenure
        else:
            a = labels[si]
            b = labels[sj]
            dsum[a] += mt[a, sj] - own[si] - d[si, sj]
            dsum[b] += mt[b, si] - own[sj] - d[si, sj]
            for e in range(n):
                delta = d[sj, e] - d[si, e]
                mt[a, e] += delta
                mt[b, e] -= delta
            labels[si] = b
            labels[sj] = a
            value += s_gain
            until[si] = step + tenure
            until[sj] = step + tenure
        for i in range(n):
            own[i] = mt[labels[i], i]
        if value > best + EPS:
            best = value
            best_labels[:] = labels
    return value, best
