"""The QBO bank-feed rules, as a pure function of data.

``check_batch`` answers every violation of the rule book (``QBO-RULES.md``) that one
"create bank transactions" request commits; an empty list means the batch is accepted.
It reads no clock, store or network: the caller passes the account's state and "now".

Rules, by ``validatorName`` (batch-level ones carry ``item_id=None``):

- ``AccountNotConnected``      the source account is not ``connected``, or QBO no longer
                               accepts writes to it (disconnected in QBO, credentials revoked).
- ``SingleAccountPerRequest``  the body's ``accountId`` is not the path's ``accountId``.
- ``BatchSize``                ``transactions`` is not an array of 1 to 1000 items.
- ``RequiredField``            an item is not an object, or ``id``, ``date``, ``description``,
                               ``amount`` is missing, null, empty or of the wrong type
                               (``amount``: a finite number, never a boolean).
- ``TransactionType``          ``transactionType``, when given, is not Credit, Debit or Unknown.
- ``DateFormat``               ``date`` is not an ISO 8601 date or date-time.
- ``DuplicateTransactionId``   the id repeats an earlier item of the batch, or was already
                               accepted on the account.
- ``ChronologicalOrder``       the item is dated earlier than the previous dated item.
- ``FutureDate``               the item's local date is after today (UTC date of ``now``).
- ``OlderThanLatest``          the item is dated earlier than the account's latest transaction.
- ``FeedStartWindow``          the item's local date is before the feed start date, or more
                               than ``HISTORY_DAYS`` days before today.

Dates are *local*: Codat keeps the wall-clock part of ``date`` and ignores any zone offset, so
every comparison is between naive date-times (a date alone counts as 00:00 of that day).

Every rule is checked on every item, and each (rule, item) pair yields at most one violation,
so a caller sees all that is wrong with a batch at once. The cost is linear in the batch.

``accepts`` is the hot path's judge: for transactions already decoded into typed records it says,
with whole-batch operations, whether ``check_batch`` would accept them; it never says yes where
``check_batch`` would not, and when it says no the caller asks ``check_batch`` for the violations.
``accepted_ids`` judges the same and answers yes with the batch's ids, which the writer adds.
``balance_after`` gives the account balance an accepted batch leaves behind.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from itertools import islice
from typing import Any, Protocol, TypeGuard

from mock_server.core.known_ids import NewIds, admit

__all__ = [
    "HISTORY_DAYS",
    "MAX_BATCH",
    "TRANSACTION_TYPES",
    "VALIDATOR_NAMES",
    "AccountView",
    "Record",
    "Violation",
    "accepted_ids",
    "accepts",
    "balance_after",
    "check_batch",
    "local_ticks",
    "parse_local",
]

MAX_BATCH = 1000  # the spec's maxItems on CreateBankTransactions.transactions
HISTORY_DAYS = 7  # QBO takes at most seven days of history before today

TRANSACTION_TYPES = frozenset({"Credit", "Debit", "Unknown"})

VALIDATOR_NAMES = (
    "AccountNotConnected",
    "SingleAccountPerRequest",
    "BatchSize",
    "RequiredField",
    "TransactionType",
    "DateFormat",
    "DuplicateTransactionId",
    "ChronologicalOrder",
    "FutureDate",
    "OlderThanLatest",
    "FeedStartWindow",
)

_REQUIRED = ("id", "date", "description", "amount")


@dataclass(frozen=True)
class Violation:
    """One broken rule: which one, on which transaction (None for the batch), and why."""

    validator_name: str
    item_id: str | None
    message: str


@dataclass(frozen=True)
class AccountView:
    """What the rules need to know of the source account (read-only view, built by the store)."""

    account_id: str
    status: str  # "pending" | "connected" | "disconnected"
    writable: bool  # False when disconnected in QBO (lag not yet passed) or credentials revoked
    feed_start_date: date | None  # already clamped at link time
    latest: datetime | None  # naive local date-time of the most recent accepted transaction
    known_ids: AbstractSet[str]  # ids already accepted on the account (core.known_ids.KnownIds)
    # The latest one in 100 ns ticks (local_ticks of its date), when known: it keeps the seventh
    # fractional digit ``latest`` cannot. None: ``latest`` alone is the bound.
    latest_ticks: int | None = None


# ---------------------------------------------------------------------------------------------
# Local dates

# The grammar accepted (mock decision): an ISO 8601 calendar date, extended format, optionally
# followed by a time (hours and minutes at least, seconds and any fraction optional) and an
# optional zone designator, which is matched only to be dropped. Basic-format and week dates,
# which datetime.fromisoformat also takes, are refused: no client sends them and Codat's docs
# show only the extended form.
_ISO_LOCAL = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[Tt ](?P<hm>[0-9]{2}:[0-9]{2})(?P<sec>:[0-9]{2})?(?:[.,](?P<frac>[0-9]+))?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)?)?",
    re.ASCII,
)
_fromisoformat = datetime.fromisoformat
# Every valid "hh:mm" of a zone offset, so the fast path checks one with a set lookup.
_OFFSETS = frozenset(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))


def parse_local(value: object) -> datetime | None:
    """ISO 8601 date or date-time -> naive local datetime; zone offset IGNORED.

    The wall-clock part is kept: ``'2026-03-18T23:30:00-05:00'`` -> 2026-03-18 23:30.
    A date alone -> 00:00. Fractional seconds (beyond microseconds: truncated) and ``Z`` are
    accepted. None if the value is not a str or does not parse (out-of-range fields included).
    """
    if not isinstance(value, str):
        return None
    # Fast path for the shapes clients send (2026-03-18, 2026-03-18T10:00:00 with an optional
    # fraction and Z or +hh:mm): a few character tests, then the C parser checks digits and
    # ranges. Anything else, or anything in doubt, goes to the reference parser below;
    # test_rules pins the two together.
    n = len(value)
    if n == 10:
        local = value if value[4] == "-" and value[7] == "-" else None
    elif (
        n >= 19
        and value[4] == "-"
        and value[7] == "-"
        and value[10] in "Tt "
        and value[13] == ":"
        and value[16] == ":"
    ):
        end = n
        if value[-1] in "Zz":
            end = n - 1
        elif n >= 25 and value[-6] in "+-" and value[-5:] in _OFFSETS:
            end = n - 6
        local = value[:end] if end == 19 or (end > 19 and value[19] == ".") else None
    else:
        local = None
    if local is not None:
        try:
            parsed = _fromisoformat(local)
        except ValueError:
            return None
        if parsed.tzinfo is None:  # else a second offset hid in the fraction: let strict judge
            return parsed
    return _parse_local_strict(value)


# Codat writes timestamps with seven fractional digits (100 ns, .NET's tick), and the rule book
# (DateFormat row) compares dates at the full precision given: a datetime holds six, so the
# order rules compare integer ticks instead. Digits past the seventh are below Codat's precision.
_EPOCH = datetime(1, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def local_ticks(value: object) -> int | None:
    """ISO 8601 date or date-time -> its local wall-clock instant as 100 ns ticks since 0001-01-01.

    The key ChronologicalOrder and OlderThanLatest compare: ``'...T10:00:00.0000002'`` is one
    tick after ``'...T10:00:00.0000001'``. None exactly when :func:`parse_local` gives None.
    """
    local = parse_local(value)
    return _ticks(local, value) if local is not None and isinstance(value, str) else None


def _ticks(local: datetime, raw: str) -> int:
    """The ticks of ``local`` (what ``raw`` parsed to), with the seventh fractional digit of ``raw``."""
    ticks = (local - _EPOCH) // _MICROSECOND * 10
    # Every form the grammar takes puts the seconds' fraction at index 19 ("YYYY-MM-DDThh:mm:ss.").
    if len(raw) > 26 and raw[19] in ".," and raw[20:27].isdigit():
        ticks += ord(raw[26]) - 48
    return ticks


def _datetime_ticks(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND * 10


def _show_ticks(ticks: int) -> str:
    """A local instant in ticks, as datetime.isoformat(sep=' ') would show it, seventh digit included."""
    moment = _EPOCH + timedelta(microseconds=ticks // 10)
    if ticks % 10 == 0:
        return moment.isoformat(sep=" ")
    return moment.isoformat(sep=" ", timespec="microseconds") + str(ticks % 10)


def _parse_local_strict(value: str) -> datetime | None:
    """The reference parser: every form the grammar allows, via the regular expression."""
    match = _ISO_LOCAL.fullmatch(value)
    if match is None:
        return None
    text = match["date"]
    if match["hm"] is not None:
        text += "T" + match["hm"] + (match["sec"] or ":00")
        if match["frac"] is not None:
            if match["sec"] is None:  # a fraction of a minute: ISO allows it, nobody sends it
                return None
            text += "." + match["frac"]  # 3.11's parser truncates past microseconds itself
    try:
        return _fromisoformat(text)
    except ValueError:
        return None


def _today(now: datetime) -> date:
    # The rule book's "today" is the virtual clock's date in UTC.
    if now.tzinfo is None:
        return now.date()
    return now.astimezone(UTC).date()


# ---------------------------------------------------------------------------------------------
# Message helpers (only reached on the error path, so clarity over speed)


def _show(value: object, limit: int = 60) -> str:
    """A short, quoted rendering of a client value for a message."""
    text = repr(value) if isinstance(value, str) else _json_literal(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_literal(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return _json_type(value)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _label(tx_id: object, index: int) -> str:
    if isinstance(tx_id, str) and tx_id:
        return f"Transaction {_show(tx_id)}"
    return f"Transaction at index {index}"


def _dated(raw: str, local: datetime | int, date_only: bool) -> str:
    """'2026-03-18' or '2026-03-18T23:30:00-05:00 (local date 2026-03-18)'; ``local`` may be ticks."""
    if isinstance(local, int):
        shown = _show_ticks(local)
    else:
        shown = local.date().isoformat() if date_only else local.isoformat(sep=" ")
    if raw == shown:
        return shown
    kind = "local date" if date_only else "local"
    return f"{raw} ({kind} {shown})"


def _is_number(value: object) -> TypeGuard[int | float | Decimal]:
    # JSON booleans are not amounts, and NaN/Infinity (which Python's json lets through) can't
    # be posted to a ledger.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return False


def _field_problem(name: str, value: object, present: bool) -> str | None:
    if not present:
        return f"{name} is missing"
    if value is None:
        return f"{name} is null"
    if value == "":
        return f"{name} is empty"
    if name == "amount":
        if not _is_number(value):
            if isinstance(value, (float, Decimal)):
                return f"amount is {_show(value)}, not a finite number"
            return f"amount is {_json_type(value)} ({_show(value)}), not a number"
        return None
    if not isinstance(value, str):
        return f"{name} is {_json_type(value)} ({_show(value)}), not a string"
    return None


def _required_field(item: Mapping[str, object], index: int) -> Violation | None:
    problems = [
        problem
        for name in _REQUIRED
        if (problem := _field_problem(name, item.get(name), name in item)) is not None
    ]
    if not problems:
        return None
    tx_id = item.get("id")
    return Violation(
        "RequiredField",
        tx_id if isinstance(tx_id, str) and tx_id else None,
        f"{_label(tx_id, index)}: {'; '.join(problems)}. "
        "QBO requires id, date, description (strings) and amount (a number) on every transaction.",
    )


def _batch_level(
    path_account_id: str, body_account_id: object, transactions: object, account: AccountView
) -> list[Violation]:
    out: list[Violation] = []
    if account.status != "connected":
        out.append(
            Violation(
                "AccountNotConnected",
                None,
                f"Account {_show(account.account_id)} is {account.status}: only an account the "
                "SMB user has linked in QBO (status connected) can receive transactions.",
            )
        )
    elif not account.writable:
        out.append(
            Violation(
                "AccountNotConnected",
                None,
                f"Account {_show(account.account_id)} was disconnected in QBO or its bank-feed "
                "credentials were revoked: QBO refuses every write to it.",
            )
        )
    if body_account_id != path_account_id:
        got = "missing" if body_account_id is None else _show(body_account_id)
        out.append(
            Violation(
                "SingleAccountPerRequest",
                None,
                f"The body's accountId is {got} but the path names account "
                f"{_show(path_account_id)}: one request writes to one source account.",
            )
        )
    if not isinstance(transactions, list):
        got = "missing" if transactions is None else _json_type(transactions)
        out.append(
            Violation(
                "BatchSize",
                None,
                f"transactions is {got}: send an array of 1 to {MAX_BATCH} transactions.",
            )
        )
    elif not transactions:
        out.append(
            Violation(
                "BatchSize",
                None,
                f"The batch holds no transactions: send 1 to {MAX_BATCH} per request.",
            )
        )
    elif len(transactions) > MAX_BATCH:
        out.append(
            Violation(
                "BatchSize",
                None,
                f"The batch holds {len(transactions)} transactions: send at most {MAX_BATCH} "
                "per request.",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# The rules


@dataclass(frozen=True)
class _Window:
    """The dates a batch may carry, as of ``now``: read at each call, never cached."""

    today: date
    earliest: date  # HISTORY_DAYS before today
    feed_start: date | None
    floor: date  # the later of the two: the first day QBO takes
    latest: int | None  # the account's latest transaction in 100 ns ticks: none may be older

    @classmethod
    def of(cls, account: AccountView, now: datetime) -> _Window:
        today = _today(now)
        earliest = today - timedelta(days=HISTORY_DAYS)
        feed_start = account.feed_start_date
        floor = earliest if feed_start is None or feed_start < earliest else feed_start
        latest = account.latest_ticks
        if latest is None and account.latest is not None:
            latest = _datetime_ticks(account.latest)
        return cls(today, earliest, feed_start, floor, latest)


def check_batch(
    path_account_id: str,
    body_account_id: object,
    transactions: object,
    account: AccountView,
    now: datetime,
) -> list[Violation]:
    """Every violation of the rule book for this request; [] means accept.

    Pure: no clock, no I/O. ``now`` is an aware datetime (or naive, meaning UTC); today is its
    UTC date. Never raises on malformed input: a wrong shape is reported as a violation.
    Batch-level violations come first, then each item's, in array order.
    """
    window = _Window.of(account, now)
    if _clearly_valid(path_account_id, body_account_id, transactions, account, window):
        return []
    out = _batch_level(path_account_id, body_account_id, transactions, account)
    if isinstance(transactions, list):
        _walk(transactions, account, window, out)
    return out


# ---------------------------------------------------------------------------------------------
# The walk: every item, every rule, a message for each violation


def _walk(transactions: list[object], account: AccountView, window: _Window, out: list[Violation]) -> None:
    """Append each item's violations to ``out``, item by item, in rule order."""
    seen: dict[str, int] = {}  # id -> index of its first occurrence
    prev: tuple[int, int] | None = None  # index and ticks of the previous dated item
    for index, item in enumerate(transactions):
        if not isinstance(item, dict):
            out.append(
                Violation(
                    "RequiredField",
                    None,
                    f"Transaction at index {index} is {_json_type(item)}, not an object "
                    "with id, date, description and amount.",
                )
            )
            continue
        tx_id = item.get("id")
        item_id = tx_id if isinstance(tx_id, str) and tx_id != "" else None
        _shape(item, index, item_id, out)
        if item_id is not None:
            _duplicate(item_id, index, seen, account, out)
        raw_date = item.get("date")
        if not isinstance(raw_date, str) or raw_date == "":
            continue  # already a RequiredField violation; the date rules need a date
        local = parse_local(raw_date)
        if local is None:
            out.append(
                Violation(
                    "DateFormat",
                    item_id,
                    f"{_label(tx_id, index)} has date {_show(raw_date)}, which is not an ISO "
                    "8601 date or date-time (e.g. 2026-03-18 or 2026-03-18T14:30:00).",
                )
            )
            continue
        ticks = _ticks(local, raw_date)
        if prev is not None and ticks < prev[1]:
            out.append(_out_of_order(transactions, index, item_id, raw_date, ticks, prev))
        prev = (index, ticks)
        _dated_rules(item_id, index, raw_date, local, ticks, window, out)


