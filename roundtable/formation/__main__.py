import sys

from roundtable.formation.cli import main

sys.exit(main())
