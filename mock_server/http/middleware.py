"""What happens around every request: a correlation id, rate limits, injected faults, idempotency
keys, the journal, a log line.

:class:`RequestMiddleware` is a plain ASGI middleware (no per-request objects beyond a few small
closures): it names the request's correlation id before the app runs, so the log line, the journal
entry and any error body carry the same one. On the public API, in this order: Codat's rate limits
admit the call or answer 429 (:mod:`mock_server.http.rate_limits`), the tenant's fault rules may answer
instead of the app, and a POST or PATCH with an ``Idempotency-Key`` runs once and is replayed
after; every call is recorded in the tenant's journal with bounded bodies. :class:`DevKit` holds
those per-tenant journals and fault plans, beside the store.

The commonest call, a GET of one company, is answered here from
:meth:`~mock_server.http.fast.FastRoutes.company_answer`: sent as two messages and journaled from
the bytes sent, with no closure, tap or wrapped ``send``. Every other call runs through taps that
see what passes. A request that announces no body comes straight from the app
(:class:`~mock_server.http.app.Emulator`) rather than from behind Starlette's error middleware.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from datetime import datetime

from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.core.errors import ApiError
from mock_server.core.ids import IdFactory
from mock_server.core.quotas import Admission, Quota
from mock_server.core.store import Store
from mock_server.core.tenant import Tenant
from mock_server.devkit.faults import FaultPlan, FaultRule
from mock_server.devkit.journal import NO_BODY, Body, BodyTap, Entry, Journal
from mock_server.http.fast import FastRoutes
from mock_server.http.limits import HEAD_KEY, Head, read_head
from mock_server.http.rate_limits import (
    Limits,
    is_public,
    rate_limit_headers,
    run_idempotent,
    too_many_requests,
    wants_idempotency,
)
from mock_server.http.web import error_response, head_base_url, known_api_key, scope_api_key
from mock_server.http.webhooks import WebhookHub
from mock_server.logs import log_request
from mock_server.settings import Settings

_REPEATED_SLASHES = re.compile(r"/{2,}")

#: Paths of the emulator's own control API: never journaled, never faulted.
CONTROL_PREFIX = "/_mock"


class DevKit:
    """Per-tenant journals and fault plans of one app, and its correlation ids."""

    def __init__(self, settings: Settings) -> None:
        self.seed = settings.seed
        self._journals: dict[str, Journal] = {}
        self._faults: dict[str, FaultPlan] = {}
        self._correlation: dict[str, IdFactory] = {}
        # Correlation ids need to be unique, not secret: a seeded PRNG spares a system call
        # (uuid4 reads os.urandom) on every request.
        self._unseeded = random.Random()

    def journal(self, key: str) -> Journal:
        journal = self._journals.get(key)
        if journal is None:
            journal = self._journals[key] = Journal()
        return journal

    def faults(self, key: str) -> FaultPlan:
        plan = self._faults.get(key)
        if plan is None:
            # Under --seed, which calls a probabilistic rule hits is the same on every run.
            rng = random.Random(f"{self.seed}:faults:{key}") if self.seed is not None else random.Random()
            plan = self._faults[key] = FaultPlan(rng)
        return plan

    def live_faults(self, key: str) -> FaultPlan | None:
        plan = self._faults.get(key)
        return plan if plan else None

    def forget(self, key: str) -> None:
        """A reset tenant starts with an empty journal and no fault rules."""
        self._journals.pop(key, None)
        self._faults.pop(key, None)

    def correlation_id(self, key: str | None) -> str:
        if self.seed is None:
            # The same 32 hex digits as f"{bits:032x}", in half the time.
            return self._unseeded.getrandbits(128).to_bytes(16, "big").hex()
        ids = self._correlation.get(key or "")
        if ids is None:
            ids = self._correlation[key or ""] = IdFactory(self.seed, f"{key or ''}:correlation")
        return ids.hex()


def devkit_of(request: Request) -> DevKit:
    devkit: DevKit = request.app.state.devkit
    return devkit


def _tenant_key(scope: Scope, settings: Settings) -> str | None:
    try:
        return scope_api_key(scope, settings)
    except ApiError:
        return None  # the app answers 401 itself; such a call belongs to no tenant


def _served_by(route: object, method: str) -> Route | None:
    """The route that ran the request; None for an unknown path or a method it does not take (405)."""
    if isinstance(route, Route) and route.methods is not None and method in route.methods:
        return route
    return None


class RequestMiddleware:
    """Correlation id, rate limits, faults, idempotency, journal and log line for every HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: Store,
        devkit: DevKit,
        limits: Limits,
        routes: Sequence[BaseRoute],
        webhooks: WebhookHub,
    ) -> None:
        self.app = app
        self.store = store
        self.devkit = devkit
        self.limits = limits
        self.routes = routes
        self.webhooks = webhooks
        self.fast = FastRoutes(store, routes)
        self._reached = False

    def _route(self, scope: Scope) -> Route | None:
        # Only faults need the route before routing, and only for tenants that have rules.
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return _served_by(route, scope["method"])
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send, head: Head | None = None) -> None:
        """Serve one request. ``head``: given when the app calls it directly, with the pass it made
        over the headers, for a request the bounds admit that announces no body (nothing for
        :class:`~mock_server.http.draining.DrainBody` to do), rather than from behind Starlette's
        ``ServerErrorMiddleware``: it then answers a bug's 500 itself, once its line and journal
        entry are written, and raises on, as that middleware would."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        method: str = scope["method"]
        outermost = head is not None
        # Refused before anything reads the request: oversized or repeated headers, an encoded slash.
        if head is None:
            head = scope.pop(HEAD_KEY, None) or read_head(scope)
        refused = head.refusal
        if refused is None:
            if not self._reached:
                # Webhook bodies link back to the emulator where its first (well-formed) caller reached it.
                self.webhooks.reached_at(head_base_url(scope, head.host))
                self._reached = True
            if "//" in scope["path"]:
                # The SDK given a server_url ending in "/" asks for //companies/...: serve it as meant.
                scope["path"] = _REPEATED_SLASHES.sub("/", scope["path"])
            key = known_api_key(scope, self.store.settings, head.authorization)
        else:
            key = _tenant_key(scope, self.store.settings)  # the pass stopped at the refusal
        path: str = scope["path"]
        correlation_id = self.devkit.correlation_id(key)
        # web.correlation_id(request) reads it from here: the error body and our line agree.
        scope.setdefault("state", {})["correlation_id"] = correlation_id

        # A call with a key outside the control API has a journal entry, and its tenant (made on
        # first use); a call the input bounds refused (400 before anything read it) counts nothing.
        journal: Journal | None = None
        tenant: Tenant | None = None
        at: datetime | None = None
        public = False
        if key is not None and not path.startswith(CONTROL_PREFIX):
            journal = self.devkit.journal(key)
            tenant = self.store.tenant(key)
            at = tenant.clock.now()
            public = refused is None and is_public(path)
        quota: Quota | None = None
        admission: Admission | None = None
        limit_headers: tuple[tuple[bytes, bytes], ...] | None = None
        if public and tenant is not None and at is not None and self.limits.enabled:
            quota, admission = self.limits.admit(tenant, path, at)
            limit_headers = rate_limit_headers(admission.allowance)

        rule: FaultRule | None = None
        error: ApiError | None = refused
        route: Route | None = None
        if admission is not None and not admission.admitted:
            error = too_many_requests(admission)
            route = self._route(scope)
        elif journal is not None and key is not None and refused is None:
            plan = self.devkit.live_faults(key)
            if plan is not None:
                route = self._route(scope)
                rule = plan.pick(route.name if route is not None else None, method, path)

        status = 500  # what the client gets if the app raises: ServerErrorMiddleware answers it
        answered = False  # whether the answer's start went out
        response_headers: Sequence[tuple[bytes, bytes]] = ()
        # The journal's bodies: known whole on the direct answer, else collected as they pass.
        request_body: Body | None = None
        response_body: Body | None = None
        request_tap: BodyTap | None = None
        response_tap: BodyTap | None = None
        try:
            try:
                if error is None and rule is not None:
                    error = rule.error()
                    if error is not None and rule.latency_ms:
                        await asyncio.sleep(rule.latency_ms / 1000)
                answer = (
                    self.fast.company_answer(scope, tenant, at, head.host)
                    if public
                    and tenant is not None
                    and at is not None
                    and error is None
                    and rule is None
                    and method == "GET"
                    and not head.announces_body
                    else None
                )
                if answer is not None:
                    # The commonest call, answered here: nothing reads its (empty) body, nothing wraps send.
                    body, headers = answer
                    if limit_headers is not None:
                        headers = (*headers, *limit_headers)
                    status, response_headers, answered = 200, headers, True
                    if journal is not None:
                        request_body = NO_BODY
                        response_body = Body(body[: journal.body_limit], len(body))
                    await send({"type": "http.response.start", "status": 200, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                else:
                    if journal is not None:
                        request_tap, response_tap = BodyTap(journal.body_limit), BodyTap(journal.body_limit)
                    app_receive = receive if request_tap is None else _tapped(receive, request_tap)

                    async def tapped_send(message: Message) -> None:
                        nonlocal status, response_headers, answered
                        if message["type"] == "http.response.start":
                            if limit_headers is not None:
                                message = {**message, "headers": [*message.get("headers", ()), *limit_headers]}
                            status, answered = message["status"], True
                            response_headers = message.get("headers", ())
                        elif response_tap is not None and message["type"] == "http.response.body":
                            response_tap.feed(message.get("body", b""))
                        await send(message)

                    await self._serve(scope, app_receive, tapped_send, key, public, error, rule)
            finally:
                if quota is not None and admission is not None and admission.admitted:
                    quota.release(admission.pool)
                # Events the call raised go out from the sender's own tasks, never inside this call.
                self.webhooks.wake(unless_idle=not path.startswith(CONTROL_PREFIX))
                duration_ms = (time.perf_counter() - began) * 1000
                if error is None:
                    route = _served_by(scope.get("route"), method)
                operation_id = route.name if route is not None else None
                query = scope.get("query_string", b"").decode("latin-1")
                log_request(method, path, query, status, duration_ms, correlation_id, operation_id)
                if journal is not None and at is not None:
                    if request_tap is not None:
                        request_body = request_tap.body()
                    if response_tap is not None:
                        response_body = response_tap.body()
                    journal.append(
                        # Positional (in the field order), as a call with fifteen keywords costs
                        # three times as much.
                        Entry(
                            journal.next_id(),
                            at,
                            method,
                            path,
                            query,
                            operation_id,
                            route.path if route is not None else None,  # route
                            status,
                            duration_ms,
                            correlation_id,
                            rule.id if rule is not None else None,  # fault
                            scope["headers"],  # request_headers
                            request_body or NO_BODY,
                            response_headers,
                            response_body or NO_BODY,
                        )
                    )
        except Exception as exc:
            if outermost and not answered:
                await error_response(Request(scope), exc)(scope, receive, send)
            raise

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: str | None,
        public: bool,
        error: ApiError | None,
        rule: FaultRule | None,
    ) -> None:
        """Everything but the direct GET: a refusal or a fault's error, an idempotent call, a push,
        the router (after a fault's latency)."""

        async def run(receive: Receive, send: Send) -> None:
            # A fault's latency is time the request spends running: it holds its in-flight slot
            # and its idempotency key meanwhile.
            if rule is not None and rule.latency_ms:
                await asyncio.sleep(rule.latency_ms / 1000)
            await self.app(scope, receive, send)

        if error is not None:
            await error_response(Request(scope), error)(scope, receive, send)
        elif public and key is not None and wants_idempotency(scope) and self._route(scope) is not None:
            # Only an operation keeps answers: a path or method nobody serves answers 404/405.
            await run_idempotent(
                scope,
                receive,
                send,
                keys=self.limits.keys(key),
                now=self.store.tenant(key).clock.now,
                max_body_bytes=self.store.settings.max_body_bytes,
                run=run,
            )
        elif public and rule is None and (fast := self.fast.pick(scope)) is not None:
            await fast(scope, receive, send, self.app)
        else:
            await run(receive, send)


def _tapped(receive: Receive, tap: BodyTap) -> Receive:
    """``receive``, feeding each request body chunk to ``tap`` on its way."""

    async def tapped_receive() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            tap.feed(message.get("body", b""))
        return message

    return tapped_receive
