"""``python -m rox``: the same as the ``rox`` command."""

import sys

from rox.cli import main

sys.exit(main())