def _shape(item: dict[str, object], index: int, item_id: str | None, out: list[Violation]) -> None:
    """RequiredField and TransactionType: the fields' presence and types."""
    raw_date = item.get("date")
    description = item.get("description")
    amount = item.get("amount")
    if not (
        item_id is not None
        and isinstance(raw_date, str)
        and raw_date != ""
        and isinstance(description, str)
        and description != ""
        and (type(amount) is int or (type(amount) is float and math.isfinite(amount)))
    ):
        # Rare: amounts of other numeric types still pass; the rest is reported.
        violation = _required_field(item, index)
        if violation is not None:
            out.append(violation)
    tx_type = item.get("transactionType")
    if tx_type is not None and (not isinstance(tx_type, str) or tx_type not in TRANSACTION_TYPES):
        out.append(
            Violation(
                "TransactionType",
                item_id,
                f"{_label(item.get('id'), index)} has transactionType {_show(tx_type)}: QBO "
                "accepts only Credit, Debit or Unknown.",
            )
        )


def _duplicate(item_id: str, index: int, seen: dict[str, int], account: AccountView, out: list[Violation]) -> None:
    """DuplicateTransactionId: an id already on the account, or earlier in the batch."""
    first = seen.get(item_id)
    if item_id in account.known_ids:
        out.append(
            Violation(
                "DuplicateTransactionId",
                item_id,
                f"{_label(item_id, index)} was already written to account "
                f"{_show(account.account_id)}: an id is never reused on an account.",
            )
        )
    elif first is not None:
        out.append(
            Violation(
                "DuplicateTransactionId",
                item_id,
                f"{_label(item_id, index)} at index {index} repeats the id of the "
                f"transaction at index {first}: ids are unique within a batch.",
            )
        )
    if first is None:
        seen[item_id] = index


