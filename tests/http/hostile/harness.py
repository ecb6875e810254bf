"""Sends a :class:`RawRequest` into the real ASGI app and judges the answer.

The app is driven with raw ASGI scopes, as uvicorn builds them (the path decoded, ``raw_path`` as
sent, header bytes untouched), so non-ASCII and duplicated headers reach it as they would over the
wire. The verdict: never a 5xx; every 4xx outside the browser pages in Codat's ``ErrorMessage``
envelope; and a refused request leaves the tenant's whole exported state (``GET /_mock/state``)
as it was. An accepted one may change it: the world is then put back from its saved scenario.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from mock_server import Settings, create_app
from tests.http.hostile.requests import Ids, RawRequest, auth
from tests.support import NOW, World, auth_header

KEY = "hostile-tenant"
UI_PREFIXES = ("/ui", "/link", "/static")


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


async def _send(app: Starlette, request: RawRequest) -> Answer:
    try:
        path = unquote(request.path.decode("ascii"))
    except UnicodeDecodeError:
        path = request.path.decode("latin-1")
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
        "scheme": "http", "path": path, "raw_path": request.path, "query_string": request.query,
        "root_path": "", "headers": [(k.lower(), v) for k, v in request.headers],
        "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8080),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(0)
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": request.body, "more_body": False}

    status, headers, chunks = 0, [], []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await app(scope, receive, send)
    except Exception as exc:  # ServerErrorMiddleware answered 500, then re-raised: a finding
        if status == 0:
            status = 500
        chunks.append(f"\n(raised {type(exc).__name__}: {exc})".encode())
    return Answer(status, headers, b"".join(chunks))


class HostileWorld:
    """One app, one tenant holding one of everything, and a saved scenario of it to go back to."""

    def __init__(self, settings: Settings | None = None) -> None:
        # Thousands of requests on one tenant (make test-thorough): a quota no run reaches keeps
        # every answer the operation's own, rate-limit headers included.
        self.app = create_app(settings or Settings(clock=NOW, background_ticks=False, seed=11, daily_quota_base=10**9))
        self.loop = asyncio.new_event_loop()
        self.ids = self._build()
        self.routes = [r for r in self.app.routes if isinstance(r, Route)]
        self.saved = self.state()
        self.sent = 0

    def _build(self) -> Ids:
        client = TestClient(self.app, headers=auth_header(KEY), raise_server_exceptions=False)
        world = World(client)
        company, connection, account = world.linked_account()
        push = client.post(
            f"/companies/{company}/connections/{connection}/push/bankAccounts/{account}/bankTransactions",
            json={"accountId": account, "transactions": [{"id": "t-1", "date": "2026-03-17", "description": "Tea", "amount": -2}]},
        ).json()["pushOperationKey"]
        sync = client.post(f"{world.accounts_path(company, connection)}/{account}/managedBankFeeds/syncs")
        sync_id = sync.json().get("id", "none") if sync.status_code == 201 else "none"
        return Ids(company, connection, account, push, sync_id)

    def send(self, request: RawRequest) -> Answer:
        self.sent += 1
        return self.loop.run_until_complete(_send(self.app, request))

    def control(self, method: str, path: str, body: bytes = b"", content_type: bytes = b"application/json") -> Answer:
        headers = [(b"host", b"bankfeeds-mock"), (b"authorization", auth(KEY)), (b"content-type", content_type)]
        return self.loop.run_until_complete(_send(self.app, RawRequest(method, path.encode(), b"", headers, body)))

    def state(self) -> Any:
        answer = self.control("GET", "/_mock/state")
        assert answer.status == 200, answer.body[:500]
        return orjson.loads(answer.body)

    def restore(self) -> None:
        """Back to the saved world: the scenario, and no fault rules (a rule may answer 500 by design)."""
        assert self.control("DELETE", "/_mock/faults").status == 204
        answer = self.control("PUT", "/_mock/state", orjson.dumps(self.saved))
        assert answer.status == 204, answer.body[:500]

    def close(self) -> None:
        self.loop.close()


def judge(world: HostileWorld, request: RawRequest) -> None:
    """Send ``request`` and assert the suite's three properties; restore the world if it changed."""
    before = world.state()
    answer = world.send(request)
    shown = request.show()
    assert answer.status < 500, f"{answer.status} for {shown}\n{answer.body[:1500]!r}"
    path = unquote(request.path.decode("latin-1"))
    if answer.status >= 400 and not path.startswith(UI_PREFIXES) and request.method != "HEAD":
        content_type = answer.header(b"content-type") or b""
        assert content_type.startswith(b"application/json"), f"{answer.status} not JSON for {shown}: {answer.body[:300]!r}"
        envelope = orjson.loads(answer.body)
        assert envelope["statusCode"] == answer.status, envelope
        assert isinstance(envelope["error"], str) and envelope["error"], envelope
        assert isinstance(envelope.get("correlationId"), str), envelope
    after = world.state()
    if answer.status >= 400:
        assert after == before, f"{answer.status} refused, yet the tenant's state changed: {shown}"
    if after != world.saved or request.path.startswith(b"/_mock/faults"):
        world.restore()
