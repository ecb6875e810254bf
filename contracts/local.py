"""A throw-away emulator for a contract run that was given no server: started, used, stopped.

It runs as a child process (the ``bankfeeds-mock serve`` command), not in a thread, so that
schemathesis and the server each have a core instead of taking turns on one interpreter lock.
Its clock is frozen and pushes complete at once, so date rules and push states are reproducible.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

#: A fixed Wednesday morning: the same instant every run, so the QBO date rules judge alike.
FROZEN_CLOCK = "2026-03-18T09:00:00Z"
HEALTH_PATH = "/_mock/health"


class EmulatorDidNotStart(RuntimeError):
    """The child process exited, or did not answer its health check in time."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the child binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def local_emulator(
    *, clock: str = FROZEN_CLOCK, seed: int | None = None, startup_timeout: float = 20.0
) -> Iterator[str]:
    """Run an emulator on a free loopback port for the duration of the block; yields its base URL."""
    host, port = "127.0.0.1", free_port()
    command = [
        sys.executable, "-m", "mock_server", "serve",
        "--host", host, "--port", str(port),
        "--clock", clock, "--push-delay", "0",
        # Thousands of generated calls on one tenant: a quota no run reaches keeps every answer the
        # operation's own, rate-limit headers included.
        "--daily-quota-base", str(10**9),
        # Fuzzing sends requests uvicorn cannot parse; its warnings would only clutter the summary.
        "--log-level", "error",
    ]  # fmt: skip
    if seed is not None:
        command += ["--seed", str(seed)]
    # The child must not inherit settings meant for another emulator (an API-key allow-list would
    # turn every contract request into a 401).
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKFEEDS_MOCK_")}
    child = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    url = f"http://{host}:{port}"
    try:
        _wait_until_healthy(child, url, startup_timeout)
        yield url
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _wait_until_healthy(child: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if child.poll() is not None:
                raise EmulatorDidNotStart(f"The emulator exited with code {child.returncode} while starting.")
            try:
                if client.get(url + HEALTH_PATH).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise EmulatorDidNotStart(f"The emulator did not answer {HEALTH_PATH} within {timeout:.0f} s.")
