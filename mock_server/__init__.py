"""bankfeeds-mock: a local emulator of Codat's Bank Feeds API for QuickBooks Online.

    from mock_server import create_app, Settings
    app = create_app(Settings(clock=datetime(2026, 3, 18, tzinfo=UTC)))

    from mock_server import BankFeedsMock
    with BankFeedsMock() as mock:   # a real server on a free loopback port, in a background thread
        mock.url
"""

from __future__ import annotations

from mock_server.app import create_app
from mock_server.server import BankFeedsMock
from mock_server.settings import Settings

__all__ = ["BankFeedsMock", "Settings", "create_app"]
