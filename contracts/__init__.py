"""The contract kit: our OpenAPI documents, and tools that check any server against them.

``bankfeeds.openapi.yaml`` describes the public Bank Feeds API as the emulator serves it;
``control.openapi.yaml`` describes the emulator's own ``/_mock`` control API.

The kit (``python -m contracts run|drift``, see :mod:`contracts.cli`):

    runner.py    schemathesis against a server, every phase and check -> an Outcome
    outcome.py   what a run found, as plain data
    summary.py   the readable summary; junit.py the JUnit XML report
    local.py     a throw-away emulator for a run given no server
    drift.py     our document against Codat's, with drift-allow.yaml's reasons
    responses.py the response checker the test suite runs on every answer
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

PUBLIC_DOCUMENT = "bankfeeds.openapi.yaml"
CONTROL_DOCUMENT = "control.openapi.yaml"


def document(name: str = PUBLIC_DOCUMENT) -> Traversable:
    """One of the documents shipped with the package."""
    return files(__name__) / name


__all__ = ["CONTROL_DOCUMENT", "PUBLIC_DOCUMENT", "document"]
