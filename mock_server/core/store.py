"""Every tenant of one emulator, keyed by API key. Nothing here is global: each app has its own."""

from __future__ import annotations

from collections.abc import Iterator

from mock_server.core.model import Connection
from mock_server.core.tenant import Tenant
from mock_server.settings import Settings


class Store:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._tenants: dict[str, Tenant] = {}
        self._resets: dict[str, int] = {}

    def tenant(self, key: str) -> Tenant:
        """The tenant of this API key, created empty on first use."""
        tenant = self._tenants.get(key)
        if tenant is None:
            tenant = self._tenants[key] = Tenant.create(key, self.settings)
        return tenant

    def reset(self, key: str) -> Tenant:
        """Forget everything of one tenant (its clock starts again as configured).

        Its ids come from a new stream: under --seed the same as on every run, but never one the
        tenant already handed out before the reset, which a client may still hold.
        """
        generation = self._resets[key] = self._resets.get(key, 0) + 1
        tenant = self._tenants[key] = Tenant.create(key, self.settings, generation)
        return tenant

    def install(self, tenant: Tenant) -> None:
        """Put a tenant built elsewhere (a loaded scenario) in place of the one with its key."""
        self._tenants[tenant.key] = tenant

    def find_connections(self, company_id: str, connection_id: str) -> list[tuple[Tenant, Connection]]:
        """Every tenant's connection with these ids: the link pages carry no API key, only the ids
        and a one-time password, so they look the connection up here and check the password."""
        found = []
        for tenant in self:
            company = tenant.companies.get(company_id)
            connection = company.connections.get(connection_id) if company is not None else None
            if connection is not None:
                found.append((tenant, connection))
        return found

    def __iter__(self) -> Iterator[Tenant]:
        return iter(list(self._tenants.values()))
