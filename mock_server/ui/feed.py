"""QuickBooks' register of one bank feed, as a pure function of the account: rows with a running balance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from mock_server.core.model import PENDING, SUCCESS, SourceAccount, balance_of


@dataclass(frozen=True)
class FeedRow:
    id: str
    date: str
    description: str
    amount: float
    balance: float
    polled_at: datetime


def running_balances(items: Sequence[tuple[float, float | None]], closing: float | None) -> list[float]:
    """The balance after each ``(amount, carried balance)`` item, in order.

    A carried balance is taken as given; otherwise the previous balance plus the amount (the rule
    book's reading of a missing balance). Items before the first carried balance are worked back
    from it; when none carries one, from ``closing``, the account's balance after the last item.
    """
    result: list[Decimal | None] = []
    running: Decimal | None = None
    for amount, carried in items:
        if carried is not None:
            running = Decimal(str(carried))
        elif running is not None:
            running += Decimal(str(amount))
        result.append(running)
    if not result:
        return []
    first = next((i for i, (_, carried) in enumerate(items) if carried is not None), None)
    if first is None:
        first = len(items) - 1
        result[first] = Decimal(str(closing or 0))
        # Only the last row was anchored: rebuild every row before it from the back.
    for i in range(first - 1, -1, -1):
        after = result[i + 1]
        assert after is not None  # filled from ``first`` downwards
        result[i] = after - Decimal(str(items[i + 1][0]))
    return [float(value) for value in result if value is not None]


def feed_rows(account: SourceAccount) -> list[FeedRow]:
    """Every transaction QBO has pulled for the account, oldest first, with its running balance.

    Accepted transactions still waiting for a poll take part in the computation, because the
    account's balance already counts them; they are not shown.
    """
    pulled = [(chunk.polled_at, txn) for chunk in account.feed for txn in chunk.transactions]
    waiting = [txn for op in account.waiting if op.status in (PENDING, SUCCESS) for txn in op.transactions]
    items = [(txn.amount, balance_of(txn)) for _, txn in pulled] + [(txn.amount, balance_of(txn)) for txn in waiting]
    balances = running_balances(items, account.balance)
    return [
        FeedRow(txn.id, txn.date[:10], txn.description, txn.amount, balance, polled_at)
        for (polled_at, txn), balance in zip(pulled, balances, strict=False)
    ]
