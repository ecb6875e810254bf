"""A scenario document into a tenant: its records, its clock, and the state derived from them.

:func:`import_into` adds the companies that :class:`.records.Importer` built (or nothing, with a
:class:`.problems.ScenarioError` listing every problem) and takes the document's clock; it then rebuilds
what the format leaves out because it follows from the facts: the queue of pushes still pending,
the accounts whose disconnection has not shown yet, the syncs still running, and an id stream that
does not repeat the loaded ids. Export, import and export again gives the same document.

Pure: no I/O and no clock reads; ``now`` for defaults is the tenant's virtual now.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson

from mock_server.core.clock import ClockOutOfRange
from mock_server.core.errors import ApiError
from mock_server.core.ids import IdFactory
from mock_server.core.model import ACCOUNT_CONNECTED, PENDING, SYNC_STARTED, Company
from mock_server.core.tenant import Tenant
from mock_server.core.webhooks import Outbox
from mock_server.devkit.scenarios.problems import ScenarioError
from mock_server.devkit.scenarios.records import Importer
from mock_server.devkit.scenarios.text import Document

#: The tenant a scenario file loads into when it names no ``apiKey``.
DEFAULT_API_KEY = "bankfeeds-mock"


def scenario_key(doc: Document) -> str:
    """The tenant a file loads into under ``--fixtures``."""
    key = doc.data.get("apiKey") if isinstance(doc.data, dict) else None
    return key if isinstance(key, str) and key else DEFAULT_API_KEY


def import_tenant(doc: Document, key: str, settings: Any) -> Tenant:
    """A new tenant holding exactly the document's state (already checked against the schema)."""
    tenant = Tenant.create(key, settings)
    import_into(tenant, doc)
    return tenant


def import_into(tenant: Tenant, doc: Document) -> None:
    """Add the document's companies to ``tenant`` and take its clock; ScenarioError and nothing
    changed when it contradicts itself or what the tenant holds (ids taken, clocks that differ)."""
    try:
        built = Importer(tenant, doc).build()
    except ClockOutOfRange as exc:  # an instant other than the clock's: no path to name
        raise ScenarioError(doc.source, [doc.problem((), str(exc))]) from None
    clock, next_poll, companies = built
    webhooks = _webhooks(tenant, doc)  # checked before anything changes
    if webhooks is not None:
        tenant.webhooks.adopt(webhooks)
    if clock is not None:
        tenant.clock = clock
    now = tenant.clock.now()
    for company in companies:
        tenant.companies[company.id] = company
    tenant.connections_changed()  # loaded companies may be linked: the rate limits count them
    if tenant.settings.poll_interval <= 0:
        tenant.next_poll = None  # polls on demand only, whatever the file says
    elif isinstance(next_poll, datetime):
        tenant.next_poll = next_poll
    elif clock is not None or next_poll is None:
        # No instant given (or a state saved where polls were on demand): this server's schedule.
        tenant.schedule_polls(now)
    _rebuild_queues(tenant, companies)
    # Ids drawn after a load must not repeat the loaded ones (a seeded tenant would draw the same
    # again): continue from a stream that depends on the seed, the tenant and what was loaded.
    digest = hashlib.sha256(orjson.dumps(doc.data, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    tenant.ids = IdFactory(tenant.settings.seed, f"{tenant.key}#{tenant.ids.hex(16)}{digest}")


def _webhooks(tenant: Tenant, doc: Document) -> Outbox | None:
    """The document's endpoints in an outbox of their own; None when it names none (the tenant
    keeps its own); ScenarioError for one the control API would refuse."""
    section = doc.data.get("webhooks") if isinstance(doc.data, dict) else None
    if not isinstance(section, dict):
        return None
    outbox = Outbox(IdFactory())
    outbox.adopt(tenant.webhooks, endpoints=False)  # new ids and secrets from the tenant's own stream
    now = tenant.clock.now()
    for index, item in enumerate(section.get("endpoints") or []):
        path = ("webhooks", "endpoints", index)
        try:
            endpoint = outbox.add_endpoint(
                item.get("url"), item.get("secret"), item.get("eventTypes"), now, endpoint_id=item.get("id")
            )
        except ApiError as exc:
            raise doc.fail(path, exc.message) from None
        endpoint.disabled = bool(item.get("disabled", False))
        failing = item.get("failingSince")
        endpoint.failing_since = Importer.instant(failing) if failing else None
    return outbox


def _rebuild_queues(tenant: Tenant, companies: list[Company]) -> None:
    for company in companies:
        for operation in company.push_operations.values():
            if operation.status == PENDING:
                # Looked at again straight away: complete_due works out when it really ends.
                tenant.schedule_push(operation, operation.requested)
        for connection in company.connections.values():
            for account in connection.accounts.values():
                if account.disconnected_at is not None and account.status == ACCOUNT_CONNECTED:
                    tenant.lagging.append(account)
        tenant.syncing.extend(sync for sync in company.syncs.values() if sync.status == SYNC_STARTED)
    tenant.syncing.sort(key=lambda sync: sync.started)
