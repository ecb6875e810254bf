"""The emulator's own control API under ``/_mock``: the SMB user's side, QBO and the clock.

Every call but health is scoped to the tenant of its Authorization header, like the public API.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from mock_server.control import routes as _routes

routes: list[BaseRoute] = list(_routes.routes)
