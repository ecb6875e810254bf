"""Rate limits and idempotency keys around the public API, as api.codat.io applies them.

:class:`Limits` holds each tenant's :class:`~mock_server.core.quotas.Quota` and
:class:`~mock_server.core.idempotency.IdempotencyKeys` beside the store (as the dev kit holds
journals); :class:`RequestMiddleware` asks :meth:`Limits.admit` before a public call runs, adds
:func:`rate_limit_headers` to its answer, and hands POST and PATCH calls carrying an
``Idempotency-Key`` to :func:`run_idempotent`. Only the public API (``/companies...``) counts:
``/_mock``, the health check, the documents and the UI pages never do and carry no headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from functools import lru_cache

from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from mock_server.core.errors import ApiError, BadRequest, Conflict, PayloadTooLarge, TooManyRequests, Unprocessable
from mock_server.core.idempotency import METHODS, Fingerprint, IdempotencyKeys, KeptAnswer, is_guid
from mock_server.core.quotas import Admission, Allowance, Quota, Transition
from mock_server.core.tenant import Tenant
from mock_server.http.web import error_response
from mock_server.settings import Settings

PUBLIC_PREFIX = "/companies"
IDEMPOTENCY_HEADER = b"idempotency-key"


def is_public(path: str) -> bool:
    """Whether a path belongs to the public Bank Feeds API (every one starts with /companies)."""
    return path.startswith(PUBLIC_PREFIX) and (len(path) == len(PUBLIC_PREFIX) or path[len(PUBLIC_PREFIX)] == "/")


def company_of(path: str) -> str | None:
    """The company a public path is about; None for ``/companies`` itself."""
    return path[_COMPANY_AT:].partition("/")[0] or None


_COMPANY_AT = len(PUBLIC_PREFIX) + 1


@lru_cache(maxsize=64)
def reset_text(at: datetime) -> str:
    """``X-Rate-Limit-Reset``: Codat calls it a date and shows no example, so ISO 8601 UTC.

    Cached: the reset moves once a day, and every public answer carries it."""
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def rate_limit_headers(allowance: Allowance) -> tuple[tuple[bytes, bytes], ...]:
    return (
        _limit_header(allowance.limit),
        (b"x-rate-limit-remaining", str(allowance.remaining).encode()),
        _reset_header(allowance.reset),
    )


@lru_cache(maxsize=64)
def _limit_header(limit: int) -> tuple[bytes, bytes]:
    # The limit and the reset change a few times a day: their header lines are made once.
    return (b"x-rate-limit-limit", str(limit).encode())


@lru_cache(maxsize=64)
def _reset_header(at: datetime) -> tuple[bytes, bytes]:
    return (b"x-rate-limit-reset", reset_text(at).encode())


def too_many_requests(admission: Admission) -> TooManyRequests:
    """Codat's 429 for a refused admission, with its Retry-After."""
    seconds = admission.retry_after
    if admission.refused == "quota":
        message = (
            f"You have made too many requests: the daily quota of {admission.allowance.limit} requests is used up "
            f"until {reset_text(admission.allowance.reset)} (00:00 UTC); retry after {seconds} s."
        )
    else:
        about = f"company {admission.pool}" if admission.pool is not None else "calls about no company"
        message = (
            f"You have made too many requests at once: 10 requests are already in flight for {about}; "
            f"retry after {seconds} s."
        )
    return TooManyRequests(message, headers={"Retry-After": str(seconds)})


