"""Webhooks in the shell: bodies rendered in the API's shapes, and the sender that delivers them.

Core transitions raise events into each tenant's outbox (:mod:`mock_server.core.webhooks`) as
plain data: copies of the records involved, taken when it happened. Bodies are rendered here rather
than in the core because they are the API's own views (a connection as ``GET`` answers it, its
``linkUrl`` pointing at the address the emulator is reached at), which live in
:mod:`mock_server.http.views`; the copies make rendering a moment later show the same thing.

:class:`WebhookHub` runs in the app's lifespan: it wakes after every request (and on its own a few
times a second, for clocks that follow real time), renders new events, and starts one task per due
attempt, so a receiver that hangs holds up only its own attempt (at most ``webhook_timeout``
seconds) and never the API call that raised the event, nor the other receivers. An exception for
one tenant is logged and the loop goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from typing import TYPE_CHECKING, Any

import orjson

from mock_server.core.clock import format_utc
from mock_server.core.model import BANK_ACCOUNTS, SUCCESS, Company
from mock_server.core.store import Store
from mock_server.core.tenant import Tenant
from mock_server.core.webhooks import Event, Message, headers
from mock_server.http import views
from mock_server.settings import Settings

if TYPE_CHECKING:
    import httpx

#: Longest wait between two looks at the outboxes when nothing wakes the sender, in real seconds.
LOOK_SECONDS = 0.25

logger = logging.getLogger("mock_server.webhooks")


def reference_company(company: Company | None, company_id: str | None, base_url: str) -> dict[str, Any]:
    """Codat's ``referenceCompany``: the company in short, with a link to it (our dashboard)."""
    # name and description are typed as a bare $ref upstream: strings when present, never null.
    if company is None:
        return {"id": company_id, "links": {"portal": f"{base_url}/ui"}, "tags": {}}
    reference: dict[str, Any] = {"id": company.id, "name": company.name}
    if company.description is not None:
        reference["description"] = company.description
    reference.update({"links": {"portal": f"{base_url}/ui"}, "tags": dict(company.tags)})
    return reference


def payload(event: Event, base_url: str) -> dict[str, Any]:
    """The event's ``payload``, in the shape the document gives its event type."""
    if event.payload is not None:
        return dict(event.payload)
    company_id = event.company.id if event.company else None
    if event.operation is not None:
        operation = event.operation
        record: dict[str, Any] | None = {"id": operation.account_id}
        if operation.data_type == BANK_ACCOUNTS:
            # The record a bankAccounts write creates is the QBO account, which exists once it succeeded.
            created = operation.created_account
            record = {"id": created.id} if created is not None and operation.status == SUCCESS else None
        return {
            "id": operation.key,
            "type": "Create",
            "referenceCompany": reference_company(event.company, operation.company_id, base_url),
            "connectionId": operation.connection_id,
            "requestedOnDate": format_utc(operation.requested),
            "completedOnDate": format_utc(operation.completed) if operation.completed else None,
            "status": operation.status,
            "record": record,
            "attachmentId": None,
        }
    if event.account is not None and event.connection is not None:
        return {
            "referenceCompany": reference_company(event.company, event.connection.company_id, base_url),
            "companyId": event.connection.company_id,
            "connectionId": event.connection.id,
            "sourceAccount": views.source_account(event.account),
        }
    if event.connection is not None:
        return {
            "referenceCompany": reference_company(event.company, event.connection.company_id, base_url),
            "connection": views.connection(event.connection, base_url),
        }
    return {"referenceCompany": reference_company(event.company, company_id, base_url)}


def envelope(event: Event, base_url: str) -> dict[str, Any]:
    """The whole body: ``id``, ``eventType``, ``generatedDate`` (virtual time) and ``payload``."""
    return {
        "id": event.id,
        "eventType": event.event_type,
        "generatedDate": format_utc(event.generated),
        "payload": payload(event, base_url),
    }


