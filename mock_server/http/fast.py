"""The calls that carry the volume, answered straight from the ASGI scope.

A test run's pushes of 1000 transactions and its GETs of one company are most of its traffic. On
them, Starlette's router (one regex per route until one matches), its ``Request`` and ``Response``
objects and the handler's plumbing cost about as much as the work itself. :class:`FastRoutes`
recognises these two calls on their common path and answers them with the same core functions the
ordinary handlers call (:func:`~mock_server.core.pushes.write_records`,
:func:`~mock_server.http.views.company`), so the answer is the same, byte for byte.

It steps aside, and the ordinary route serves the call from the body as it was read (replayed),
whenever the answer would not be the plain success: a query string, an unknown company or account,
a body past the size limit, a batch that is not plainly well-typed or that the rules are not sure
of. :class:`~mock_server.http.middleware.RequestMiddleware` asks it only once rate limits admitted
the call, with no fault rule picked and no ``Idempotency-Key`` sent, so the journal, the log line,
the rate-limit headers and the webhooks' wake-up apply to it as to every call.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime

import orjson
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.core.errors import ApiError
from mock_server.core.pushes import write_records
from mock_server.core.qbo import settle
from mock_server.core.store import Store
from mock_server.core.tenant import Tenant
from mock_server.http import views
from mock_server.http.api.transactions import decode_batch, echo
from mock_server.http.draining import may_have_body
from mock_server.http.web import check_operation_query, scope_api_key, scope_base_url

#: A fast handler: the request, the app that serves it when the handler steps aside.
FastHandler = Callable[[Scope, Receive, Send, ASGIApp], Awaitable[None]]

_JSON = b"application/json"


class FastRoutes:
    """The direct handlers of ``create-bank-transactions`` and ``get-company``."""

    def __init__(self, store: Store, routes: Iterable[BaseRoute]) -> None:
        self.store = store
        named = {route.name: route for route in routes if isinstance(route, Route)}
        self._push = named["create-bank-transactions"]
        self._company = named["get-company"]

    def pick(self, scope: Scope) -> FastHandler | None:
        """The handler for this request, or None: the app's router serves it.

        Matched with the routes' own patterns, so a path the fast path takes is one the router
        would hand to the same route (no earlier route matches either path in full).
        """
        if scope.get("query_string") or scope.get("root_path"):
            return None
        method = scope["method"]
        if method == "POST":
            route, handler = self._push, self._create_bank_transactions
        elif method == "GET":
            route, handler = self._company, self._get_company
        else:
            return None
        found = route.path_regex.match(scope["path"])
        if found is None:
            return None
        scope["route"] = route
        scope["path_params"] = found.groupdict()
        return handler

    def _session(self, scope: Scope, operation_id: str) -> tuple[Tenant, datetime]:
        """What :func:`~mock_server.http.web.session` does: the tenant, settled to its clock's now."""
        tenant = self.store.tenant(scope_api_key(scope, self.store.settings))
        check_operation_query(operation_id, {})
        now = tenant.clock.now()
        settle(tenant, now)
        return tenant, now

    async def _create_bank_transactions(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        messages, data = await _read_body(receive, self.store.settings.max_body_bytes)
        if data is not None:
            batch = decode_batch(data)
            if batch is not None:
                params = scope["path_params"]
                try:
                    tenant, now = self._session(scope, "create-bank-transactions")
                    # No query string: no timeoutInMinutes.
                    operation = write_records(
                        tenant,
                        params["companyId"],
                        params["connectionId"],
                        params["accountId"],
                        batch,
                        data,
                        None,
                        now,
                    )
                except ApiError:
                    operation = None  # changed nothing: the route words the refusal
                if operation is not None:
                    await _answer(send, echo(operation, data))
                    return
        await app(scope, _replaying(messages, receive), send)

    async def _get_company(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        if may_have_body(scope):
            await app(scope, receive, send)
            return
        try:
            tenant, _ = self._session(scope, "get-company")
            company = tenant.company(scope["path_params"]["companyId"])
        except ApiError:
            await app(scope, receive, send)
            return
        await _answer(send, orjson.dumps(views.company(company, scope_base_url(scope))))


async def _answer(send: Send, body: bytes) -> None:
    """A 200 with a JSON body, headers as Starlette's ``Response`` sets them, the body in one message."""
    headers = [(b"content-length", str(len(body)).encode("latin-1")), (b"content-type", _JSON)]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bytes | None]:
    """The messages read, and the whole body; None for the body when it passes ``limit`` bytes or
    the client went away (the route then answers as it always does)."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return messages, None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return messages, chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _replaying(messages: Sequence[Message], receive: Receive) -> Receive:
    """``receive`` as if nothing had been read from it yet."""
    pending = deque(messages)

    async def replay() -> Message:
        return pending.popleft() if pending else await receive()

    return replay