def _out_of_order(
    transactions: list[object],
    index: int,
    item_id: str | None,
    raw_date: str,
    ticks: int,
    prev: tuple[int, int],
) -> Violation:
    """ChronologicalOrder: the item is dated before the previous dated item (compared in ticks)."""
    prev_index, prev_ticks = prev
    before = transactions[prev_index]  # a dict: only dicts set prev
    before_id = before.get("id") if isinstance(before, dict) else None
    return Violation(
        "ChronologicalOrder",
        item_id,
        f"{_label(item_id, index)} is dated {_dated(raw_date, ticks, False)}, earlier "
        f"than the transaction before it ({_label(before_id, prev_index)}, "
        f"{_show_ticks(prev_ticks)}): transactions must be in chronological order.",
    )


def _dated_rules(
    item_id: str | None,
    index: int,
    raw_date: str,
    local: datetime,
    ticks: int,
    window: _Window,
    out: list[Violation],
) -> None:
    """FutureDate, OlderThanLatest and FeedStartWindow: the item's date against the account's."""
    day = local.date()
    today = window.today
    if day > today:
        out.append(
            Violation(
                "FutureDate",
                item_id,
                f"{_label(item_id, index)} is dated {_dated(raw_date, local, True)}, after "
                f"today ({today.isoformat()}): QBO refuses future-dated transactions.",
            )
        )
    latest = window.latest
    if latest is not None and ticks < latest:
        out.append(
            Violation(
                "OlderThanLatest",
                item_id,
                f"{_label(item_id, index)} is dated {_dated(raw_date, ticks, False)}, older "
                "than the most recent transaction already written to the account "
                f"({_show_ticks(latest)}).",
            )
        )
    if day < window.floor:
        if window.floor is window.feed_start:  # the feed start date is the later, binding bound
            why = f"before the account's feed start date ({window.floor.isoformat()})"
        else:
            why = (
                f"more than {HISTORY_DAYS} days before today ({today.isoformat()}); "
                f"the earliest date QBO takes is {window.earliest.isoformat()}"
            )
        out.append(
            Violation(
                "FeedStartWindow",
                item_id,
                f"{_label(item_id, index)} is dated {_dated(raw_date, local, True)}, {why}.",
            )
        )


