"""The seam between HTTP and the core: who is calling, what they sent, how we answer.

Handlers call :func:`session` for the caller's tenant (settled to its clock's now), :func:`json_body`
for a parsed and size-checked body, and return :func:`json_response`. Errors are raised, never
built here: :func:`error_response` is the one place an ``ErrorMessage`` becomes a response.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from mock_server.core.errors import ApiError, BadRequest, PayloadTooLarge, Unauthorized
from mock_server.core.qbo import settle
from mock_server.core.store import Store
from mock_server.core.tenant import Tenant
from mock_server.http.limits import check_json_depth, too_deep
from mock_server.http.schemas import control_schemas, public_schemas
from mock_server.settings import Settings


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_response(content: Any, status_code: int = 200) -> Response:
    return JSONResponse(content, status_code=status_code)


def empty_response(status_code: int = 204) -> Response:
    return Response(status_code=status_code)


def correlation_id(request: Request) -> str:
    """One id per request, shared by its log line and its error body."""
    value = getattr(request.state, "correlation_id", None)
    if value is None:
        value = request.state.correlation_id = uuid.uuid4().hex
    return str(value)


def error_response(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        error = exc
    elif isinstance(exc, HTTPException):
        messages = {404: "No such endpoint: " + request.url.path, 405: f"Method {request.method} not allowed here."}
        headers = {"Allow": allowed_methods(request)} if exc.status_code == 405 else None
        error = ApiError(messages.get(exc.status_code, str(exc.detail)), status_code=exc.status_code, headers=headers)
    else:  # a bug of ours: still Codat's envelope, and it says so
        error = ApiError(f"Internal error in the emulator: {type(exc).__name__}: {exc}")
    return JSONResponse(error.body(correlation_id(request)), status_code=error.status_code, headers=error.headers)


def allowed_methods(request: Request) -> str:
    """Every method served at the matched path template (RFC 9110's Allow), not only the first route's.

    Only routes of the same template count: ``.../credentials`` also matches ``.../{accountId}``,
    but a literal segment wins over a template, as in the document.
    """
    template = getattr(request.scope.get("route"), "path", None)
    methods: set[str] = set()
    for route in request.app.router.routes:
        if getattr(route, "path", None) == template:
            methods.update(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def _decoded(encoded: str) -> str | None:
    # A str with bytes past ASCII (a header is read as latin-1) fails as a plain ValueError.
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError among them
        return None


def api_key(request: Request, settings: Settings) -> str:
    """The API key from ``Authorization: Basic <base64 key>``, or Unauthorized."""
    return scope_api_key(request.scope, settings)


def scope_api_key(scope: Scope, settings: Settings) -> str:
    """:func:`api_key`, read from the ASGI scope once per request: the middleware asks before the
    handler does, and the outcome (the key, or why there is none) is kept in the request's state."""
    state = scope.setdefault("state", {})
    known: tuple[str, bool] | None = state.get(_KEY_STATE)
    if known is None:
        known = state[_KEY_STATE] = _key_or_refusal(header(scope, b"authorization") or "", settings.api_keys)
    text, refused = known
    if refused:
        raise Unauthorized(text)
    return text


def known_api_key(scope: Scope, settings: Settings, authorization: bytes | None) -> str | None:
    """The key of :func:`scope_api_key` from the ``Authorization`` value already read from the
    scope (None: no such header), kept in the request's state for the handler; None for no key."""
    value = authorization.decode("latin-1") if authorization is not None else ""
    text, refused = scope.setdefault("state", {})[_KEY_STATE] = _key_or_refusal(value, settings.api_keys)
    return None if refused else text


#: Where the request's state keeps the outcome of reading its key: (key, False) or (message, True).
_KEY_STATE = "bankfeeds_api_key"


@lru_cache(maxsize=1024)
def _key_or_refusal(header_value: str, api_keys: tuple[str, ...]) -> tuple[str, bool]:
    # A client sends the same header on every call: each distinct one is read once (a header
    # past the 1024 kept ones is read again, with the same outcome).
    scheme, _, encoded = header_value.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return "Unauthorized: send 'Authorization: Basic <base64 of your API key>'.", True
    key = _decoded(encoded.strip())
    if key is None:
        return "Unauthorized: the Authorization header is not valid base64.", True
    if not key or (api_keys and key not in api_keys):
        return "Unauthorized: unknown API key.", True
    return key, False


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case), straight from the scope: building
    Starlette's ``Headers`` for one look-up costs more than the look-up."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


