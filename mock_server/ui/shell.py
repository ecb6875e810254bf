"""The seam between the browser and the core: templates, the tenant cookie, CSRF, forms, errors.

Pages call :func:`signed_in` (the dashboard and QuickBooks pages: tenant from the cookie) or the
link pages' own lookup, read forms with :func:`form_fields`, and answer :func:`render` or
:func:`redirect` (every successful POST redirects: post/redirect/get). Core errors raised inside
a handler wrapped by :func:`page` become an HTML error page, never Codat's JSON envelope.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mock_server.core.clock import format_utc
from mock_server.core.errors import ApiError
from mock_server.core.qbo import settle
from mock_server.core.store import Store
from mock_server.core.tenant import Tenant
from mock_server.ui import HERE, Handler
from mock_server.ui.memory import TenantMemory, UiMemory

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

COOKIE = "bankfeeds_mock_tenant"


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _when(value: datetime | None) -> str:
    return "—" if value is None else format_utc(value).replace("T", " ").replace(".000Z", " UTC")


@functools.cache
def templates() -> Jinja2Templates:
    # Loaded with the first page: a server driven only through its API never imports jinja2.
    from starlette.templating import Jinja2Templates

    loaded = Jinja2Templates(directory=HERE / "templates")
    loaded.env.filters["money"] = _money
    loaded.env.filters["when"] = _when
    return loaded


class PageError(ApiError):
    """A refusal shown on the page itself (wrong credentials, bad form, stale token)."""


class Forbidden(PageError):
    status_code = 403


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def memory_of(request: Request) -> UiMemory:
    memory: UiMemory = request.app.state.ui
    return memory


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    # Pages show live state and one-time passwords: never from a cache, never kept on disk.
    return templates().TemplateResponse(
        request, name, context or {}, status_code=status_code, headers={"Cache-Control": "no-store"}
    )


def redirect(path: str, **query: str | int) -> Response:
    """303 See Other: the browser follows with a GET, so a reload never repeats the POST."""
    target = f"{path}?{urlencode(query)}" if query else path
    return RedirectResponse(target, status_code=303)


def page(handler: Handler) -> Handler:
    """Core errors raised by ``handler`` answer an HTML page with the same status and message."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return render(request, "error.html", {"status": exc.status_code, "message": exc.message}, exc.status_code)

    return wrapped


async def form_fields(request: Request) -> FormData:
    """The posted form; files are never expected, and an oversized form is refused by the parser."""
    return await request.form(max_files=0, max_fields=1000)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# -- the tenant cookie -------------------------------------------------------------------------


def key_allowed(store: Store, key: str) -> bool:
    """The same acceptance as the API's Authorization header."""
    return bool(key) and (not store.settings.api_keys or key in store.settings.api_keys)


def set_tenant_cookie(response: Response, key: str) -> None:
    # Encoded (unpadded) so any key survives the cookie grammar; HttpOnly so page scripts never see it.
    value = base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")
    response.set_cookie(COOKIE, value, path="/", httponly=True, samesite="lax")


def clear_tenant_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")


def cookie_key(request: Request) -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        key = base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    return key if key_allowed(store_of(request), key) else None


@dataclass(frozen=True)
class Visit:
    """One request of a signed-in page: the tenant, settled to its clock's now."""

    tenant: Tenant
    now: datetime
    memory: TenantMemory
    csrf: str


def visit(request: Request, tenant: Tenant) -> Visit:
    now = tenant.clock.now()
    settle(tenant, now)
    ui = memory_of(request)
    return Visit(tenant, now, ui.of(tenant), ui.csrf_token(tenant))


def signed_in(request: Request) -> Visit | None:
    """The cookie's tenant, or None when the browser has not chosen one (or it is not allowed)."""
    key = cookie_key(request)
    return None if key is None else visit(request, store_of(request).tenant(key))


def check_csrf(request: Request, v: Visit, form: FormData) -> None:
    if not memory_of(request).csrf_ok(v.tenant, text(form, "csrf")):
        raise Forbidden("This form is stale or did not come from these pages: reload the page and try again.")


def signed_in_page(handler: Callable[[Request, Visit], Awaitable[Response]]) -> Handler:
    """A GET page of one tenant: without a chosen tenant, the browser goes to sign in first."""

    async def wrapped(request: Request) -> Response:
        v = signed_in(request)
        if v is None:
            return redirect("/ui/login", next=request.url.path)
        return await handler(request, v)

    return page(functools.wraps(handler)(wrapped))


def signed_in_action(handler: Callable[[Request, Visit, FormData], Awaitable[Response]]) -> Handler:
    """A POST of one tenant: signed in, with this tenant's CSRF token, or nothing changes."""

    async def wrapped(request: Request) -> Response:
        v = signed_in(request)
        if v is None:
            return redirect("/ui/login")
        form = await form_fields(request)
        check_csrf(request, v, form)
        return await handler(request, v, form)

    return page(functools.wraps(handler)(wrapped))