# ---------------------------------------------------------------------------------------------
# Shortcuts for the common case, a valid batch
#
# Each only ever answers "valid" for a batch the walk would accept; anything else, or anything in
# doubt, takes the walk, which names each violation.


# A batch of dicts (the precise path) judged with whole-batch operations: the item shapes by a
# compiled JSON Schema (Rust), the rest by set and C-level comparisons over the batch. It only
# ever answers "valid" for a batch the full walk below would accept (its date syntax is a subset
# of parse_local's, every other test is the same rule); anything else takes the full walk, which
# names each violation. A 1000-item batch costs about half the walk.
_CLEARLY_VALID_ITEMS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "date", "description", "amount"],
        "properties": {
            "id": {"type": "string", "minLength": 1},
            "date": {
                "type": "string",
                "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?)?$",
            },
            "description": {"type": "string", "minLength": 1},
            "amount": {"type": "number"},
            "transactionType": {"enum": [*sorted(TRANSACTION_TYPES), None]},
        },
    },
}


@cache
def _clearly_valid_items() -> Any:
    import jsonschema_rs  # compiled with the first batch of dicts, not by an emulator that has none

    return jsonschema_rs.Draft202012Validator(_CLEARLY_VALID_ITEMS)


def _clearly_valid(
    path_account_id: str,
    body_account_id: object,
    transactions: object,
    account: AccountView,
    window: _Window,
) -> bool:
    if body_account_id != path_account_id or account.status != "connected" or not account.writable:
        return False
    if not isinstance(transactions, list) or not 1 <= len(transactions) <= MAX_BATCH:
        return False
    if not _clearly_valid_items().is_valid(transactions):
        return False
    try:
        moments = [_fromisoformat(item["date"]) for item in transactions]
    except ValueError:  # 2026-02-30 and the like: DateFormat, named by the walk
        return False
    ids = [item["id"] for item in transactions]
    known = account.known_ids
    first, last = moments[0], moments[-1]
    return (
        len(set(ids)) == len(ids)
        and not any(map(known.__contains__, ids))
        and all(map(operator.le, moments, islice(moments, 1, None)))
        and last.date() <= window.today
        and first.date() >= window.floor
        and (window.latest is None or _datetime_ticks(first) >= window.latest)
    )


