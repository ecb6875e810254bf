"""The servers a benchmark drives, each its own process on loopback: the emulator, the bare app,
the push's ceilings (:mod:`benchmarks.ceilings`), Prism.

The emulator, the bare app and the ceilings run on the same uvicorn, which picks its HTTP parser
and event loop itself (httptools and uvloop when installed): :func:`stack` says which, so a ratio
between them is always on one stack. Prism, the peer, is Stoplight's mock server from the npm registry,
installed into ``.cache/prism`` the first time and run silent on Codat's own document.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
#: Codat's document, read where it lies beside the repository (never copied into it).
CODAT_DOCUMENT = ROOT.parent / "shared" / "reference" / "Codat-Bank-Feeds.yaml"
PRISM_CACHE = ROOT / ".cache" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def stack() -> str:
    """The HTTP parser and event loop uvicorn picks here ("auto"), for both Python servers."""
    try:
        import httptools  # noqa: F401

        http = "httptools"
    except ImportError:
        http = "h11"
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    return f"uvicorn {http} + {loop}"


@dataclass(frozen=True)
class Running:
    port: int
    process: subprocess.Popen[bytes]
    #: Seconds from starting the process to its first healthy answer.
    healthy_after: float


def _emulator_command(port: int) -> list[str]:
    # Rate limits stay on (the default path, headers and all) with a quota no run reaches.
    command = [sys.executable, "-m", "mock_server", "serve", "--port", str(port), "--log-level", "warning",
               "--daily-quota-base", str(10**9)]
    help_text = subprocess.run([*command[:4], "--help"], capture_output=True, text=True).stdout
    if "--rate-limit" in help_text:
        command += ["--rate-limit", "off"]  # the bench measures the emulator, not its throttle
    return command


def _wait(process: subprocess.Popen[bytes], url: str, name: str, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while True:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"{name} exited: {error[-2000:]}")
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{name} did not answer within {timeout:.0f}s")
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            time.sleep(0.01)


@contextmanager
def server(kind: str) -> Iterator[Running]:
    """Start ``emulator``, ``bare``, ``ceilings`` or ``prism``; yield it once it answers; stop it after."""
    port = free_port()
    if kind == "emulator":
        command, health = _emulator_command(port), "/_mock/health"
    elif kind in ("bare", "ceilings"):
        command = [sys.executable, "-m", "uvicorn", f"benchmarks.{kind}:app", "--port", str(port),
                   "--log-level", "warning", "--no-access-log"]
        health = "/get/health"
    else:
        command, health = [str(prism_binary()), "mock", "-p", str(port), "-v", "silent", str(CODAT_DOCUMENT)], "/"
    # Python writes and reads its bytecode cache, as in any installed package, even where the shell
    # that runs the bench turned that off: the start figure is of a start as users get it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    try:
        _wait(process, f"http://127.0.0.1:{port}{health}", kind, 60 if kind == "prism" else 20)
        yield Running(port, process, time.perf_counter() - started)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def prism_binary() -> Path:
    return PRISM_CACHE / "node_modules" / ".bin" / "prism"


def prism_unavailable() -> str | None:
    """Why Prism cannot be measured here (no node or npm, no document, install failed), or None.

    Installs Prism into ``.cache/prism`` with npm the first time.
    """
    if not CODAT_DOCUMENT.is_file():
        return f"Codat's document is not at {CODAT_DOCUMENT.relative_to(ROOT.parent)} beside the repository"
    if prism_binary().exists():
        return None
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        return "node and npm are not installed"
    PRISM_CACHE.mkdir(parents=True, exist_ok=True)
    print(f"installing {PRISM_PACKAGE} into {PRISM_CACHE.relative_to(ROOT)} (once) ...", flush=True)
    done = subprocess.run([npm, "install", "--prefix", str(PRISM_CACHE), "--no-audit", "--no-fund", "--loglevel=error",
                           PRISM_PACKAGE], capture_output=True, text=True)
    if done.returncode != 0 or not prism_binary().exists():
        return f"npm could not install {PRISM_PACKAGE}: {done.stderr.strip()[-300:]}"
    return None
