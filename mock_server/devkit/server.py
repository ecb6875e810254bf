"""An emulator in a background thread, for tests and scripts that want a real HTTP server in-process.

    from mock_server import BankFeedsMock

    with BankFeedsMock() as mock:
        httpx.get(mock.url + "/_mock/health")

The server listens on a free loopback port unless told otherwise; ``url`` is known as soon as the
``with`` block starts, and the block only starts once ``/_mock/health`` answers.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

import httpx
from starlette.applications import Starlette

from mock_server.devkit.receiver import WebhookReceiver
from mock_server.http.app import create_app
from mock_server.settings import Settings
from mock_server.testing.client import MockTenant

if TYPE_CHECKING:
    import uvicorn

HEALTH_PATH = "/_mock/health"


class StartupError(RuntimeError):
    """The server did not come up (port taken, app failed to start, or no health answer in time)."""


def wait_until_healthy(
    url: str, timeout: float, *, interval: float = 0.1, give_up: Callable[[], bool] | None = None
) -> None:
    """Return once ``GET {url}/_mock/health`` answers ``{"status": "ok"}``; StartupError after ``timeout`` s.

    ``give_up`` is asked between attempts; when it says True, waiting stops at once.
    """
    deadline = time.monotonic() + timeout
    problem = "no answer yet"
    with httpx.Client() as client:
        while True:
            remaining = deadline - time.monotonic()
            try:
                response = client.get(url.rstrip("/") + HEALTH_PATH, timeout=max(0.05, min(1.0, remaining)))
                if response.status_code == 200 and response.json() == {"status": "ok"}:
                    return
                problem = f"{HEALTH_PATH} answered {response.status_code}: {response.text[:200]}"
            except (httpx.HTTPError, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if time.monotonic() + interval > deadline or (give_up is not None and give_up()):
                raise StartupError(f"No healthy emulator at {url} within {timeout:g} s ({problem}).")
            time.sleep(interval)


class BankFeedsMock:
    """A running emulator on ``host:port`` (port 0 = a free one), started on ``__enter__``, stopped on ``__exit__``.

    ``settings`` shapes the emulator (clock, push delay, API keys...); its ``host`` and ``port`` are the
    CLI's and are not used here: pass ``host`` and ``port`` instead. Each instance has its own app, store
    and clocks; several can run side by side.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 10.0,
        log_level: str = "warning",
    ) -> None:
        self.settings = settings or Settings()
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.log_level = log_level
        self.app: Starlette = create_app(self.settings)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self._receiver: WebhookReceiver | None = None

    @property
    def receiver(self) -> WebhookReceiver:
        """The in-process webhook receiver (started on first use, stopped with the emulator)."""
        if self._receiver is None:
            self._receiver = WebhookReceiver().start()
        return self._receiver

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321``; known once started (and still after it stops)."""
        if self._url is None:
            raise RuntimeError("BankFeedsMock is not running: use it as a context manager or call start().")
        return self._url

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def tenant(self, api_key: str | None = None, *, webhooks: bool = True) -> MockTenant:
        """A handle on one tenant (default: a new one, under a fresh random key) with control-API helpers.

        With ``webhooks`` (the default) the tenant is subscribed to every event at an inbox of
        :attr:`receiver`: ``tenant.webhooks.wait_for(event_type)`` then returns each delivery,
        verified. Loading a scenario keeps the subscription; a reset drops it.
        """
        tenant = MockTenant(self.url, api_key or f"tenant-{uuid.uuid4().hex}")
        if webhooks:
            tenant.webhooks.receive(self.receiver.inbox())
        return tenant

    def start(self) -> BankFeedsMock:
        """Bind, serve in a daemon thread, and return once the health check answers."""
        if self._server is not None:
            raise RuntimeError("BankFeedsMock is already running.")
        import uvicorn  # here, not at module level: importing the package should stay cheap

        # Binding here (not in uvicorn) makes port 0 usable: the chosen port is known before serving.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise StartupError(f"Cannot listen on {self.host}:{self.port}: {exc}") from exc
        self.port = int(sock.getsockname()[1])
        host = f"[{self.host}]" if ":" in self.host else self.host
        self._url = f"http://{host}:{self.port}"
        # log_config=None: leave the host process's logging configuration alone.
        config = uvicorn.Config(self.app, log_level=self.log_level, log_config=None, access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"bankfeeds-mock:{self.port}", daemon=True
        )
        self._thread.start()
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            # Once serving, the event loop owns the socket and closes it on shutdown; a start that
            # failed early may not have got that far.
            sock.close()
            raise
        return self

    def _wait_until_healthy(self) -> None:
        try:
            wait_until_healthy(self.url, self.startup_timeout, interval=0.02, give_up=lambda: not self.running)
        except StartupError as exc:
            if not self.running:
                raise StartupError("The emulator stopped while starting; see the log above.") from exc
            raise

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice."""
        server, thread = self._server, self._thread
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None
        if server is None:
            return
        server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> BankFeedsMock:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
