"""`python -m cctrace` runs the CLI."""

import sys

from cctrace.cli.main import main

sys.exit(main())
