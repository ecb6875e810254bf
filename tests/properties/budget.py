"""Example budgets that follow the loaded Hypothesis profile (see conftest.py)."""

from __future__ import annotations

from hypothesis import settings

CI_EXAMPLES = 100  # max_examples of the ci profile


def examples(under_ci: int) -> int:
    """``under_ci`` examples under the ci profile, scaled up in proportion under thorough."""
    return max(1, under_ci * settings().max_examples // CI_EXAMPLES)