class WebhookHub:
    """Renders and sends every tenant's webhooks; one per app, started by its lifespan."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        #: Where the emulator is reached, for links in bodies: the first request tells.
        self.base_url = f"http://{settings.host}:{settings.port}"
        self._base_url_known = False
        self._wake: asyncio.Event | None = None
        self._attempts: set[asyncio.Task[None]] = set()
        #: Open once any tenant has an endpoint; until then there is nothing to send.
        self._client: httpx.AsyncClient | None = None

    def reached_at(self, base_url: str) -> None:
        if not self._base_url_known:
            self.base_url, self._base_url_known = base_url, True

    def wake(self, *, unless_idle: bool = False) -> None:
        """Look at the outboxes soon: a request may have raised events or moved a clock.

        ``unless_idle``: not while no tenant has an endpoint (the sender looks on its own a few
        times a second); the public API's calls pass it, as they cannot register one.
        """
        if self._wake is not None and (self._client is not None or not unless_idle):
            self._wake.set()

    def drain(self, tenant: Tenant) -> None:
        """Render the tenant's new events into messages (cheap; called by the control API too)."""
        outbox = tenant.webhooks
        for event in outbox.take_events():
            outbox.publish(event, orjson.dumps(envelope(event, self.base_url)))

    async def run(self) -> None:
        """Deliver until cancelled (the app's lifespan ends)."""
        self._wake = asyncio.Event()
        # The HTTP client (httpx: some 10 MB and a fifth of a second to import) opens with the first
        # endpoint any tenant registers, imported off the event loop: an emulator nobody asks for
        # webhooks never pays for it, and the call that registers one does not wait for it.
        try:
            while True:
                if self._client is None and any(tenant.webhooks.endpoints for tenant in self.store):
                    self._client = await _open_client()
                if self._client is not None:
                    self.dispatch(self._client)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), LOOK_SECONDS)
                self._wake.clear()
        finally:
            for task in list(self._attempts):
                task.cancel()
            await asyncio.gather(*self._attempts, return_exceptions=True)
            if self._client is not None:
                await self._client.aclose()
                self._client = None

    def dispatch(self, client: httpx.AsyncClient) -> None:
        """Start an attempt for every message due on its tenant's clock."""
        for tenant in self.store:
            if not tenant.webhooks.endpoints:
                continue
            try:
                self.drain(tenant)
                for message in tenant.webhooks.due(tenant.clock.now()):
                    task = asyncio.create_task(self._attempt(client, tenant, message))
                    self._attempts.add(task)
                    task.add_done_callback(self._attempts.discard)
            except Exception:
                logger.exception("webhooks of tenant %r: delivery round failed; trying again", tenant.key)

    async def _attempt(self, client: httpx.AsyncClient, tenant: Tenant, message: Message) -> None:
        import httpx  # imported by _open_client before any attempt: a lookup in sys.modules

        timeout = self.settings.webhook_timeout
        # Real wall-clock seconds, so a receiver's tolerance check passes whatever the virtual time.
        timestamp = int(self.settings.time_source())
        status: int | None = None
        error: str | None = None
        try:
            sent = headers(message.endpoint.secret, message.id, timestamp, message.body)
            sent["user-agent"] = "bankfeeds-mock-webhooks"
            async with asyncio.timeout(timeout):
                response = await client.post(message.endpoint.url, content=message.body, headers=sent, timeout=timeout)
            status = response.status_code
        except (TimeoutError, httpx.TimeoutException):
            error = f"No answer within {timeout:g} s."
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except Exception as exc:  # a bug of ours must not lose the attempt's outcome
            logger.exception("webhook attempt of message %s failed unexpectedly", message.id)
            error = f"Internal error in the emulator: {type(exc).__name__}: {exc}"
        try:
            tenant.webhooks.record(message, tenant.clock.now(), timestamp, status, error)
        except Exception:
            logger.exception("webhook attempt of message %s could not be recorded", message.id)


async def _open_client() -> httpx.AsyncClient:
    module = await asyncio.to_thread(importlib.import_module, "httpx")
    limits = module.Limits(max_connections=None, max_keepalive_connections=20)
    # trust_env=False: receivers are reached directly, never through a proxy of the environment.
    client: httpx.AsyncClient = module.AsyncClient(limits=limits, trust_env=False, follow_redirects=False)
    return client
