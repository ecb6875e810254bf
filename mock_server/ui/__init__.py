"""The pages a person uses in a browser, server-rendered: no build step, no API key in a header.

- ``/link/{companyId}/{connectionId}?otp=...``  the Link UI at a connection's ``linkUrl``
  (:mod:`mock_server.ui.link`): review, get and revoke one-time credentials.
- ``/ui/qbo/...``  QuickBooks Online, simulated (:mod:`mock_server.ui.quickbooks`): Link account,
  Bank transactions with Update and Disconnect.
- ``/ui``  the developer's dashboard (:mod:`mock_server.ui.dashboard`): one tenant, chosen by
  its API key and kept in a cookie; its companies, connections, accounts, pushes and clock.

Every change a page makes goes through the same core functions as the API.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from mock_server.ui import dashboard, link, quickbooks
from mock_server.ui.memory import UiMemory
from mock_server.ui.shell import HERE

routes: list[BaseRoute] = [
    *dashboard.routes,
    *quickbooks.routes,
    *link.routes,
    Mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static"),
]

__all__ = ["UiMemory", "routes"]