@dataclass(frozen=True)
class Session:
    """The caller's tenant and the instant this request happens at."""

    tenant: Tenant
    now: datetime
    base_url: str


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def session(request: Request) -> Session:
    """The caller's tenant, once the caller is known and the query parameters are as documented."""
    store = store_of(request)
    tenant = store.tenant(api_key(request, store.settings))
    check_query(request)
    now = tenant.clock.now()
    settle(tenant, now)
    return Session(tenant, now, base_url(request))


def check_query(request: Request) -> None:
    """BadRequest when a query parameter breaks its documented schema (bounds, type, format).

    The route's name is its operationId, so the document's parameters apply to every handler
    without each one restating them.
    """
    route = request.scope.get("route")
    name = getattr(route, "name", None)
    if name:
        # Most calls send no query string: spare parsing one into QueryParams.
        check_operation_query(name, request.query_params if request.scope.get("query_string") else {})


def check_operation_query(operation_id: str, params: Mapping[str, str]) -> None:
    """:func:`check_query` for an operation by its id."""
    for schemas in (public_schemas(), control_schemas()):
        schemas.check_query(operation_id, params)


def base_url(request: Request) -> str:
    """Where the caller reached us (for linkUrl and redirect), read straight from the scope:
    Starlette's ``request.base_url`` builds and parses a URL object on every request."""
    return scope_base_url(request.scope)


def scope_base_url(scope: Scope) -> str:
    """:func:`base_url`, from the ASGI scope."""
    return _base_url(scope, header(scope, b"host"))


def head_base_url(scope: Scope, host: bytes | None) -> str:
    """:func:`scope_base_url`, from the Host value already read from the scope (None: no such header)."""
    return _base_url(scope, host.decode("latin-1") if host is not None else None)


def _base_url(scope: Scope, host: str | None) -> str:
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}".rstrip("/")


async def raw_body(request: Request) -> bytes:
    limit = store_of(request).settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Request body is larger than the {limit} bytes this endpoint accepts.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"Request body is larger than the {limit} bytes this endpoint accepts.")
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request, *, required: bool = True) -> Any:
    """The parsed JSON body; a clear 400 when it is missing or not JSON."""
    data = await raw_body(request)
    if not data.strip() and not required:
        return None
    return parse_body(data)


def parse_body(data: bytes) -> Any:
    """A required body's parsed JSON, from its bytes; a clear 400 when it is missing or not JSON."""
    if not data.strip():
        raise BadRequest("A JSON request body is required.")
    return _parse_json(data)


def _parse_json(data: bytes) -> Any:
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc) or "recursion" in str(exc).lower():  # orjson's bound (1024) is past ours
            raise too_deep() from None
        raise BadRequest(f"Request body is not valid JSON: {exc}") from None
    check_json_depth(data)
    return parsed


async def optional_json_body(request: Request) -> Any:
    """The parsed body, or ``{}`` when none was sent.

    Only an absent body stands for ``{}``: a sent ``null``, ``false``, ``0`` or ``[]`` stays what it
    is, so the shape check refuses it rather than reading it as "no changes".
    """
    data = await raw_body(request)
    return _parse_json(data) if data.strip() else {}


def query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"Query parameter '{name}' must be a whole number, got '{raw}'.") from None
