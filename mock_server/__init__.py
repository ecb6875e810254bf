"""bankfeeds-mock: a local emulator of Codat's Bank Feeds API for QuickBooks Online.

    from mock_server import create_app, Settings
    app = create_app(Settings(clock=datetime(2026, 3, 18, tzinfo=UTC)))
"""

from __future__ import annotations

from mock_server.app import create_app
from mock_server.settings import Settings

__all__ = ["Settings", "create_app"]