class Limits:
    """The quotas and idempotency keys of one app's tenants."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit == "codat"
        self.base = settings.daily_quota_base
        self._quotas: dict[str, Quota] = {}
        self._keys: dict[str, IdempotencyKeys] = {}

    def quota(self, key: str, now: datetime) -> Quota:
        quota = self._quotas.get(key)
        if quota is None:
            quota = self._quotas[key] = Quota(self.base, now)
        return quota

    def keys(self, key: str) -> IdempotencyKeys:
        keys = self._keys.get(key)
        if keys is None:
            keys = self._keys[key] = IdempotencyKeys()
        return keys

    def forget(self, key: str) -> None:
        """A reset tenant starts with a whole quota and no keys."""
        self._quotas.pop(key, None)
        self._keys.pop(key, None)

    def admit(self, tenant: Tenant, path: str, now: datetime) -> tuple[Quota, Admission]:
        """Count a public call of ``tenant`` about ``path``'s company at ``now`` (its clock's), or refuse it."""
        quota = self.quota(tenant.key, now)
        admission = quota.admit(now, tenant.active_connected_companies(), company_of(path))
        if admission.transitions:
            announce(tenant, admission.transitions)
        return quota, admission

    def status(self, tenant: Tenant) -> tuple[Quota, Allowance, int]:
        """The tenant's quota as of now (a day past its reset starts afresh), and its ACC count."""
        now = tenant.clock.now()
        quota = self.quota(tenant.key, now)
        active = tenant.active_connected_companies()
        rolled = quota.roll(now, active)
        announce(tenant, (rolled,) if rolled is not None else ())
        return quota, quota.allowance(active), active

    def roll(self, tenant: Tenant) -> None:
        """Start the tenant's new day if its clock passed midnight (after the clock moved)."""
        if self.enabled and tenant.key in self._quotas:
            self.status(tenant)


def announce(tenant: Tenant, transitions: Iterable[Transition]) -> None:
    """Raise Codat's client.rateLimit.* webhook events for the quota's transitions."""
    for transition in transitions:
        tenant.webhooks.emit(transition.event, transition.at, payload=transition.payload())


def wants_idempotency(scope: Scope) -> bool:
    if scope["method"] not in METHODS:
        return False  # Codat keys POST and PATCH only; on other methods the header means nothing
    return any(name == IDEMPOTENCY_HEADER for name, _ in scope["headers"])


async def _answer(scope: Scope, receive: Receive, send: Send, error: ApiError) -> None:
    await error_response(Request(scope), error)(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body; None once it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


async def run_idempotent(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    keys: IdempotencyKeys,
    now: Callable[[], datetime],
    max_body_bytes: int,
    run: Callable[[Receive, Send], Awaitable[None]],
) -> None:
    """Answer a POST or PATCH that carries an Idempotency-Key: run it once and keep its answer,
    replay the kept answer, or refuse a misused key. ``run`` runs the request itself."""
    values = [value for name, value in scope["headers"] if name == IDEMPOTENCY_HEADER]
    if len(values) > 1:
        await _answer(scope, receive, send, BadRequest("Send one Idempotency-Key header, not several."))
        return
    key = values[0].decode("latin-1").strip()
    if not is_guid(key):
        await _answer(scope, receive, send, BadRequest(f"The Idempotency-Key header must be a GUID, got '{key}'."))
        return
    body = await _read_body(receive, max_body_bytes)
    if body is None:
        too_large = PayloadTooLarge(f"Request body is larger than the {max_body_bytes} bytes this endpoint accepts.")
        await _answer(scope, receive, send, too_large)
        return
    query = scope.get("query_string", b"").decode("latin-1")
    target = f"{scope['path']}?{query}" if query else scope["path"]
    claim = keys.claim(key.lower(), Fingerprint.of(scope["method"], target, body), now())
    if claim.kind == "replay" and claim.answer is not None:
        await send(
            {"type": "http.response.start", "status": claim.answer.status, "headers": list(claim.answer.headers)}
        )
        await send({"type": "http.response.body", "body": claim.answer.body})
        return
    if claim.kind == "mismatch":
        error: ApiError = Unprocessable(
            f"The Idempotency-Key {key} was already used for another request (method, path or body differ); "
            "use a new key for a new request."
        )
        await _answer(scope, receive, send, error)
        return
    if claim.kind == "busy":
        error = Conflict(
            f"A request with the Idempotency-Key {key} is still being processed; retry once it is answered."
        )
        await _answer(scope, receive, send, error)
        return

    delivered = False

    async def replay_body() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    status = 0
    headers: tuple[tuple[bytes, bytes], ...] = ()
    chunks: list[bytes] = []
    finished = False

    async def keeping_send(message: Message) -> None:
        nonlocal status, headers, finished
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = tuple((bytes(n), bytes(v)) for n, v in message.get("headers", ()))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            finished = not message.get("more_body", False)
        await send(message)

    try:
        await run(replay_body, keeping_send)
    finally:
        # A 429 is never kept (Codat releases the key), nor an answer that never finished.
        if finished and status != 429:
            keys.keep(key.lower(), KeptAnswer(status, headers, b"".join(chunks)), now())
        else:
            keys.release(key.lower())
