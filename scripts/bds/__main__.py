"""`python -m bds` runs the command line, as the `bds` script does."""

from .cli import main

raise SystemExit(main())
