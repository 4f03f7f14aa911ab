"""`python -m roundtable.formation.warm`: compile the formation kernels into numba's on-disk
cache (or load them from it), and say how long it took. `make setup` runs it."""

import sys

from roundtable.formation.kernels import warm

if __name__ == "__main__":
    sys.stdout.write(f"formation kernels ready in {warm():.1f} s\n")
