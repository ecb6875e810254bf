"""Every tenant of one emulator, keyed by API key. Nothing here is global: each app has its own."""

from __future__ import annotations

from collections.abc import Iterator

from mock_server.settings import Settings
from mock_server.tenant import Tenant


class Store:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._tenants: dict[str, Tenant] = {}

    def tenant(self, key: str) -> Tenant:
        """The tenant of this API key, created empty on first use."""
        tenant = self._tenants.get(key)
        if tenant is None:
            tenant = self._tenants[key] = Tenant.create(key, self.settings)
        return tenant

    def reset(self, key: str) -> Tenant:
        """Forget everything of one tenant (its clock starts again as configured)."""
        tenant = self._tenants[key] = Tenant.create(key, self.settings)
        return tenant

    def __iter__(self) -> Iterator[Tenant]:
        return iter(list(self._tenants.values()))
