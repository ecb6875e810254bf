"""Test helpers for integrators: Hypothesis strategies for what a client writes to QBO bank feeds.

``from mock_server.testing import strategies`` needs the ``testing`` extra
(``pip install 'bankfeeds-mock[testing]'``), which brings Hypothesis. See
:mod:`mock_server.testing.strategies`.
"""

from __future__ import annotations

__all__: list[str] = []
