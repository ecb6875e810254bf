"""The hot path's pieces, timed in-process on one 1000-transaction batch: decode, judge, store.

``python -m benchmarks.engine`` prints them; :func:`rule_engine` is the figure the push hot
path pays for the QBO rules (``rules.accepts`` on records decoded into ``Txn``), beside the
precise engine (``rules.check_batch`` on parsed dicts) that ``python -m benchmarks`` reports.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import msgspec
import orjson

from mock_server.core.known_ids import KnownIds
from mock_server.core.model import Batch
from mock_server.core.rules import AccountView, accepts, check_batch

PATH = "acc-1"


def batch_body(size: int = 1000, day: str | None = None) -> bytes:
    """A valid batch dated today at midnight, every id unique (the body ``python -m benchmarks`` posts)."""
    day = day or datetime.now(UTC).date().isoformat()
    transactions = [
        {"id": f"00000001-{i:04d}", "date": f"{day}T00:00:00", "description": f"Card payment {i}",
         "amount": -12.5, "balance": 1000.0 - i}
        for i in range(size)
    ]
    return orjson.dumps({"accountId": PATH, "transactions": transactions})


def p50_ms(work: Callable[[], object], rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def rule_engine(batch: bytes, rounds: int = 300, history: int = 1_000_000) -> tuple[float, float]:
    """p50 ms of the rules the push hot path runs (``accepts`` on ``batch`` decoded into ``Txn``
    records): against an empty account, and one holding ``history`` ids already."""
    decoded = msgspec.json.Decoder(Batch).decode(batch)
    now = datetime.now(UTC)

    def on(known: KnownIds) -> float:
        view = AccountView(decoded.account_id, "connected", True, None, None, known)
        assert accepts(decoded.account_id, decoded.account_id, decoded.transactions, view, now)
        return p50_ms(lambda: accepts(decoded.account_id, decoded.account_id, decoded.transactions, view, now), rounds)

    # The history as an account holds it: earlier pushes of 1000, numbered as the bench numbers them.
    full = KnownIds()
    for number in range(2, 2 + history // 1000):
        full.add(_Pushed([f"{number:08d}-{i:04d}" for i in range(1000)]))
    return on(KnownIds()), on(full)


class _Pushed:
    """An earlier push, as an account's known ids hold it."""

    def __init__(self, ids: list[str]) -> None:
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> list[str]:
        return self._ids


def main() -> int:
    body = batch_body()
    decoder = msgspec.json.Decoder(Batch)
    dicts = orjson.loads(body)["transactions"]
    view = AccountView(PATH, "connected", True, None, None, KnownIds())
    now = datetime.now(UTC)
    print(f"one valid batch of 1000 transactions, {len(body) / 1024:.0f} KiB, p50 of 300 rounds")
    print(f"  orjson.loads (the bare app's parse):           {p50_ms(lambda: orjson.loads(body), 300):.3f} ms")
    print(f"  msgspec decode into Batch (types checked too): {p50_ms(lambda: decoder.decode(body), 300):.3f} ms")
    print(f"  check_batch on parsed dicts (precise path):    "
          f"{p50_ms(lambda: check_batch(PATH, PATH, dicts, view, now), 300):.3f} ms")
    empty, full = rule_engine(body)
    print(f"  accepts on decoded records (hot path):         {empty:.3f} ms; with 1,000,000 ids on the account "
          f"{full:.3f} ms (ratio {full / empty:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
