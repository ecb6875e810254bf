"""``python -m contracts run|drift``: see :mod:`contracts.cli`."""

from __future__ import annotations

import sys

from contracts.cli import main

sys.exit(main())
