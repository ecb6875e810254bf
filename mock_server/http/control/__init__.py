"""The emulator's own control API under ``/_mock``: the SMB user's side, QBO and the clock; the
tenant's state as a scenario, its request journal, its fault rules, its webhooks and its rate-limit quota.

Every call but health is scoped to the tenant of its Authorization header, like the public API.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from mock_server.http.control import faults, journal, rate_limit, state, webhooks
from mock_server.http.control import routes as _routes

routes: list[BaseRoute] = [
    *_routes.routes,
    *state.routes,
    *journal.routes,
    *faults.routes,
    *webhooks.routes,
    *rate_limit.routes,
]
