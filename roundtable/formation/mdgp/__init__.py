"""The Maximally Diverse Grouping Problem on a distance matrix, as the literature defines it
(MDGPLIB: Gallego, Laguna, Martí and Duarte 2011): put n elements in G groups, each group's
size within its own bounds [a_g, b_g], maximising the sum over groups of the distances of all
pairs inside the group. The app's own problem (features, constraints) is in `search`; this package
reads and solves the benchmark instances so the search can be compared with published methods.

Search (our own, after the ideas of iterated tabu search, iterated maxima search and memetic
search with group-based crossover from the MDGP literature):

- state: the labels, the group sizes and M[i, g] = Σ_{j in g} d_ij (n x G), kept up to date
  after every change in O(n) per element moved; the objective is never recomputed from scratch
  during the search, only carried along by the gains;
- neighbourhoods: move one element to another group within the bounds (gain M[i,b] - M[i,a])
  and swap two elements of different groups (gain M[i,b] - M[i,a] + M[j,a] - M[j,b] - 2 d_ij);
- the n x n matrix of swap gains is kept too: a swap or move between groups a and b changes
  only the rows and columns of the elements now in a or b (every other gain reads M only in
  columns other than a and b), so a step rewrites about 2n/G rows and columns instead of n^2
  entries; each row's best entry is kept as well, so finding the best swap reads n maxima
  (rows whose best column was rewritten are scanned again);
- tabu search: each step takes the best exchange whose elements are not tabu, even a worsening
  one, unless a tabu one beats the best grouping of the round (aspiration, checked only for
  tabu elements whose bound on their gains could); tabu elements' rows and columns hold -inf
  in the matrix, restored when their random tenure ends (3-7 steps up to n = 150, about
  n/30 - n/11 beyond: tuned on MDGPLIB; twice as long was four times worse at n = 240);
- equal bounds (every `ss` file): only swaps are possible, and a leaner loop runs them, in
  which tabu forbids an element's return to the group it left rather than the element itself,
  with no aspiration (see `TabuSearch.tabu_swaps`);
- iterated: each round starts from the best grouping kicked by a few random swaps and moves,
  or from a group-based crossover of two elite groupings (groups taken alternately from the
  two parents, the richest first; the rest placed greedily within the bounds); the elite pool
  (6 distinct groupings) is first filled from fresh random starts;
- group sizes: for `ds` instances the size profile is most of the objective and single moves
  rarely change it a lot (Σ s_g (s_g - 1) / 2 is convex), so starts use a profile with the
  most pairs, found by a small dynamic program over the groups; and nine rounds in ten keep the
  profile they start from and run the swap-only loop (random starts, crossovers and the other
  rounds, whose tabu search also moves elements, change it). On MDGPLIB's n = 240 `ds` files
  at 20 s this cut the mean gap to best_known_here from about 0.15 % to 0.0-0.05 % (2 seeds),
  and at n = 120 (3 s) from 0.10 % to -0.02 %: the moves mostly visit profiles with fewer
  pairs, at twice the cost of a swap-only step.

Memory: four n x n float64 matrices (distances, -2 d, -2 d with -inf inside groups, swap
gains; 7 MB at n = 480) plus O(n·G). Python overhead is a few dozen numpy calls per step:
measured here (3,000 steps from a random start), a swap-only step costs about 50 us at
n = 120, 85 us at n = 240 and 300 us at n = 480; a step with moves about 160 us at n = 240.
"""

from roundtable.formation.mdgp.instance import (
    Instance,
    Solution,
    best_profile,
    read,
    within_group_sum,
)
from roundtable.formation.mdgp.search import TabuSearch, tenure_range
from roundtable.formation.mdgp.solve import crossover, solve

__all__ = [
    "Instance",
    "Solution",
    "TabuSearch",
    "best_profile",
    "crossover",
    "read",
    "solve",
    "tenure_range",
    "within_group_sum",
]
