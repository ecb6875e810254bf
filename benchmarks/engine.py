"""The rule engine alone: one valid 1000-transaction batch, on an empty account and a full one."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

import orjson

from mock_server.core.rules import AccountView, check_batch


def rule_engine(batch: bytes, rounds: int, history: int) -> tuple[float, float]:
    """p50 ms of check_batch on ``batch``: against an empty account, and one with ``history`` ids."""
    transactions = orjson.loads(batch)["transactions"]
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
