"""Hypothesis profiles of the property suite, chosen by HYPOTHESIS_PROFILE (default ``ci``).

``ci`` keeps the whole of tests/properties/ within a couple of minutes on two cores and is what
``make test`` runs; ``thorough`` (``make test-thorough``, nightly) tries ten times as many
examples. Tests scale their own budgets from the loaded profile with ``budget.examples``.
Failing examples are saved in the Hypothesis database (.hypothesis/) and replayed first on the
next run; ``print_blob`` prints the ``@reproduce_failure`` line that replays one anywhere.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,  # a slow CI machine is not a failure; speed belongs in benchmarks
    print_blob=True,
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("ci"),
    max_examples=1000,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
