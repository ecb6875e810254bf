"""What a list's ``query`` and ``orderBy`` chose, remembered until the tenant changes.

A filtered or sorted page has to read every stored record (``totalResults`` counts them all), so
in a tenant of 10,000 companies each such request reads 10,000 records. Clients page through the
same list with the same query, and poll it: the records a query and orderBy choose, in order,
depend only on the tenant's state and the request, so :class:`ListMemory` keeps them per tenant and
hands them back while the tenant's change counter (:attr:`Tenant.changes`, bumped by every change
to a company or connection) reads what it read when they were chosen. The page's views are still
built afresh from the records at each request.

Nothing here reads the clock: the company and connection views show nothing that moves with time
alone (an expired OTP is replaced by :meth:`Tenant.fresh_otp`, which counts as a change).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from starlette.requests import Request

from mock_server.core.tenant import Tenant

R = TypeVar("R")

#: Remembered choices per tenant; past this the oldest goes (each holds one reference per record).
PER_TENANT = 32

#: ``memo(key, choose)``: what ``choose()`` returns, or what it returned before for ``key`` while
#: nothing changed since.
Memo = Callable[[Hashable, Callable[[], Sequence[R]]], Sequence[R]]


class ListMemory:
    """Per tenant (held weakly: a reset tenant's memory goes with it), the lists chosen lately."""

    def __init__(self, per_tenant: int = PER_TENANT) -> None:
        self.per_tenant = per_tenant
        self._tenants: WeakKeyDictionary[Tenant, dict[Hashable, tuple[int, Sequence[Any]]]] = WeakKeyDictionary()

    def memo(self, tenant: Tenant, scope: Hashable) -> Memo[Any]:
        """A :data:`Memo` for one list of ``tenant``: ``scope`` names the list and everything
        besides the tenant's state its records depend on (a company, the base URL, a tags filter)."""

        def remembered(key: Hashable, choose: Callable[[], Sequence[Any]]) -> Sequence[Any]:
            return self._chosen(tenant, (scope, key), choose)

        return remembered

    def _chosen(self, tenant: Tenant, key: Hashable, choose: Callable[[], Sequence[R]]) -> Sequence[R]:
        entries = self._tenants.get(tenant)
        if entries is None:
            entries = self._tenants[tenant] = {}
        version = tenant.changes
        held = entries.get(key)
        if held is not None and held[0] == version:
            return held[1]
        chosen = choose()  # may raise (a malformed query): then nothing is remembered
        if held is not None or len(entries) >= self.per_tenant:
            for stale in [k for k, (v, _) in entries.items() if v != version]:
                del entries[stale]
            while len(entries) >= self.per_tenant:
                del entries[next(iter(entries))]
        entries[key] = (version, chosen)
        return chosen


def list_memo(request: Request, tenant: Tenant, *scope: Hashable) -> Memo[Any]:
    """The app's :class:`ListMemory` (``app.state.lists``) for one list of ``tenant``."""
    memory: ListMemory = request.app.state.lists
    return memory.memo(tenant, scope)
