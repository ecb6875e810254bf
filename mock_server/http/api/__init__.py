"""The public Bank Feeds API, as Codat serves it: one module per resource, each with its routes."""

from __future__ import annotations

from starlette.routing import BaseRoute

from mock_server.http.api import (
    bank_accounts,
    companies,
    company_information,
    connections,
    managed_feeds,
    mapping,
    source_accounts,
    transactions,
)

routes: list[BaseRoute] = [
    *companies.routes,
    *connections.routes,
    *bank_accounts.routes,
    *source_accounts.routes,
    *mapping.routes,
    *company_information.routes,
    *transactions.routes,
    *managed_feeds.routes,
]
