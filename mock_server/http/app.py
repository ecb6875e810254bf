"""The application factory: routes from data, the store on ``app.state``, QBO's schedule in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from mock_server import ui
from mock_server.core.errors import ApiError
from mock_server.core.qbo import settle
from mock_server.core.store import Store
from mock_server.devkit.fixtures import load_fixtures
from mock_server.http import api, control
from mock_server.http.rate_limits import Limits
from mock_server.http.middleware import DevKit, RequestMiddleware
from mock_server.http.schemas import control_schemas, public_schemas
from mock_server.http.web import error_response
from mock_server.settings import Settings

TICK_SECONDS = 0.5


async def _tick(store: Store) -> None:
    """Runs polls and push completions that fall due while nobody calls (real-time clocks)."""
    while True:
        await asyncio.sleep(TICK_SECONDS)
        for tenant in store:
            settle(tenant, tenant.clock.now())


def create_app(settings: Settings | None = None, *, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """A new emulator with its own store and clocks; nothing is shared between two apps."""
    settings = settings or Settings()
    store = Store(settings)
    # Compile every request validator now, so the first request pays nothing and a broken
    # document fails at start rather than mid-test.
    public_schemas()
    control_schemas()
    # Scenario files fail here, with file and line, rather than at the first request.
    load_fixtures(store, settings.fixtures)
    devkit = DevKit(settings)
    limits = Limits(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_tick(store)) if settings.background_ticks else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # Routes are tried in order: the public API, where the traffic is, comes first.
    routes = [*api.routes, *control.routes, *ui.routes, *(extra_routes or [])]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestMiddleware, store=store, devkit=devkit, limits=limits, routes=routes)],
        exception_handlers={ApiError: error_response, HTTPException: error_response, Exception: error_response},
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.devkit = devkit
    app.state.limits = limits
    app.state.ui = ui.UiMemory()
    return app
