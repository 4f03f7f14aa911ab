"""The scale organisation (issue 16, item 7) for benchmarks: 10,000 members in 10 programs of 200
circles, two years of weekly or fortnightly meetings with attendance and feedback, ideas with
critiques and trials, commitments (some overdue, some escalated) and pulses, about 2.5 million
rows in all.

The services write one row at a time and would take hours at this size, so the builder makes the
rows directly and writes them with `bulk_create` in batches, its ids set ahead (a child points at
its parent without reading it back). Every row keeps the models' rules: the constraints hold, the
anonymous rows (feedback, pulse answers and their receipts) carry no member, no time finer than a
day and a random key, and the receipts are written in another order than the answers. The circles
are a mix, so that every at-risk flag occurs somewhere: see `CircleKind`."""

from roundtable.demo.scale.builder import scale_remove, scale_rows, scale_seed
from roundtable.demo.scale.shape import (
    AT_RISK,
    FIRST_KINDS,
    SCALE_DOMAIN,
    SCALE_LOGINS,
    SCALE_ORG_NAME,
    SCALE_ORG_SLUG,
    SCALE_PASSWORD,
    CircleKind,
    ScaleResult,
    ScaleSize,
)

__all__ = [
    "AT_RISK",
    "FIRST_KINDS",
    "SCALE_DOMAIN",
    "SCALE_LOGINS",
    "SCALE_ORG_NAME",
    "SCALE_ORG_SLUG",
    "SCALE_PASSWORD",
    "CircleKind",
    "ScaleResult",
    "ScaleSize",
    "scale_remove",
    "scale_rows",
    "scale_seed",
]
