"""``python -m dedupe``: the same as the ``dedupe`` command."""

import sys

from dedupe.cli import main

sys.exit(main())