class Record(Protocol):
    """A transaction whose fields are typed already (as :class:`mock_server.core.model.Txn` is)."""

    @property
    def id(self) -> str: ...

    @property
    def date(self) -> str: ...


def accepts(
    path_account_id: str,
    body_account_id: str,
    records: Sequence[Record],
    account: AccountView,
    now: datetime,
) -> bool:
    """True only when :func:`check_batch` would accept the batch these typed records came from.

    For records decoded into :class:`mock_server.core.model.Txn`: id, date and description are
    non-empty strings, amount a finite number, transactionType one of QBO's or absent. That leaves
    the rules between items and against the account, judged here with whole-batch operations:
    no per-item message, no per-item date parse. False when a rule is broken or a date takes a
    form left to the walk; the caller then asks :func:`check_batch` what is wrong.
    """
    return accepted_ids(path_account_id, body_account_id, records, account, now) is not None


def accepted_ids(
    path_account_id: str,
    body_account_id: str,
    records: Sequence[Record],
    account: AccountView,
    now: datetime,
) -> NewIds | None:
    """What :func:`accepts` judges, answered with the batch's ids when it would say True (None
    otherwise): found new once, for the writer to add to the account's
    (:mod:`~mock_server.core.known_ids`)."""
    if body_account_id != path_account_id or account.status != "connected" or not account.writable:
        return None
    count = len(records)
    if not 1 <= count <= MAX_BATCH:
        return None
    ids = admit(account.known_ids, [record.id for record in records])
    if ids is None:
        return None
    dates = [record.date for record in records]
    if dates.count(dates[0]) == count:  # one date for the whole batch, as a day's batch often has
        only = _date_key(dates[0])
        if only is None:
            return None
        first = last = only
    else:
        keys: dict[str, str] = {}
        for raw in set(dates):  # a batch holds few distinct dates: each is read once
            key = _date_key(raw)
            if key is None:
                return None
            keys[raw] = key
        ordered = list(map(keys.__getitem__, dates))
        if not all(map(operator.le, ordered, islice(ordered, 1, None))):
            return None
        first, last = ordered[0], ordered[-1]
    window = _Window.of(account, now)
    if (
        last[:10] <= window.today.isoformat()
        and first[:10] >= window.floor.isoformat()
        and (window.latest is None or first >= _key_of(window.latest))
    ):
        return ids
    return None


