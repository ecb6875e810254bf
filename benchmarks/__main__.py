"""``python -m benchmarks``: the emulator measured beside a bare Starlette app, in one run.

Prints figures and ratios; nothing here passes or fails. Both servers run as separate processes on
the same stack (uvicorn, one worker, loopback), driven by the same load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import orjson

from benchmarks.load import Result, request_bytes, run
from mock_server.core.rules import AccountView, check_batch

# The emulator runs as a user starts it (real-time clock, default push delay and polling), so
# the batches are dated today, at midnight: always in QBO's window and never in the future.
DAY = datetime.now(UTC).date().isoformat()
KEY = "bench"
AUTH = {"Authorization": "Basic " + base64.b64encode(KEY.encode()).decode()}


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


@contextmanager
def server(kind: str) -> Iterator[tuple[int, subprocess.Popen[bytes], float]]:
    """Start the emulator or the bare app; yield its port, process and seconds to healthy."""
    port = free_port()
    if kind == "emulator":
        # Rate limits stay on (the default path, headers and all) with a quota no run reaches.
        command = [sys.executable, "-m", "mock_server", "serve", "--port", str(port), "--log-level", "warning",
                   "--daily-quota-base", str(10**9)]
        health = "/_mock/health"
    else:
        command = [sys.executable, "-m", "uvicorn", "benchmarks.bare:app", "--port", str(port),
                   "--log-level", "warning", "--no-access-log"]
        health = "/get/health"
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}{health}", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.01)
        yield port, process, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(10)


def batch_template(size: int) -> bytes:
    """A valid batch whose ids carry a placeholder, so each request is unique for one replace()."""
    transactions = [
        {"id": f"@@@@@@@@-{i:04d}", "date": f"{DAY}T00:00:00", "description": f"Card payment {i}",
         "amount": -12.5, "balance": 1000.0 - i}
        for i in range(size)
    ]
    return orjson.dumps({"accountId": "acc-1", "transactions": transactions})


def linked_account(port: int) -> str:
    """Company, hcws connection, source account, linked in QBO: the path to write to."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as c:
        company = c.post("/companies", json={"name": "Bench"}).json()["id"]
        connection = c.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()["id"]
        accounts = f"/companies/{company}/connections/{connection}/connectionInfo/bankFeedAccounts"
        c.post(accounts, json={"id": "acc-1", "accountName": "Main", "accountType": "checking",
                               "accountNumber": "1", "currency": "USD", "balance": 0})
        credentials = c.post(f"{accounts}/credentials", json={}).json()
        c.post("/_mock/qbo/link", json={**credentials, "accounts": [{"sourceAccountId": "acc-1", "feedStartDate": DAY}]})
        return f"/companies/{company}/connections/{connection}/push/bankAccounts/acc-1/bankTransactions"


def batches(path: str, template: bytes) -> Callable[[int], bytes]:
    headers = {**AUTH, "Content-Type": "application/json"}

    def make(number: int) -> bytes:
        return request_bytes("POST", path, headers, template.replace(b"@@@@@@@@", f"{number:08d}".encode()))

    return make


def describe(name: str, result: Result, unit: str = "requests") -> str:
    return (f"{name}: {result.per_second:,.0f} {unit}/s over {result.seconds:.1f}s, p50 {result.p50_ms:.2f} ms, "
            f"p99 {result.p99_ms:.2f} ms, statuses {result.statuses}")


def rule_engine(size: int, rounds: int, history: int) -> tuple[float, float]:
    """p50 of check_batch on a valid batch: against an empty account, and one with ``history`` ids."""
    transactions = orjson.loads(batch_template(size).replace(b"@@@@@@@@", b"00000001"))["transactions"]
    now = datetime.now(UTC)

    def p50(known: set[str]) -> float:
        view = AccountView("acc-1", "connected", True, None, None, known)
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            violations = check_batch("acc-1", "acc-1", transactions, view, now)
            timings.append(time.perf_counter() - started)
            assert not violations, violations
        return statistics.median(timings) * 1000

    return p50(set()), p50({f"old-{i}" for i in range(history)})


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each load run (default 5)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent keep-alive connections (default 4)")
    parser.add_argument("--stored", type=int, default=1_000_000, help="transactions stored for the memory figure")
    args = parser.parse_args()
    template = batch_template(1000)
    print(f"bankfeeds-mock benchmarks: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"batch body {len(template) / 1024:.0f} KiB, {args.connections} connections, {args.seconds:.0f}s per run\n")

    engine_empty, engine_full = rule_engine(1000, 300, 1_000_000)
    print(f"rule engine, 1000-transaction batch: p50 {engine_empty:.2f} ms (target < 2 ms); "
          f"with 1,000,000 ids already on the account: p50 {engine_full:.2f} ms (ratio {engine_full / engine_empty:.2f})")

    with server("bare") as (port, _, _):
        bare_post = asyncio.run(run(port, batches("/post/x", template), connections=args.connections, seconds=args.seconds))
        get_bytes = request_bytes("GET", "/get/x", AUTH)
        bare_get = asyncio.run(run(port, lambda n: get_bytes, connections=args.connections, seconds=args.seconds))
    with server("emulator") as (port, process, healthy):
        idle = rss_mb(process.pid)
        path = linked_account(port)
        emulator_post = asyncio.run(run(port, batches(path, template), connections=args.connections, seconds=args.seconds))
        company = path.split("/")[2]
        company_get = request_bytes("GET", f"/companies/{company}", AUTH)
        emulator_get = asyncio.run(run(port, lambda n: company_get, connections=args.connections, seconds=args.seconds))
    print(f"\nstart to healthy: {healthy:.2f} s (target < 1 s); resident memory idle: {idle:.0f} MB (target < 60 MB)")
    print(describe("bare POST (parse + fixed answer)", bare_post))
    print(describe("emulator create-bank-transactions", emulator_post, "batches"))
    print(f"  = {emulator_post.per_second * 1000:,.0f} transactions/s; ratio to bare {emulator_post.per_second / bare_post.per_second:.2f} (target >= 0.4)")
    print(describe("bare GET", bare_get))
    print(describe("emulator GET company", emulator_get))
    print(f"  ratio to bare {emulator_get.per_second / bare_get.per_second:.2f} (target >= 0.7)")

    with server("emulator") as (port, process, _):
        path = linked_account(port)
        count = args.stored // 1000
        stored = asyncio.run(run(port, batches(path, template), connections=args.connections, seconds=600, limit=count))
        print(f"\nresident memory after storing {stored.statuses.get(200, 0) * 1000:,} transactions: "
              f"{rss_mb(process.pid):.0f} MB (target < 500 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
