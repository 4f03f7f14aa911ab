"""Circle formation engine. PURE PYTHON + numpy: no Django import (import-linter checks).

Partitions people into circles that are each as diverse as possible (anticlustering, the
Maximally Diverse Grouping Problem). The app and the benchmarks import from here: `form_circles`
and `assess` take a `Pool` of people by id and a `Request`, and return a `Result` of
`ProposedCircle`s. See `features` for how people become vectors and `engine` for the objective
and the search.
"""

from roundtable.formation.engine import FormationError, Infeasible
from roundtable.formation.features import Feature, split_tags
from roundtable.formation.pool import (
    Pool,
    ProposedCircle,
    Request,
    Result,
    assess,
    form_circles,
)

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
