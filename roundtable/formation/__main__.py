"""`python -m roundtable.formation`: the command line (see `cli`)."""

import sys

from roundtable.formation.cli import main

sys.exit(main())
