"""The public Bank Feeds API, as Codat serves it: one module per resource, each with its routes."""

from __future__ import annotations

from starlette.routing import BaseRoute

from mock_server.api import companies, connections, source_accounts, transactions

routes: list[BaseRoute] = [
    *companies.routes,
    *connections.routes,
    *source_accounts.routes,
    *transactions.routes,
]
