"""``python -m benchmarks``: the emulator beside a bare Starlette app and Stoplight Prism, in one run.

Prints figures and ratios; nothing here passes or fails. Every server is its own process on
loopback, driven by the same load generator; the emulator and the bare app share one uvicorn
stack. On a shared machine read the ratios, not the absolute figures: the servers being compared
are measured in alternating rounds, so a burst of load elsewhere falls on both.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import sys
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime

import httpx
import orjson

from benchmarks.engine import rule_engine
from benchmarks.lists import VARIANTS, list_pages
from benchmarks.load import Result, alternating, request_bytes, run
from benchmarks.servers import prism_unavailable, rss_mb, server, stack

# The emulator runs as a user starts it (real-time clock, default push delay and polling), so
# the batches are dated today, at midnight: always in QBO's window and never in the future.
DAY = datetime.now(UTC).date().isoformat()
KEY = "bench"
AUTH = {"Authorization": "Basic " + base64.b64encode(KEY.encode()).decode()}
# Prism answers any ids; these are the document's example shapes (uuids).
PRISM_PUSH = ("/companies/8a210b68-6988-11ed-a1eb-0242ac120002/connections/2e9d2c44-f675-40ba-8049-353bfcb5e171"
              "/push/bankAccounts/acc-1/bankTransactions")


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


def batches(path: str, template: bytes, first: int = 0) -> Callable[[int], bytes]:
    """Request ``n`` carries batch ``first + n``: every transaction id in the run is new."""
    headers = {**AUTH, "Content-Type": "application/json"}

    def make(number: int) -> bytes:
        return request_bytes("POST", path, headers, template.replace(b"@@@@@@@@", f"{first + number:08d}".encode()))

    return make


def fixed(request: bytes) -> Callable[[int], bytes]:
    return lambda number: request


def describe(name: str, result: Result, unit: str = "requests") -> str:
    return (f"  {name}: {result.per_second:,.0f} {unit}/s, p50 {result.p50_ms:.2f} ms, "
            f"p99 {result.p99_ms:.2f} ms, statuses {result.statuses}")


def throughput(template: bytes, no_prism: bool, n: int, s: float, figures: set[str]) -> list[tuple[str, str, str]]:
    """The push and GET figures (those in ``figures``), each against its baseline."""
    rows: list[tuple[str, str, str]] = []
    why_not_prism = "skipped (--no-prism)" if no_prism else prism_unavailable()
    with server("bare") as bare, server("emulator") as emulator:
        path = linked_account(emulator.port)
        if "push" in figures:
            rows.extend(_pushes(bare.port, emulator.port, path, template, why_not_prism, n, s))
        if "get" in figures:
            rows.append(_gets(bare.port, emulator.port, path.split("/")[2], n, s))
    return rows


def _pushes(bare: int, emulator: int, path: str, template: bytes, why_not_prism: str | None, n: int,
            s: float) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    with server("ceilings") as ceilings, ExitStack() as more:
        drives = {
            "bare": (bare, lambda sent: batches("/post/x", template, sent)),
            "decode": (ceilings.port, lambda sent: batches("/decode/x", template, sent)),
            "rules": (ceilings.port, lambda sent: batches("/rules/x", template, sent)),
            "emulator": (emulator, lambda sent: batches(path, template, sent)),
        }
        if why_not_prism is None:
            prism = more.enter_context(server("prism"))
            drives["prism"] = (prism.port, lambda sent: batches(PRISM_PUSH, template, sent))
        push = alternating(drives, s, n)
    print("\n1000-transaction pushes (every id unique, all rules applied):")
    print(describe("bare POST (orjson parse + fixed answer)", push["bare"]))
    print(describe("ceiling: the emulator's decode + keep + echo", push["decode"]))
    print(describe("ceiling: that + the QBO rules and known ids", push["rules"]))
    print(describe("emulator create-bank-transactions", push["emulator"], "batches"))
    if "prism" in push:
        print(describe("Prism 5, silent, on Codat's document", push["prism"]))
    to_bare = push["emulator"].per_second / push["bare"].per_second
    rows.append(("1000-tx push, emulator / bare orjson parse, same stack", f"{to_bare:.2f}", ">= 1.0"))
    rows.append(("1000-tx push ceilings / bare: decode + echo; + rules",
                 f"{push['decode'].per_second / push['bare'].per_second:.2f}; "
                 f"{push['rules'].per_second / push['bare'].per_second:.2f}", "(context: no target)"))
    if "prism" in push:
        rows.append(("1000-tx push, emulator / silent Prism", f"{push['emulator'].per_second / push['prism'].per_second:.2f}", ">= 2.0"))
    else:
        print(f"  Prism not measured: {why_not_prism}")
        rows.append(("1000-tx push, emulator / silent Prism", f"not measured: {why_not_prism}", ">= 2.0"))
    return rows


def _gets(bare: int, emulator: int, company: str, n: int, s: float) -> tuple[str, str, str]:
    gets = alternating({
        "bare": (bare, lambda sent: fixed(request_bytes("GET", "/get/x", AUTH))),
        "emulator": (emulator, lambda sent: fixed(request_bytes("GET", f"/companies/{company}", AUTH))),
    }, s, n)
    print("\nGET one record:")
    print(describe("bare GET (fixed answer)", gets["bare"]))
    print(describe("emulator GET company", gets["emulator"]))
    return ("GET company, emulator / bare GET", f"{gets['emulator'].per_second / gets['bare'].per_second:.2f}", ">= 0.8")


def lists_figure(n: int, s: float) -> tuple[str, str, str]:
    with server("emulator") as emulator:  # a fresh one: earlier figures may have left a million transactions
        lists = list_pages(emulator.port, small=100, large=10_000, connections=n, seconds=s / 2)
    print("\nGET /companies, first page of 100 (requests/s in a tenant of 100 / of 10,000):")
    for variant, query in VARIANTS.items():
        print(f"  {variant:8s} {query}: {lists.small[variant].per_second:,.0f} / {lists.large[variant].per_second:,.0f}"
              f" = {lists.ratio(variant):.2f}x")
    return ("list page of 100, tenant of 10,000 / tenant of 100",
            ", ".join(f"{v} {lists.ratio(v):.2f}x" for v in VARIANTS), "<= 2x")


def stored_memory(template: bytes, n: int, count: int) -> tuple[str, str, str]:
    """Resident memory of a fresh emulator once ``count`` transactions are stored, in 1000-tx pushes."""
    with server("emulator") as emulator:
        path = linked_account(emulator.port)
        stored = asyncio.run(run(emulator.port, batches(path, template), connections=n, seconds=900, limit=count // 1000))
        written = stored.statuses.get(200, 0) * 1000
        memory = rss_mb(emulator.process.pid)
    print(f"\nresident memory after storing {written:,} transactions: {memory:.0f} MB "
          f"({stored.per_second * 1000:,.0f} transactions/s while filling)")
    return (f"RSS with {written:,} stored transactions", f"{memory:.0f} MB", "<= 300 MB")


#: The figures ``--only`` picks from, in the order they run.
FIGURES = ("engine", "memory", "push", "get", "lists")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0, help="load per server and figure, in 3 rounds (default 6)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections (default 16)")
    parser.add_argument("--stored", type=int, default=1_000_000, help="transactions stored for the memory figure")
    parser.add_argument("--no-prism", action="store_true", help="skip the Prism figure")
    parser.add_argument("--only", action="append", choices=FIGURES, metavar="FIGURE",
                        help=f"only this figure (repeatable): {', '.join(FIGURES)}; memory is idle RSS, start and "
                             "RSS with --stored transactions")
    args = parser.parse_args()
    figures = set(args.only or FIGURES)
    template = batch_template(1000)
    n, s = args.connections, args.seconds
    print(f"bankfeeds-mock benchmarks: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {stack()}, "
          f"batch body {len(template) / 1024:.0f} KiB, {n} connections, {s:.0f}s per server and figure\n", flush=True)
    rows: list[tuple[str, str, str]] = []

    if "engine" in figures:
        engine_empty, engine_full = rule_engine(template.replace(b"@@@@@@@@", b"00000001"), 300, 1_000_000)
        print(f"rule engine, valid 1000-transaction batch: p50 {engine_empty:.2f} ms; with 1,000,000 ids on the account "
              f"{engine_full:.2f} ms", flush=True)
        rows.append(("rule engine, valid 1000-tx batch", f"{engine_empty:.2f} ms ({engine_full:.2f} ms with 1M ids)",
                     "<= 0.15 ms, flat with 1M ids"))

    if "memory" in figures:
        starts: dict[str, list[tuple[float, float]]] = {"emulator": [], "bare": []}
        for _ in range(3):  # a fresh server each time, in turns, nothing else of ours running
            for kind, seen in starts.items():
                with server(kind) as running:
                    seen.append((running.healthy_after, rss_mb(running.process.pid)))
        (healthy, idle), (bare_healthy, bare_idle) = (
            (statistics.median(s[0] for s in seen), statistics.median(s[1] for s in seen)) for seen in starts.values()
        )
        print(f"start to healthy {healthy:.2f} s, resident memory idle {idle:.0f} MB (median of 3 starts; the bare "
              f"app on the same stack: {bare_healthy:.2f} s, {bare_idle:.0f} MB)", flush=True)
        rows.append(("idle RSS / start to healthy", f"{idle:.0f} MB / {healthy:.2f} s (bare app {bare_idle:.0f} MB / "
                     f"{bare_healthy:.2f} s)", "<= 45 MB / <= 0.4 s"))

    if figures & {"push", "get"}:
        rows.extend(throughput(template, args.no_prism, n, s, figures))
    if "lists" in figures:
        rows.append(lists_figure(n, s))
    if "memory" in figures:
        rows.append(stored_memory(template, n, args.stored))

    order = ["1000-tx push, emulator / bare", "1000-tx push ceilings", "1000-tx push, emulator / silent", "GET company", "rule engine", "RSS with",
             "idle RSS", "list page"]
    rows.sort(key=lambda row: next(i for i, start in enumerate(order) if row[0].startswith(start)))
    print("\n| figure | this run | target |\n|---|---|---|")
    for figure, value, target in rows:
        print(f"| {figure} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
