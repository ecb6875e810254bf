"""A webhook receiver in-process: an HTTP endpoint that checks every delivery as an integration must.

    with WebhookReceiver() as receiver:
        inbox = receiver.inbox()              # its own URL and secret
        ...subscribe inbox.url with inbox.secret (POST /_mock/webhooks/endpoints)...
        event = inbox.wait_for("bankFeeds.sourceAccount.connected", timeout=10)

Each delivery is verified with Svix's own library (``svix.webhooks.Webhook(secret).verify``), the
check Codat tells integrators to make: a delivery that fails it is answered 401 and kept apart in
``rejected``, never handed to ``wait_for``. The server is the standard library's threading HTTP
server on a free loopback port, so it runs beside any event loop, the emulator's included.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import orjson


@dataclass(frozen=True)
class Delivery:
    """One verified delivery: its parsed body and what came with it."""

    body: dict[str, Any]
    raw: bytes
    headers: dict[str, str]

    @property
    def event_type(self) -> str:
        return str(self.body.get("eventType"))

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


@dataclass(frozen=True)
class Rejected:
    """A request that failed the signature check, and why."""

    raw: bytes
    headers: dict[str, str]
    reason: str


class WebhookTimeout(AssertionError):
    """``wait_for`` saw no matching delivery in time; the message lists what did arrive."""


@dataclass(eq=False)
class Inbox:
    """One URL of the receiver with its own secret; what arrived there, verified."""

    url: str
    secret: str
    #: The status deliveries are answered with: set it to e.g. 500 to watch the emulator retry.
    status: int = 200
    received: list[Delivery] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    _handed_out: set[int] = field(default_factory=set, repr=False)
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def wait_for(
        self, event_type: str, timeout: float = 10.0, *, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        """The body of the first delivery of ``event_type`` (matching ``where``) not handed out
        before, waiting up to ``timeout`` real seconds for it; WebhookTimeout when none comes.

        Each delivery is handed out once, so waiting twice for the same type waits for a second.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for index, delivery in enumerate(self.received):
                    if index in self._handed_out or delivery.event_type != event_type:
                        continue
                    if where is None or where(delivery.body):
                        self._handed_out.add(index)
                        return delivery.body
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(d.event_type for d in self.received) or "nothing"
                    raise WebhookTimeout(f"No {event_type} delivery within {timeout:g} s at {self.url} (received: {seen}).")
                self._changed.wait(remaining)

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Bodies received so far (of one event type), in arrival order."""
        with self._changed:
            return [d.body for d in self.received if event_type is None or d.event_type == event_type]

    def clear(self) -> None:
        with self._changed:
            self.received.clear()
            self.rejected.clear()
            self._handed_out.clear()

    def _take(self, raw: bytes, headers: dict[str, str]) -> int:
        from svix.webhooks import Webhook, WebhookVerificationError

        try:
            Webhook(self.secret).verify(raw, headers)
            body = orjson.loads(raw)
        except (WebhookVerificationError, orjson.JSONDecodeError) as exc:
            with self._changed:
                self.rejected.append(Rejected(raw, headers, str(exc) or type(exc).__name__))
                self._changed.notify_all()
            return 401
        with self._changed:
            self.received.append(Delivery(body, raw, headers))
            self._changed.notify_all()
        return self.status


def new_secret() -> str:
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class WebhookReceiver:
    """An HTTP server on ``host`` (a free port) holding any number of inboxes, one path each."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._inboxes: dict[str, Inbox] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("WebhookReceiver is not running: use it as a context manager or call start().")
        port = self._server.server_address[1]
        return f"http://{self.host}:{port}"

    def inbox(self, secret: str | None = None) -> Inbox:
        """A new inbox at its own path, with ``secret`` (default: a fresh one)."""
        name = secrets.token_hex(8)
        inbox = Inbox(f"{self.url}/{name}", secret or new_secret())
        with self._lock:
            self._inboxes[name] = inbox
        return inbox

    def start(self) -> WebhookReceiver:
        if self._server is not None:
            return self
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                with receiver._lock:
                    inbox = receiver._inboxes.get(self.path.strip("/").split("?", 1)[0])
                status = 404 if inbox is None else inbox._take(raw, {k.lower(): v for k, v in self.headers.items()})
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the test's output stays the test's

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="bankfeeds-mock:webhooks", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
