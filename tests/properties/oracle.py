"""A reference model of the QBO rule book, as plain as it can be written.

Deliberately independent of ``mock_server.core.rules``: no regular expression, no datetime parsing.
Dates are read by slicing strings and compared as strings: a local date-time becomes the key
``YYYY-MM-DDTHH:MM:SS.ffffff`` (the zone offset dropped, a date alone at 00:00:00), and such keys
sort the way the date-times do. Every check walks the batch with a plain loop.

The rule book (QBO-RULES.md) fixes what is checked; the engine's module docstring fixes the
details the rule book leaves open, which this model follows:

- required fields: ``id``, ``date``, ``description`` are non-empty strings; ``amount`` is a
  finite number and not a boolean. An item that is not an object breaks this rule alone.
- the date grammar: ``YYYY-MM-DD``, optionally ``T``, ``t`` or a space and ``hh:mm``, optional
  ``:ss``, optional fraction (``.`` or ``,`` then digits, only after seconds), optional zone
  ``Z``/``z`` or ``+hh``, ``+hhmm``, ``+hh:mm`` (hours 00-23).
- each (rule, transaction) pair is reported once; batch-level rules carry no item id; an item's
  id is named when it is a non-empty string.
- an item without a usable date skips the date rules; the order is checked against the previous
  item whose date was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

DIGITS = "0123456789"
TYPES = ("Credit", "Debit", "Unknown")


@dataclass(frozen=True)
class Account:
    """What the rule book looks at on the source account."""

    status: str = "connected"
    writable: bool = True
    feed_start: str | None = None  # "YYYY-MM-DD"
    latest: str | None = None  # a key, see local_key
    known_ids: frozenset[str] = field(default_factory=frozenset)


def all_digits(text: str) -> bool:
    if text == "":
        return False
    for char in text:
        if char not in DIGITS:
            return False
    return True


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
        return 29 if leap else 28
    if month in (4, 6, 9, 11):
        return 30
    return 31


def valid_day(text: str) -> bool:
    """'YYYY-MM-DD', a real calendar day of year 1 to 9999."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    year, month, day = text[0:4], text[5:7], text[8:10]
    if not (all_digits(year) and all_digits(month) and all_digits(day)):
        return False
    if int(year) < 1 or not 1 <= int(month) <= 12:
        return False
    return 1 <= int(day) <= days_in_month(int(year), int(month))


def valid_zone(text: str) -> bool:
    """'Z', 'z', '+hh', '+hhmm', '+hh:mm' (or with '-'); hours 00-23, minutes 00-59."""
    if text in ("Z", "z"):
        return True
    if len(text) < 3 or text[0] not in "+-":
        return False
    hours, rest = text[1:3], text[3:]
    if not all_digits(hours) or int(hours) > 23:
        return False
    if rest == "":
        return True
    if rest[0] == ":":
        rest = rest[1:]
    return len(rest) == 2 and all_digits(rest) and int(rest) <= 59


def local_key(text: str) -> str | None:
    """The key of an ISO 8601 local date or date-time, or None if the text is not one."""
    day = text[:10]
    if not valid_day(day):
        return None
    rest = text[10:]
    if rest == "":
        return day + "T00:00:00.000000"
    if rest[0] not in "Tt ":
        return None
    clock = rest[1:]
    # The zone starts at a Z or at the first sign: a time holds neither.
    for index, char in enumerate(clock):
        if char in "Zz+-":
            if not valid_zone(clock[index:]):
                return None
            clock = clock[:index]
            break
    if len(clock) < 5 or clock[2] != ":":
        return None
    hours, minutes, rest = clock[0:2], clock[3:5], clock[5:]
    seconds, fraction = "00", ""
    if rest != "":
        if rest[0] != ":" or len(rest) < 3:
            return None
        seconds, rest = rest[1:3], rest[3:]
        if rest != "":
            if rest[0] not in ".,":
                return None
            fraction = rest[1:]
            if not all_digits(fraction):
                return None
    if not (all_digits(hours) and all_digits(minutes) and all_digits(seconds)):
        return None
    if int(hours) > 23 or int(minutes) > 59 or int(seconds) > 59:
        return None
    micro = (fraction + "000000")[:6]
    return f"{day}T{hours}:{minutes}:{seconds}.{micro}"


def usable_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def usable_amount(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return False


def verdict(
    path_account_id: str,
    body_account_id: object,
    transactions: object,
    account: Account,
    today: str,
) -> list[tuple[str, str | None]]:
    """Every (validatorName, transaction id) the rule book says this request breaks."""
    found: list[tuple[str, str | None]] = []
    if account.status != "connected" or not account.writable:
        found.append(("AccountNotConnected", None))
    if body_account_id != path_account_id:
        found.append(("SingleAccountPerRequest", None))
    if not isinstance(transactions, list):
        found.append(("BatchSize", None))
        return found
    if len(transactions) == 0 or len(transactions) > 1000:
        found.append(("BatchSize", None))

    seven_days_ago = (date.fromisoformat(today) - timedelta(days=7)).isoformat()
    floor = seven_days_ago
    if account.feed_start is not None and account.feed_start > floor:
        floor = account.feed_start

    seen_ids: set[str] = set()
    previous_key: str | None = None
    for item in transactions:
        if not isinstance(item, dict):
            found.append(("RequiredField", None))
            continue
        tx_id = item.get("id")
        name = tx_id if isinstance(tx_id, str) and tx_id != "" else None

        if not (
            usable_text(item.get("id"))
            and usable_text(item.get("date"))
            and usable_text(item.get("description"))
            and usable_amount(item.get("amount"))
        ):
            found.append(("RequiredField", name))

        kind = item.get("transactionType")
        if kind is not None and kind not in TYPES:
            found.append(("TransactionType", name))

        if name is not None:
            if name in account.known_ids or name in seen_ids:
                found.append(("DuplicateTransactionId", name))
            seen_ids.add(name)

        raw = item.get("date")
        if not isinstance(raw, str) or raw == "":
            continue
        key = local_key(raw)
        if key is None:
            found.append(("DateFormat", name))
            continue
        if previous_key is not None and key < previous_key:
            found.append(("ChronologicalOrder", name))
        previous_key = key
        if key[:10] > today:
            found.append(("FutureDate", name))
        if account.latest is not None and key < account.latest:
            found.append(("OlderThanLatest", name))
        if key[:10] < floor:
            found.append(("FeedStartWindow", name))
    return found


def shape_fault(transactions: object) -> bool:
    """Whether a field no QBO rule reads departs from the documented BankTransaction shape.

    Our OpenAPI document types ``balance`` as a number, ``counterparty`` and ``reference`` as a
    string or null, ``reconciled`` as a boolean or null; the emulator refuses anything else under
    the validatorName ``Schema``, beside the rules' own findings.
    """
    if not isinstance(transactions, list):
        return False
    for item in transactions:
        if not isinstance(item, dict):
            continue
        if "balance" in item and not (isinstance(item["balance"], (int, float)) and not isinstance(item["balance"], bool)):
            return True
        for name in ("counterparty", "reference"):
            if name in item and item[name] is not None and not isinstance(item[name], str):
                return True
        if "reconciled" in item and item["reconciled"] is not None and not isinstance(item["reconciled"], bool):
            return True
    return False


def expected_names(
    path_account_id: str, body_account_id: object, transactions: object, account: Account, today: str
) -> set[str]:
    """The validatorNames the emulator's answer lists: the rules' and, for a shape fault, Schema."""
    names = {name for name, _ in verdict(path_account_id, body_account_id, transactions, account, today)}
    if shape_fault(transactions):
        names.add("Schema")
    return names
