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

A GET of one company (no body) is answered as an :class:`Answer` (:meth:`FastRoutes.company_answer`)
that the middleware sends and journals itself, so the call pays for no wrapped ``send`` and no body
taps; and the answer, once encoded, is kept until the tenant changes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

import orjson
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.core.errors import ApiError
from mock_server.core.model import Company
from mock_server.core.pushes import write_records
from mock_server.core.qbo import settle
from mock_server.core.store import Store
from mock_server.core.tenant import Tenant
from mock_server.http import views
from mock_server.http.api.transactions import decode_batch, echo
from mock_server.http.web import check_operation_query, head_base_url, scope_api_key

#: A fast handler: the request, the app that serves it when the handler steps aside.
FastHandler = Callable[[Scope, Receive, Send, ASGIApp], Awaitable[None]]

_CONTENT_TYPE = (b"content-type", b"application/json")

#: Companies whose last GET answer is kept (a few hundred kilobytes at most).
KEPT_ANSWERS = 256


class Answer(NamedTuple):
    """A 200 with a JSON body, and its headers as Starlette's ``Response`` sets them."""

    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]

    @classmethod
    def of(cls, body: bytes) -> Answer:
        return cls(body, ((b"content-length", str(len(body)).encode("latin-1")), _CONTENT_TYPE))


class FastRoutes:
    """The direct handler of ``create-bank-transactions`` and the direct answer of ``get-company``."""

    def __init__(self, store: Store, routes: Iterable[BaseRoute]) -> None:
        self.store = store
        named = {route.name: route for route in routes if isinstance(route, Route)}
        self._push = named["create-bank-transactions"]
        self._company = named["get-company"]
        # Whether each operation takes a call without a query string (none requires a parameter
        # today): the document's answer never changes, so it is asked once, not on every call.
        self._plain = {name: _takes_no_query(name) for name in ("create-bank-transactions", "get-company")}
        #: The last answer sent per company: its tenant's change counter and the base URL it was for.
        self._answers: dict[Company, tuple[int, str, Answer]] = {}

    def pick(self, scope: Scope) -> FastHandler | None:
        """The handler for this request, or None: the app's router serves it.

        Matched with the routes' own patterns, so a path the fast path takes is one the router
        would hand to the same route (no earlier route matches either path in full).
        """
        if scope.get("query_string") or scope.get("root_path") or scope["method"] != "POST":
            return None
        found = self._push.path_regex.match(scope["path"])
        if found is None:
            return None
        scope["route"] = self._push
        scope["path_params"] = found.groupdict()
        return self._create_bank_transactions

    def _session(self, scope: Scope, operation_id: str) -> tuple[Tenant, datetime]:
        """What :func:`~mock_server.http.web.session` does: the tenant, settled to its clock's now."""
        tenant = self.store.tenant(scope_api_key(scope, self.store.settings))
        if not self._plain[operation_id]:
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

    def company_answer(self, scope: Scope, tenant: Tenant, now: datetime, host: bytes | None) -> Answer | None:
        """``get-company``'s plain success for this GET of ``tenant``'s at ``now`` (``host``: its
        Host header), or None when the router serves it (a query string, another path, an unknown
        company).

        What the handler does, without its request and response objects: the tenant settled to
        ``now``, the company's view.
        """
        if scope.get("query_string") or scope.get("root_path") or not self._plain["get-company"]:
            return None
        found = self._company.path_regex.match(scope["path"])
        if found is None:
            return None
        params = found.groupdict()
        scope["route"] = self._company
        scope["path_params"] = params
        settle(tenant, now)
        company = tenant.companies.get(params["companyId"])
        if company is None:
            return None  # the route words the 404
        return self._company_answer(tenant, company, head_base_url(scope, host))

    def _company_answer(self, tenant: Tenant, company: Company, base_url: str) -> Answer:
        """The company's view as JSON, encoded again only once something changed.

        The view reads nothing but the company, its connections and the base URL (no clock), and
        every change to a company or connection bumps :attr:`Tenant.changes`, as the list
        memory relies on too: a body encoded at the same count for the same base URL is the body
        of now.
        """
        kept = self._answers.get(company)
        if kept is not None and kept[0] == tenant.changes and kept[1] == base_url:
            return kept[2]
        answer = Answer.of(orjson.dumps(views.company(company, base_url)))
        if kept is None and len(self._answers) >= KEPT_ANSWERS:
            del self._answers[next(iter(self._answers))]  # the oldest goes (it may be a deleted company's)
        self._answers[company] = (tenant.changes, base_url, answer)
        return answer


def _takes_no_query(operation_id: str) -> bool:
    try:
        check_operation_query(operation_id, {})
    except ApiError:
        return False
    return True


async def _answer(send: Send, body: bytes) -> None:
    """A 200 with a JSON body, headers as Starlette's ``Response`` sets them, the body in one message."""
    await send({"type": "http.response.start", "status": 200, "headers": Answer.of(body).headers})
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
