"""bankfeeds-mock: a local emulator of Codat's Bank Feeds API for QuickBooks Online.

    from mock_server import create_app, Settings
    app = create_app(Settings(clock=datetime(2026, 3, 18, tzinfo=UTC)))

    from mock_server import BankFeedsMock
    with BankFeedsMock() as mock:   # a real server on a free loopback port, in a background thread
        mock.url
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mock_server.http.app import create_app
from mock_server.settings import Settings

if TYPE_CHECKING:
    from mock_server.devkit.server import BankFeedsMock

__all__ = ["BankFeedsMock", "Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # BankFeedsMock brings httpx (and, where click and rich are installed, httpx's own command
    # line): the server process has no use for them, so they load on first use only.
    if name == "BankFeedsMock":
        from mock_server.devkit.server import BankFeedsMock

        return BankFeedsMock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