# The date forms accepted without the walk: the extended ISO 8601 shapes clients send, with any
# fraction down to the nanosecond, and Z or a +hh:mm offset (matched only to be dropped).
_PLAIN_DATE = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:T([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,9}))?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?",
    re.ASCII,
)


def _date_key(raw: str) -> str | None:
    """The local date-time of ``raw`` as a fixed-width text, 2026-03-18T10:00:00.0000000, whose
    order is the order of time; None for any form left to the walk, or an impossible date.

    Full precision: a text, never a float or a datetime, so 100 ns apart is apart.
    """
    match = _PLAIN_DATE.fullmatch(raw)
    if match is None:
        return None
    day, clock, fraction = match.groups()
    try:
        _fromisoformat(day if clock is None else f"{day}T{clock}")
    except ValueError:
        return None
    # Seven digits, as the walk's ticks: below Codat's 100 ns nothing is apart.
    return f"{day}T{clock or '00:00:00'}.{(fraction or '')[:7].ljust(7, '0')}"


def _key_of(ticks: int) -> str:
    """The account's latest instant (100 ns ticks) as a :func:`_date_key`."""
    moment = _EPOCH + timedelta(microseconds=ticks // 10)
    return moment.isoformat(timespec="microseconds") + str(ticks % 10)


# ---------------------------------------------------------------------------------------------
# After acceptance


def _field(item: object, name: str) -> object:
    # A batch of dicts (the precise path) or of typed records (Txn, whose absent fields are UNSET).
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _balance(item: object) -> Decimal | None:
    """The item's balance when it carries a usable one; anything else counts as not given."""
    value = _field(item, "balance")
    if not _is_number(value):
        return None
    # Through str, so 0.1 is 0.1 and sums of cents don't drift as binary floats do.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def balance_after(transactions: Sequence[object], current_balance: float | None) -> float:
    """The source account's balance once ``transactions`` (an accepted batch) is written.

    The last transaction's ``balance`` when it has one (rule book). Otherwise (mock decision):
    the last balance given in the batch, or ``current_balance`` if none is, plus the amounts of
    the transactions after it. Balances and amounts that are not finite numbers count as absent;
    an account with no balance yet (``None``) starts from 0.
    """
    start = len(transactions)
    base: Decimal | None = None
    while start > 0 and base is None:
        start -= 1
        base = _balance(transactions[start])
    if base is None:
        base = Decimal(str(current_balance or 0))
        start = -1
    total = base
    for item in transactions[start + 1 :]:
        amount = _field(item, "amount")
        if _is_number(amount):
            total += amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return float(total)
