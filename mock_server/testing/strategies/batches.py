"""Batches of bank transactions QBO accepts, and the transactions in them.

:func:`valid_batches` draws 1 to 1000 transactions with fresh ids, in chronological order, inside
the account's window; :func:`bodies` wraps one in a create-bank-transactions body. The helpers
(:func:`ordered_stamps`, :func:`items_at`, :func:`open_window`) are what the rule-breaking
strategies build their one broken rule on.

Big batches reuse :data:`DRAWN` drawn timestamps and field sets, so a batch of 1000 costs about as
much to generate as one of 12.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from mock_server.core.rules import MAX_BATCH, TRANSACTION_TYPES
from mock_server.testing.strategies.dates import local_datetimes, timespecs, zone_offsets
from mock_server.testing.strategies.model import AccountState, Json, end_of

#: Beyond this many items a batch reuses drawn timestamps and fields (see the module docstring).
DRAWN = 12


def amounts() -> SearchStrategy[float | int]:
    """Amounts and balances as JSON numbers: cents as floats, or whole numbers, of either sign."""
    return st.one_of(
        st.integers(-(10**11), 10**11).map(lambda cents: cents / 100),
        st.integers(-(10**6), 10**6),
    )


_AMOUNTS = amounts()
_DESCRIPTIONS = st.one_of(st.sampled_from(["Coffee", "Payment 0042", "Direct debit"]), st.text(min_size=1, max_size=30))


_TYPES_OR_NULL = st.sampled_from([*TRANSACTION_TYPES, None])
_TEXT_OR_NULL = st.one_of(st.none(), st.text(max_size=20))
_FLAG_OR_NULL = st.one_of(st.none(), st.booleans())
_ONE_IN_FOUR = st.integers(0, 3).map(lambda n: n == 3)


@st.composite
def _fields(draw: DrawFn) -> Json:
    """Every field of a valid transaction but id and date; optional ones sometimes."""
    item: Json = {"description": draw(_DESCRIPTIONS), "amount": draw(_AMOUNTS)}
    if draw(st.booleans()):
        item["balance"] = draw(_AMOUNTS)
    if draw(st.booleans()):
        item["transactionType"] = draw(_TYPES_OR_NULL)
    for name in ("counterparty", "reference"):
        if draw(_ONE_IN_FOUR):
            item[name] = draw(_TEXT_OR_NULL)
    if draw(_ONE_IN_FOUR):
        item["reconciled"] = draw(_FLAG_OR_NULL)
    return item


# Built once: Hypothesis pays for every new strategy object, and batches draw these many times.
_ZONES = zone_offsets()
_FIELDS = _fields()
_CHOICE = st.integers(0, 4)
_PREFIXES = st.one_of(st.sampled_from(["tx", "txn", "T"]), st.text(min_size=1, max_size=6))
_FIRST_NUMBER = st.integers(0, 20)


def transactions(ids: SearchStrategy[str], dates: SearchStrategy[str]) -> SearchStrategy[Json]:
    """One transaction QBO takes, with an id and a date drawn from the given strategies."""
    return st.builds(lambda tx_id, when, rest: {"id": tx_id, "date": when, **rest}, ids, dates, _FIELDS)


def _fresh_ids(draw: DrawFn, count: int, taken: frozenset[str]) -> list[str]:
    """``count`` distinct ids, none of them in ``taken``."""
    prefix = draw(_PREFIXES)
    number = draw(_FIRST_NUMBER)
    ids: list[str] = []
    while len(ids) < count:
        candidate = f"{prefix}-{number}"
        number += 1
        if candidate not in taken:
            ids.append(candidate)
    return ids


def ordered_stamps(draw: DrawFn, low: datetime, high: datetime, count: int) -> list[datetime]:
    """``count`` local date-times in [low, high], in order (equal neighbours happen)."""
    drawn = min(count, DRAWN)
    anchors = sorted(draw(st.lists(local_datetimes(low, high), min_size=drawn, max_size=drawn)))
    if not anchors:
        return []
    return [anchors[index * drawn // count] for index in range(count)]


def _spell(draw: DrawFn, stamp: datetime) -> str:
    """One of :func:`spellings` of ``stamp``, drawn without building a strategy per stamp."""
    forms = timespecs(stamp)
    if stamp.time() == time(0):
        forms = ["date", *forms]
    form = forms[draw(_CHOICE) % len(forms)]
    if form == "date":
        return stamp.date().isoformat()
    return stamp.isoformat(timespec=form) + draw(_ZONES)


def items_at(draw: DrawFn, stamps: Sequence[datetime], taken: frozenset[str]) -> list[Json]:
    """Valid transactions at these local date-times, in the order given."""
    ids = _fresh_ids(draw, len(stamps), taken)
    rests = [draw(_FIELDS) for _ in range(min(len(stamps), DRAWN))]
    items = []
    for index, stamp in enumerate(stamps):
        when = _spell(draw, stamp) if index < DRAWN else stamp.isoformat()
        items.append({"id": ids[index], "date": when, **rests[index % len(rests)]})
    return items


def open_window(today: date, account: AccountState) -> tuple[datetime, datetime]:
    low, high = account.lowest(today), end_of(today)
    if low > high:
        raise ValueError(
            f"account {account.account_id!r} accepts no date today ({today}): its window starts at {low}"
        )
    return low, high


def _sizes(min_size: int, max_size: int) -> SearchStrategy[int]:
    small = st.integers(min_size, min(max_size, max(min_size, DRAWN)))
    edges = [size for size in (1, MAX_BATCH - 1, MAX_BATCH) if min_size <= size <= max_size and size > DRAWN]
    if not edges:
        return small
    # One batch in eight is at an edge: a few of 1000 are worth more than many of 999.
    return st.sampled_from([False] * 7 + [True]).flatmap(lambda edge: st.sampled_from(edges) if edge else small)


@st.composite
def valid_batches(
    draw: DrawFn,
    today: date,
    account: AccountState | None = None,
    *,
    min_size: int = 1,
    max_size: int = MAX_BATCH,
) -> list[Json]:
    """Batches QBO accepts on ``account`` today: 1 to 1000 transactions, in chronological order.

    Ids are unique and not in ``account.known_ids``; dates fall in the window (from the later of
    the feed start date and today - 7, to the end of today) and are not older than
    ``account.latest``, written with any offset. Sizes are mostly small, one batch in eight at
    the edge (999 or 1000) when ``max_size`` allows. Raises ValueError when no date is open.
    (The account must also accept writes: see :attr:`AccountState.accepts_writes`.)
    """
    account = account or AccountState()
    if not 1 <= min_size <= max_size <= MAX_BATCH:
        raise ValueError(f"a valid batch holds 1 to {MAX_BATCH} transactions: got {min_size}..{max_size}")
    low, high = open_window(today, account)
    size = draw(_sizes(min_size, max_size))
    return items_at(draw, ordered_stamps(draw, low, high, size), account.known_ids)


def bodies(today: date, account: AccountState | None = None, *, max_size: int = MAX_BATCH) -> SearchStrategy[Json]:
    """Create-bank-transactions bodies QBO accepts: ``{"accountId": ..., "transactions": [...]}``."""
    account = account or AccountState()
    account_id = account.account_id
    return valid_batches(today, account, max_size=max_size).map(
        lambda batch: {"accountId": account_id, "transactions": batch}
    )
