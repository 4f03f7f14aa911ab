"""Circle formation engine. PURE PYTHON + numpy, with numba for the compiled inner loops
(`kernels`): no Django import (import-linter checks).

Partitions people into circles that are each as diverse as possible (anticlustering, the
Maximally Diverse Grouping Problem). The app and the benchmarks import from here: `form_circles`
and `assess` take a `Pool` of people by id and a `Request`, and return a `Result` of
`ProposedCircle`s. Inside: `features` turns people into vectors, `problem` states the problem
by index and its objective, `constraints` checks a grouping, `search` finds one (with `units`,
`state`, `placement`, `descent`, `bundles`, `tabu`, `kernels` and `diagnosis`), `pool`,
`grouping` and `proposal` work by id, `relaxations` finds what would make an impossible request
possible, `rebalance` improves published circles within a move budget, `mdgp` reads the
literature's benchmark problem and runs it through the same search (`tabu`), and `cli` is the
command line.

One search, two representations: people as weighted feature vectors (gains from circle sums,
O(N·d) memory) or a distance matrix (MDGPLIB). The objective is sum_g w(n_g) D_g, where D_g is
the sum of the distances of the pairs in circle g: w = 1 for the MDGP, w = 1/n_g for people
(with squared Euclidean distances that is the within-circle sum of squares W, the size-neutral
objective of `problem`); with equal sizes s the two coincide up to the factor 1/s.
"""

from roundtable.formation.features import Feature, split_tags
from roundtable.formation.grouping import assess, form_circles
from roundtable.formation.pool import Pool, Request
from roundtable.formation.problem import FormationError, Infeasible
from roundtable.formation.proposal import ProposedCircle, Result

__all__ = [
    "Feature",
    "FormationError",
    "Infeasible",
    "Pool",
    "ProposedCircle",
    "Request",
    "Result",
    "assess",
    "form_circles",
    "split_tags",
]
