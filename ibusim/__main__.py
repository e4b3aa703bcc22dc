"""``python -m ibusim``: the same as the ``ibusim`` command."""

import sys

from ibusim.cli import main

sys.exit(main())
