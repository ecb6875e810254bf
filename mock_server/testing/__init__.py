"""Test helpers for integrators.

- :mod:`mock_server.testing.client`: one tenant of a running emulator, driven over HTTP
  (what the ``bankfeeds_mock`` fixture of :mod:`mock_server.testing.pytest_plugin` hands a test).
- :mod:`mock_server.testing.strategies`: Hypothesis strategies for what a client writes to QBO
  bank feeds; it needs the ``testing`` extra (``pip install 'bankfeeds-mock[testing]'``).

Nothing is imported here, so that importing the package (as the pytest plugin does) stays cheap
and needs no Hypothesis.
"""

from __future__ import annotations

__all__: list[str] = []
