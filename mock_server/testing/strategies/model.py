"""What the strategies take and give: the account a batch meets, the request that carries it.

Two facts decide whether QBO takes a batch: *today* and the :class:`AccountState` of the source
account written to. A rule-breaking strategy hands back a :class:`PushRequest` that says where to
send the body and which ``validatorName`` it breaks (one of :data:`RULES`). Dates here are naive
*local* date-times: QBO keeps the wall clock and ignores zone offsets.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from mock_server.core.rules import HISTORY_DAYS, VALIDATOR_NAMES

#: Every ``validatorName`` of the rule book, in its order. The first two are answered 404 (the path
#: names no such connection or account) before the batch is looked at; the rest 400.
RULES: tuple[str, ...] = ("ConnectionNotFound", "AccountNotFound", *VALIDATOR_NAMES)

Json = dict[str, Any]

MICROSECOND = timedelta(microseconds=1)

#: The characters of generated ids: URL-safe, so an id can stand in a path.
ID_ALPHABET = string.ascii_letters + string.digits + "-_"


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0))


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59, 999999))


@dataclass(frozen=True)
class AccountState:
    """What QBO's rules know of the source account a batch is written to.

    ``latest`` is the naive local date-time of the most recent transaction accepted on the
    account; ``known_ids`` the ids accepted on it. ``writable`` is False once the SMB user
    disconnected the feed in QBO or revoked the credentials (Codat's ``status`` still reads
    ``connected`` for a while then).
    """

    account_id: str = "acc-1"
    status: str = "connected"
    writable: bool = True
    feed_start_date: date | None = None
    latest: datetime | None = None
    known_ids: frozenset[str] = frozenset()

    @property
    def accepts_writes(self) -> bool:
        return self.status == "connected" and self.writable

    def earliest(self, today: date) -> date:
        """The first local date a transaction may carry: the later of the feed start date and today - 7."""
        floor = today - timedelta(days=HISTORY_DAYS)
        start = self.feed_start_date
        return floor if start is None or start < floor else start

    def lowest(self, today: date) -> datetime:
        """The earliest local date-time a transaction may carry today (window and latest)."""
        low = midnight(self.earliest(today))
        return low if self.latest is None or self.latest < low else self.latest


def accepts_date(local: datetime, today: date, account: AccountState) -> bool:
    """Whether the date rules let a transaction at naive local date-time ``local`` through today."""
    return account.lowest(today) <= local and local.date() <= today


@dataclass(frozen=True)
class PushRequest:
    """A create-bank-transactions request, the account state it meets, and the rule it breaks.

    Send ``body`` to ``.../push/bankAccounts/{path_account_id}/bankTransactions`` of a connection
    that holds an account in state ``account`` (when ``connection_exists`` is False: of a
    connection id that does not exist). ``breaks`` is the one ``validatorName`` the request
    breaks; None means QBO accepts it.
    """

    account: AccountState
    path_account_id: str
    body: Json
    breaks: str | None = None
    connection_exists: bool = True

    @property
    def transactions(self) -> object:
        return self.body.get("transactions")
