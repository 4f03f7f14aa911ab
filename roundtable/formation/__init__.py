"""Circle formation engine. PURE PYTHON + numpy: no Django import (import-linter checks).

Partitions people into circles that are each as diverse as possible (anticlustering, the
Maximally Diverse Grouping Problem). See `features` for how people become vectors and `engine`
for the objective and the search.
"""
