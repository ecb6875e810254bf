"""The contract kit: our OpenAPI documents, and tools that check any server against them.

``bankfeeds.openapi.yaml`` describes the public Bank Feeds API as the emulator serves it;
``control.openapi.yaml`` describes the emulator's own ``/_mock`` control API.
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
