"""The pages a person uses in a browser, server-rendered: no build step, no API key in a header.

- ``/link/{companyId}/{connectionId}?otp=...``  the Link UI at a connection's ``linkUrl``
  (:mod:`mock_server.ui.link`): review, get and revoke one-time credentials.
- ``/ui/qbo/...``  QuickBooks Online, simulated (:mod:`mock_server.ui.quickbooks`): Link account,
  Bank transactions with Update and Disconnect.
- ``/ui``  the developer's dashboard (:mod:`mock_server.ui.dashboard`): one tenant, chosen by
  its API key and kept in a cookie; its companies, connections, accounts, pushes and clock.

Every change a page makes goes through the same core functions as the API.

The pages are a table (:data:`PAGES`): each route names its handler by module and function, and
that module is imported by the first request to one of its pages. An emulator nobody opens in a
browser never loads the page code (about 2% of a start's work, 4% without cached bytecode); the
first page also loads the templates, which cost more. ``tests/ui/test_pages.py`` resolves every
handler of the table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import import_module
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from mock_server.ui.memory import UiMemory

HERE = Path(__file__).parent
LINK = "/link/{companyId}/{connectionId}"

#: Every page: path, method, route name, and its handler as (module of this package, function).
PAGES: tuple[tuple[str, str, str, tuple[str, str]], ...] = (
    ("/", "GET", "ui-home", ("dashboard", "home")),
    ("/ui", "GET", "ui-dashboard", ("dashboard", "dashboard")),
    ("/ui/login", "GET", "ui-login", ("dashboard", "login_form")),
    ("/ui/login", "POST", "ui-login-post", ("dashboard", "login")),
    ("/ui/logout", "POST", "ui-logout", ("dashboard", "logout")),
    ("/ui/clock/advance", "POST", "ui-clock-advance", ("dashboard", "advance_clock")),
    ("/ui/connections/otp", "POST", "ui-new-link", ("dashboard", "new_link")),
    ("/ui/qbo", "GET", "ui-qbo", ("quickbooks", "index")),
    ("/ui/qbo/link", "GET", "ui-qbo-link", ("quickbooks", "link_form")),
    ("/ui/qbo/link", "POST", "ui-qbo-link-post", ("quickbooks", "link_post")),
    ("/ui/qbo/companies/{companyId}", "GET", "ui-qbo-feed", ("quickbooks", "bank_transactions")),
    ("/ui/qbo/companies/{companyId}/update", "POST", "ui-qbo-update", ("quickbooks", "update")),
    ("/ui/qbo/companies/{companyId}/disconnect", "POST", "ui-qbo-disconnect", ("quickbooks", "disconnect_feed")),
    ("/link/{companyId}", "GET", "ui-link-company", ("link", "company_redirect")),
    (LINK, "GET", "ui-link-review", ("link", "review")),
    (LINK + "/setup", "GET", "ui-link-setup", ("link", "setup")),
    (LINK + "/credentials", "POST", "ui-link-get-credentials", ("link", "get_credentials")),
    (LINK + "/revoke", "POST", "ui-link-revoke", ("link", "revoke_credentials")),
)

Handler = Callable[[Request], Awaitable[Response]]


def handler(target: tuple[str, str]) -> Handler:
    """The page handler ``target`` names, importing its module if no request has yet."""
    module, name = target
    found: Handler = getattr(import_module(f"{__name__}.{module}"), name)
    return found


def _on_first_request(target: tuple[str, str]) -> Handler:
    async def endpoint(request: Request) -> Response:
        return await handler(target)(request)

    endpoint.__name__ = endpoint.__qualname__ = target[1]
    return endpoint


routes: list[BaseRoute] = [
    *(Route(path, _on_first_request(target), methods=[method], name=name) for path, method, name, target in PAGES),
    Mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static"),
]

__all__ = ["HERE", "LINK", "PAGES", "Handler", "UiMemory", "handler", "routes"]
