"""The application factory: routes from data, the store on ``app.state``, QBO's schedule in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server import ui
from mock_server.core.errors import ApiError
from mock_server.core.qbo import settle
from mock_server.core.store import Store
from mock_server.http import api, control
from mock_server.http.draining import DrainBody
from mock_server.http.limits import HEAD_KEY, read_head
from mock_server.http.list_memory import ListMemory
from mock_server.http.middleware import DevKit, RequestMiddleware
from mock_server.http.rate_limits import Limits
from mock_server.http.schemas import control_schemas, public_schemas
from mock_server.http.web import error_response
from mock_server.http.webhooks import WebhookHub
from mock_server.settings import Settings

TICK_SECONDS = 0.5


_background = logging.getLogger("mock_server.background")


def settle_every_tenant(store: Store, failing: dict[str, str]) -> None:
    """One round of the background work: each tenant's due polls and push completions.

    One tenant's state can never stop the others' work: an error is logged with the tenant's key
    (once while it repeats; ``failing`` remembers what each tenant last failed with) and the round
    goes on. That tenant's own calls answer the same error until its state is fixed or reset.
    """
    for tenant in store:
        try:
            settle(tenant, tenant.clock.now())
        except Exception as exc:
            text = f"{type(exc).__name__}: {exc}"
            if failing.get(tenant.key) != text:
                failing[tenant.key] = text
                _background.exception("Background work failed for tenant %r; serving the others", tenant.key)
        else:
            if failing.pop(tenant.key, None) is not None:
                _background.info("Background work for tenant %r runs again", tenant.key)


async def _answer_error(request: Request, exc: Exception) -> Response:
    # Starlette runs a plain function handler on a worker thread: the first error answer then
    # imported anyio's thread machinery (30 ms), and every one paid a thread hop.
    return error_response(request, exc)


async def _tick(store: Store) -> None:
    """Runs polls and push completions that fall due while nobody calls (real-time clocks)."""
    failing: dict[str, str] = {}
    while True:
        await asyncio.sleep(TICK_SECONDS)
        settle_every_tenant(store, failing)


class Emulator(Starlette):
    """Starlette, with a shorter way in for the requests that announce no body.

    Most calls (every GET) have nothing for :class:`DrainBody` to read, and Starlette's
    ``ServerErrorMiddleware`` only matters when a bug raises: such a request, once the bounds admit
    its headers, goes straight to the :class:`RequestMiddleware` of the stack with that pass over
    them, and the middleware then answers a bug's 500 itself, after its log line and journal entry,
    as that middleware would. Every other request takes the whole stack.
    """

    requests: RequestMiddleware | None = None

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        layer: object = stack
        while layer is not None and not isinstance(layer, RequestMiddleware):
            layer = getattr(layer, "app", None)
        self.requests = layer
        return stack

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        if scope["type"] == "http" and self.requests is not None:
            head = read_head(scope)
            if head.refusal is None and not head.announces_body:
                scope["app"] = self
                await self.requests(scope, receive, send, head)
                return
            scope[HEAD_KEY] = head  # the whole stack's middleware reads it rather than a second pass
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, *, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """A new emulator with its own store and clocks; nothing is shared between two apps."""
    settings = settings or Settings()
    store = Store(settings)
    # Both documents are read now, so a broken one fails at start rather than mid-test; each
    # operation's validator is compiled by the first request that needs it (a millisecond or two).
    public_schemas()
    control_schemas()
    if settings.fixtures:
        # Scenario files fail here, with file and line, rather than at the first request. The
        # scenario kit (YAML, the scenario schema) loads only when there are files to read.
        from mock_server.devkit.fixtures import load_fixtures

        load_fixtures(store, settings.fixtures)
    devkit = DevKit(settings)
    webhooks = WebhookHub(store, settings)
    limits = Limits(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_tick(store)) if settings.background_ticks else None
        # Webhooks go out whether or not QBO's schedule runs in the background.
        sender = asyncio.create_task(webhooks.run())
        try:
            yield
        finally:
            for running in (task, sender):
                if running is not None:
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await running

    # Routes are tried in order: the public API, where the traffic is, comes first.
    routes = [*api.routes, *control.routes, *ui.routes, *(extra_routes or [])]
    app = Emulator(
        routes=routes,
        middleware=[
            Middleware(DrainBody, limit=settings.max_body_bytes),
            Middleware(RequestMiddleware, store=store, devkit=devkit, limits=limits, routes=routes, webhooks=webhooks),
        ],
        exception_handlers={ApiError: _answer_error, HTTPException: _answer_error, Exception: _answer_error},
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.devkit = devkit
    app.state.webhooks = webhooks
    app.state.limits = limits
    app.state.ui = ui.UiMemory()
    app.state.lists = ListMemory()
    return app
