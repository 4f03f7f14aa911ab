"""The Maximally Diverse Grouping Problem on a distance matrix, as the literature defines it
(MDGPLIB: Gallego, Laguna, Martí and Duarte 2011): put n elements in G groups, each group's
size within its own bounds [a_g, b_g], maximising the sum over groups of the distances of all
pairs inside the group. The app's own problem (features, constraints) is in `search`; this package
reads and solves the benchmark instances so the search can be compared with published methods.

The search is the engine's own (`formation.tabu`: an iterated tabu search with kicks and
group-based crossover of elite groupings, compiled steps in `formation.kernels`), run on the
distance matrix with the per-circle weight 1; the app runs the same search on people's squared
distances with the weight 1/size. `solve` here only adapts an instance to it.
"""

from roundtable.formation.mdgp.instance import Instance, Solution, read, within_group_sum
from roundtable.formation.mdgp.solve import as_pair_problem, solve
from roundtable.formation.tabu import best_profile

__all__ = [
    "Instance",
    "Solution",
    "as_pair_problem",
    "best_profile",
    "read",
    "solve",
    "within_group_sum",
]
