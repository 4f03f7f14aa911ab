"""Shared cases for the MDGP tests: random instances, with bounds n elements can always fill."""

import numpy as np
from hypothesis import strategies as st

from roundtable.formation import mdgp


def instance_of(n, groups, lower, upper, seed):
    rng = np.random.default_rng(seed)
    d = np.triu(rng.uniform(0, 100, size=(n, n)), 1)
    return mdgp.Instance("random", d + d.T, np.array(lower), np.array(upper))


@st.composite
def bounded(draw, sizes, group_counts):
    """(instance, rng): random distances and per-group bounds that n elements can always fill
    (every lower bound is below n / G, and the upper bounds are raised to cover n)."""
    n, groups, seed = draw(sizes), draw(group_counts), draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    lower = rng.integers(1, max(2, n // groups), groups)
    upper = lower + rng.integers(0, 4, groups)
    short = n - int(upper.sum())
    if short > 0:
        upper = upper + (short + groups - 1) // groups
    return instance_of(n, groups, lower, upper, seed), rng


def within_bounds(instance, labels):
    sizes = np.bincount(labels, minlength=instance.groups)
    return bool(((sizes >= instance.lower) & (sizes <= instance.upper)).all())
