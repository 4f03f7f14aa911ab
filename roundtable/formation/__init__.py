"""Circle formation engine. PURE PYTHON + numpy: no Django import (import-linter checks).

Partitions people into circles that are each as diverse as possible (anticlustering, the
Maximally Diverse Grouping Problem). The app and the benchmarks import from here: `form_circles`
and `assess` take a `Pool` of people by id and a `Request`, and return a `Result` of
`ProposedCircle`s. Inside: `features` turns people into vectors, `problem` states the problem
by index and its objective, `constraints` checks a grouping, `search` finds one (with `units`,
`state`, `placement`, `descent`, `bundles` and `diagnosis`), `pool`, `grouping` and `proposal`
work by id, `mdgp` solves the literature's benchmark problem and `cli` is the command line.
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
