"""Hypothesis strategies for what an integrator writes to QuickBooks Online bank feeds.

Two facts decide whether QBO takes a batch of bank transactions: *today* (the emulator's virtual
clock, as a UTC date) and the :class:`AccountState` of the source account written to (status, feed
start date, latest transaction, ids already used). Every strategy takes them as arguments and
generates requests whose verdict is known in advance:

- :func:`valid_batches`, :func:`bodies`, :func:`transactions`: what QBO accepts.
- :func:`breaking`: a request that breaks exactly one rule of the rule book, named by its
  ``validatorName`` (all of them are in :data:`RULES`), and nothing else.
- :func:`spellings`, :func:`zone_offsets`, :func:`window_edges`, :func:`dates_around_window_edges`:
  dates as clients write them. Dates are *local*: QBO keeps the wall clock and ignores any zone
  offset, so ``2026-03-18T23:59:59-05:00`` is 18 March, not the 19th.
- :func:`account_states`: states of a source account that can happen in QBO.
- :func:`source_accounts`: create-source-account bodies, v1 or v2.

Example::

    from datetime import date
    from hypothesis import given
    from mock_server.testing import strategies as qbo

    TODAY = date(2026, 3, 18)

    @given(qbo.valid_batches(TODAY))
    def test_my_client_sends_what_qbo_takes(batch): ...

    @given(qbo.breaking("FutureDate", TODAY))
    def test_my_client_surfaces_the_rejection(request): ...

Big batches (up to :data:`MAX_BATCH` items) reuse a dozen drawn timestamps and field sets, so a
batch of 1000 costs about as much to generate as one of 12.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from mock_server.core.rules import HISTORY_DAYS, MAX_BATCH, TRANSACTION_TYPES, VALIDATOR_NAMES

__all__ = [
    "HISTORY_DAYS",
    "MAX_BATCH",
    "RULES",
    "TRANSACTION_TYPES",
    "AccountState",
    "PushRequest",
    "accepts_date",
    "account_states",
    "amounts",
    "bodies",
    "breakable",
    "breaking",
    "dates_around_window_edges",
    "local_datetimes",
    "source_accounts",
    "spellings",
    "transactions",
    "valid_batches",
    "window_edges",
    "zone_offsets",
]

#: Every ``validatorName`` of the rule book, in its order. The first two are answered 404 (the path
#: names no such connection or account) before the batch is looked at; the rest 400.
RULES: tuple[str, ...] = ("ConnectionNotFound", "AccountNotFound", *VALIDATOR_NAMES)

Json = dict[str, Any]

_MICROSECOND = timedelta(microseconds=1)
# Beyond this many items a batch reuses drawn timestamps and fields (see the module docstring).
_DRAWN = 12


# ---------------------------------------------------------------------------------------------
# The account written to


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
        low = _midnight(self.earliest(today))
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


# ---------------------------------------------------------------------------------------------
# Dates


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59, 999999))


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def zone_offsets() -> SearchStrategy[str]:
    """Zone designators a client may append to a date-time: none, ``Z``, or ``±hh:mm``.

    Offsets run from -12:00 to +14:00, the extremes in use on Earth, where a wall clock is
    furthest from UTC. QBO ignores them all.
    """
    return st.one_of(
        st.sampled_from(["", "Z", "-12:00", "+14:00", "-05:00", "+05:30", "+05:45", "+00:00"]),
        st.integers(-12 * 60, 14 * 60).map(_offset),
    )


def _timespecs(local: datetime) -> list[str]:
    # Only the precisions that keep every digit of ``local``: the spelling must read back as it.
    if local.microsecond == 0:
        specs = ["seconds", "milliseconds", "microseconds"]
        return ["minutes", *specs] if local.second == 0 else specs
    if local.microsecond % 1000 == 0:
        return ["milliseconds", "microseconds"]
    return ["microseconds"]


def spellings(local: datetime, offsets: SearchStrategy[str] | None = None) -> SearchStrategy[str]:
    """ISO 8601 strings QBO reads as exactly the naive local date-time ``local``.

    A date alone when ``local`` is midnight; otherwise ``YYYY-MM-DDTHH:MM`` with seconds and a
    fraction as far as its precision needs, then any zone offset (``offsets``, default
    :func:`zone_offsets`), which does not change the meaning.
    """
    clock = st.sampled_from(_timespecs(local)).map(lambda spec: local.isoformat(timespec=spec))
    written = st.tuples(clock, offsets if offsets is not None else zone_offsets()).map("".join)
    if local.time() == time(0):
        return st.one_of(st.just(local.date().isoformat()), written)
    return written


def local_datetimes(low: datetime, high: datetime) -> SearchStrategy[datetime]:
    """Naive local date-times from ``low`` to ``high`` inclusive, often exactly on an edge.

    Edges: both bounds, one microsecond inside each, the midnights and last seconds of the days
    in between. Also whole seconds and whole days, the precisions clients send most.
    """
    if low > high:
        raise ValueError(f"empty range of local date-times: {low} > {high}")
    edges = {low, high, min(low + _MICROSECOND, high), max(high - _MICROSECOND, low)}
    edges |= {_midnight(high.date()), datetime.combine(low.date(), time(23, 59, 59))}
    if (high - low).days <= 3:
        day = low.date()
        while day <= high.date():
            edges |= {_midnight(day), datetime.combine(day, time(23, 59, 59)), _end_of(day)}
            day += timedelta(days=1)
    inside = sorted(edge for edge in edges if low <= edge <= high)

    def clamp(value: datetime) -> datetime:
        return max(low, min(high, value))

    anywhere = st.datetimes(min_value=low, max_value=high)
    return st.one_of(
        st.sampled_from(inside),
        anywhere,
        anywhere.map(lambda moment: clamp(moment.replace(microsecond=0))),
        st.dates(min_value=low.date(), max_value=high.date()).map(lambda day: clamp(_midnight(day))),
    )


def window_edges(today: date, account: AccountState | None = None) -> SearchStrategy[datetime]:
    """Naive local date-times at the edges of what the date rules accept, on both sides.

    The first and last instants of the window (earliest allowed day, end of today), the instants
    just outside them, the account's latest transaction and just before it, and the midnight of
    that day. Check one with :func:`accepts_date`.
    """
    account = account or AccountState()
    first = _midnight(account.earliest(today))
    edges = {
        first,
        first - _MICROSECOND,
        first - timedelta(seconds=1),
        _end_of(today),
        datetime.combine(today, time(23, 59, 59)),
        _midnight(today + timedelta(days=1)),
        _midnight(today - timedelta(days=HISTORY_DAYS + 1)),
    }
    if account.latest is not None:
        latest = account.latest
        edges |= {latest, latest - _MICROSECOND, _midnight(latest.date())}
    return st.sampled_from(sorted(edges))


def dates_around_window_edges(today: date, account: AccountState | None = None) -> SearchStrategy[str]:
    """:func:`window_edges` written as clients write them, with any zone offset (ignored by QBO).

    ``2026-03-18T23:59:59.999999-05:00`` is still today; ``2026-03-19T00:00:00+14:00`` is
    already tomorrow, though both are other days in UTC.
    """
    return window_edges(today, account).flatmap(spellings)


# ---------------------------------------------------------------------------------------------
# Transactions


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


def _stamps(draw: DrawFn, low: datetime, high: datetime, count: int) -> list[datetime]:
    """``count`` local date-times in [low, high], in order (equal neighbours happen)."""
    drawn = min(count, _DRAWN)
    anchors = sorted(draw(st.lists(local_datetimes(low, high), min_size=drawn, max_size=drawn)))
    if not anchors:
        return []
    return [anchors[index * drawn // count] for index in range(count)]


def _spell(draw: DrawFn, stamp: datetime) -> str:
    """One of :func:`spellings` of ``stamp``, drawn without building a strategy per stamp."""
    forms = _timespecs(stamp)
    if stamp.time() == time(0):
        forms = ["date", *forms]
    form = forms[draw(_CHOICE) % len(forms)]
    if form == "date":
        return stamp.date().isoformat()
    return stamp.isoformat(timespec=form) + draw(_ZONES)


def _items(draw: DrawFn, stamps: Sequence[datetime], taken: frozenset[str]) -> list[Json]:
    """Valid transactions at these local date-times, in the order given."""
    ids = _fresh_ids(draw, len(stamps), taken)
    rests = [draw(_FIELDS) for _ in range(min(len(stamps), _DRAWN))]
    items = []
    for index, stamp in enumerate(stamps):
        when = _spell(draw, stamp) if index < _DRAWN else stamp.isoformat()
        items.append({"id": ids[index], "date": when, **rests[index % len(rests)]})
    return items


def _window(today: date, account: AccountState) -> tuple[datetime, datetime]:
    low, high = account.lowest(today), _end_of(today)
    if low > high:
        raise ValueError(
            f"account {account.account_id!r} accepts no date today ({today}): its window starts at {low}"
        )
    return low, high


def _sizes(min_size: int, max_size: int) -> SearchStrategy[int]:
    small = st.integers(min_size, min(max_size, max(min_size, _DRAWN)))
    edges = [size for size in (1, MAX_BATCH - 1, MAX_BATCH) if min_size <= size <= max_size and size > _DRAWN]
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
    low, high = _window(today, account)
    size = draw(_sizes(min_size, max_size))
    return _items(draw, _stamps(draw, low, high, size), account.known_ids)


def bodies(today: date, account: AccountState | None = None, *, max_size: int = MAX_BATCH) -> SearchStrategy[Json]:
    """Create-bank-transactions bodies QBO accepts: ``{"accountId": ..., "transactions": [...]}``."""
    account = account or AccountState()
    account_id = account.account_id
    return valid_batches(today, account, max_size=max_size).map(
        lambda batch: {"accountId": account_id, "transactions": batch}
    )


# ---------------------------------------------------------------------------------------------
# Account states


_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


def _known_ids() -> SearchStrategy[frozenset[str]]:
    return st.lists(
        st.one_of(st.sampled_from([f"tx-{n}" for n in range(6)]), st.text(_ID_ALPHABET, min_size=1, max_size=8)),
        min_size=1,
        max_size=5,
        unique=True,
    ).map(frozenset)


@st.composite
def _history(draw: DrawFn, low: datetime, high: datetime) -> tuple[datetime | None, frozenset[str]]:
    if low > high or not draw(st.booleans()):
        return None, frozenset()
    return draw(local_datetimes(low, high)), draw(_known_ids())


@st.composite
def account_states(draw: DrawFn, today: date, account_id: str = "acc-1") -> AccountState:
    """Connected source accounts as they can be in QBO today.

    The feed start date is within the last seven days or older (chosen long ago: the seven-day
    clamp applies at link time only). Half of them have history: a latest transaction between
    the feed start date and the end of today, and the ids written so far.
    """
    feed_start = draw(
        st.one_of(
            st.dates(min_value=today - timedelta(days=HISTORY_DAYS), max_value=today),
            st.dates(min_value=today - timedelta(days=60), max_value=today - timedelta(days=HISTORY_DAYS + 1)),
        )
    )
    latest, known = draw(_history(_midnight(feed_start), _end_of(today)))
    return AccountState(account_id, "connected", True, feed_start, latest, known)


def _not_writable(state: AccountState) -> SearchStrategy[AccountState]:
    return st.sampled_from(
        [
            AccountState(state.account_id, "pending", False),
            replace(state, status="disconnected", writable=False),
            replace(state, writable=False),  # disconnected in QBO, Codat's status not turned yet
        ]
    )


@st.composite
def _with_latest_inside(draw: DrawFn, today: date, account_id: str) -> AccountState:
    # OlderThanLatest needs room in the window before the latest transaction.
    state: AccountState = draw(account_states(today, account_id))
    first = _midnight(state.earliest(today))
    latest = draw(local_datetimes(first + _MICROSECOND, _end_of(today)))
    return replace(state, latest=latest, known_ids=state.known_ids or draw(_known_ids()))


@st.composite
def _with_room_before_window(draw: DrawFn, today: date, account_id: str) -> AccountState:
    # FeedStartWindow needs a date before the window that is not older than the latest one.
    state: AccountState = draw(account_states(today, account_id))
    first = _midnight(state.earliest(today))
    if state.latest is None or state.latest < first:
        return state
    if state.feed_start_date is not None and _midnight(state.feed_start_date) < first:
        latest, known = draw(_history(_midnight(state.feed_start_date), first - _MICROSECOND))
        return replace(state, latest=latest, known_ids=known)
    return replace(state, latest=None, known_ids=frozenset())


def _states_for(name: str, today: date, account_id: str) -> SearchStrategy[AccountState]:
    if name == "AccountNotConnected":
        return account_states(today, account_id).flatmap(_not_writable)
    if name == "OlderThanLatest":
        return _with_latest_inside(today, account_id)
    if name == "FeedStartWindow":
        return _with_room_before_window(today, account_id)
    return account_states(today, account_id)


# ---------------------------------------------------------------------------------------------
# Breaking one rule


def breakable(today: date, account: AccountState) -> tuple[str, ...]:
    """The rules a request can break alone against ``account`` today (see :func:`breaking`)."""
    names = ["ConnectionNotFound", "AccountNotFound"]
    low, high = account.lowest(today), _end_of(today)
    if low > high:  # no date is open: every batch breaks a date rule
        return tuple(names)
    if not account.accepts_writes:
        return (*names, "AccountNotConnected")  # and every other rule comes with this one
    names += [
        "SingleAccountPerRequest",
        "BatchSize",
        "RequiredField",
        "TransactionType",
        "DateFormat",
        "DuplicateTransactionId",
        "FutureDate",
    ]
    if low < high:
        names.append("ChronologicalOrder")
    first = _midnight(account.earliest(today))
    if account.latest is not None and account.latest > first:
        names.append("OlderThanLatest")
    if account.latest is None or account.latest < first:
        names.append("FeedStartWindow")
    return tuple(name for name in RULES if name in names)


def breaking(validator_name: str, today: date, account: AccountState | None = None) -> SearchStrategy[PushRequest]:
    """Requests that break exactly the rule ``validator_name``, and no other, today.

    Against ``account`` when given (ValueError if it cannot be broken alone there: see
    :func:`breakable`); otherwise against an account state drawn to suit the rule (a pending,
    disconnected or no longer writable one for ``AccountNotConnected``, one with history for
    ``OlderThanLatest``...). Send it as :class:`PushRequest` says: a 404 for the first two of
    :data:`RULES`, else a 400 whose ``validation.errors`` all carry ``validator_name``.
    """
    if validator_name not in RULES:
        raise ValueError(f"unknown validatorName {validator_name!r}: expected one of {', '.join(RULES)}")
    if account is not None and validator_name not in breakable(today, account):
        raise ValueError(f"{validator_name} cannot be broken alone on {account} today ({today})")
    if account is not None:
        states: SearchStrategy[AccountState] = st.just(account)
    else:
        # Drawn to suit the rule; the filter only drops the rare corner (a latest transaction at
        # the very last microsecond of today leaves no room for two dates out of order).
        states = _states_for(validator_name, today, "acc-1").filter(
            lambda state: validator_name in breakable(today, state)
        )
    breaker = _BREAKERS[validator_name]
    return states.flatmap(lambda state: _broken(breaker, validator_name, today, state))


@st.composite
def _broken(draw: DrawFn, breaker: _Breaker, name: str, today: date, state: AccountState) -> PushRequest:
    request: PushRequest = breaker(draw, today, state)
    return replace(request, breaks=name)


_Breaker = Callable[[DrawFn, date, AccountState], PushRequest]


def _request(state: AccountState, batch: object, **changes: Any) -> PushRequest:
    return replace(PushRequest(state, state.account_id, {"accountId": state.account_id, "transactions": batch}), **changes)


def _valid(draw: DrawFn, today: date, state: AccountState, min_size: int = 1) -> list[Json]:
    batch: list[Json] = draw(valid_batches(today, state, min_size=min_size, max_size=max(min_size, _DRAWN)))
    return batch


def _some(draw: DrawFn, count: int) -> list[int]:
    """A non-empty set of indices of a batch of ``count``, in order."""
    return sorted(draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=3, unique=True)))


def _connection_not_found(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    return _request(state, _valid(draw, today, state), connection_exists=False)


def _account_not_found(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    other = draw(st.text(_ID_ALPHABET, min_size=1, max_size=12).filter(lambda text: text != state.account_id))
    request = _request(state, _valid(draw, today, state))
    return replace(request, path_account_id=other, body={**request.body, "accountId": other})


def _account_not_connected(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    return _request(state, _valid(draw, today, state))


def _single_account_per_request(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    request = _request(state, _valid(draw, today, state))
    others = [state.account_id + "-2", state.account_id.swapcase(), state.account_id + " ", "", None, 42, _MISSING]
    other = draw(st.sampled_from([value for value in others if value != state.account_id]))
    body = {key: value for key, value in request.body.items() if key != "accountId"}
    if other is not _MISSING:
        body["accountId"] = other
    return replace(request, body=body)


def _batch_size(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    shape = draw(st.sampled_from(["empty", "oversized", "not an array", "missing"]))
    if shape == "empty":
        return _request(state, [])
    if shape == "oversized":
        size = draw(st.integers(MAX_BATCH + 1, MAX_BATCH + 3))
        low, high = _window(today, state)
        return _request(state, _items(draw, _stamps(draw, low, high, size), state.known_ids))
    if shape == "not an array":
        item = _valid(draw, today, state)[0]
        return _request(state, draw(st.sampled_from([None, item, "transactions", 3, True])))
    request = _request(state, None)
    return replace(request, body={"accountId": state.account_id})


_MISSING = object()  # a body without accountId at all

_WRONG_TYPES: dict[str, list[object]] = {
    "id": [42, True, ["tx-1"], {"id": "tx-1"}],
    "date": [20260318, True, ["2026-03-18"]],
    "description": [5, False, ["Coffee"]],
    "amount": ["12.50", True, False, [], {"value": 1}],
}


def _required_field(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    batch = _valid(draw, today, state)
    for index in _some(draw, len(batch)):
        how = draw(st.sampled_from(["missing", "null", "empty", "wrong type", "not an object"]))
        if how == "not an object":
            batch[index] = draw(st.sampled_from([None, "tx-1", 5, [], True]))
            continue
        name = draw(st.sampled_from(["id", "date", "description", "amount"]))
        if how == "missing":
            del batch[index][name]
        elif how == "wrong type":
            batch[index][name] = draw(st.sampled_from(_WRONG_TYPES[name]))
        else:
            batch[index][name] = None if how == "null" else ""
    return _request(state, batch)


def _transaction_type(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    batch = _valid(draw, today, state)
    wrong = st.one_of(
        st.sampled_from(["credit", "DEBIT", "Fee", "Int", "Xfer", "Payment", "", " Credit", 1, True, ["Credit"]]),
        st.text(max_size=10).filter(lambda text: text not in TRANSACTION_TYPES),
    )
    for index in _some(draw, len(batch)):
        batch[index]["transactionType"] = draw(wrong)
    return _request(state, batch)


def _bad_dates(day: date) -> list[str]:
    """Strings QBO cannot read as a date, near the date ``day``."""
    iso = day.isoformat()
    return [
        day.strftime("%d/%m/%Y"),
        day.strftime("%m/%d/%Y"),
        f"{day.year:04d}{day.month:02d}{day.day:02d}",  # basic format: valid ISO, not taken
        iso[:7],
        iso + "T",
        iso + "T10",
        iso + "T24:00:00",
        iso + "T10:60:00",
        iso + "T10:00:60",
        iso + "T10:00:00+24:00",
        iso + "T10:00:00.",
        iso + "Z",
        " " + iso,
        iso + " ",
        f"{day.year:04d}-13-01",
        f"{day.year:04d}-02-30",
        f"{day.year:04d}-W01-1",
        "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in iso),  # full-width digits
        "yesterday",
        "N/A",
    ]


def _date_format(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    batch = _valid(draw, today, state)
    for index in _some(draw, len(batch)):
        day = date.fromisoformat(str(batch[index]["date"])[:10])
        batch[index]["date"] = draw(st.sampled_from(_bad_dates(day)))
    return _request(state, batch)


def _duplicate_transaction_id(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    reuse_known = bool(state.known_ids) and draw(st.booleans())
    batch = _valid(draw, today, state, min_size=1 if reuse_known else 2)
    if reuse_known:
        for index in _some(draw, len(batch)):
            batch[index]["id"] = draw(st.sampled_from(sorted(state.known_ids)))
            # Two items given the same known id would both be reported, still DuplicateTransactionId.
        return _request(state, batch)
    later = draw(st.integers(1, len(batch) - 1))
    earlier = draw(st.integers(0, later - 1))
    batch[later]["id"] = batch[earlier]["id"]
    return _request(state, batch)


def _chronological_order(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    low, high = _window(today, state)
    earlier = draw(local_datetimes(low, high - _MICROSECOND))
    later = draw(local_datetimes(earlier + _MICROSECOND, high))
    before = _stamps(draw, low, earlier, draw(st.integers(0, 3)))
    after = _stamps(draw, later, high, draw(st.integers(0, 3)))
    # ``later`` then ``earlier``: one step back, everything else in order around it.
    return _request(state, _items(draw, [*before, later, earlier, *after], state.known_ids))


def _future_date(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    low, high = _window(today, state)
    tomorrow = _midnight(today + timedelta(days=1))
    future = _stamps(draw, tomorrow, tomorrow + timedelta(days=400), draw(st.integers(1, 3)))
    valid = _stamps(draw, low, high, draw(st.integers(0, 4)))
    return _request(state, _items(draw, [*valid, *future], state.known_ids))


def _older_than_latest(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    assert state.latest is not None  # breakable() guarantees it
    low, high = _window(today, state)
    older = _stamps(draw, _midnight(state.earliest(today)), min(state.latest, high) - _MICROSECOND, draw(st.integers(1, 3)))
    valid = _stamps(draw, low, high, draw(st.integers(0, 4)))
    return _request(state, _items(draw, [*older, *valid], state.known_ids))


def _feed_start_window(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    first = _midnight(state.earliest(today))
    bottom = first - timedelta(days=10)
    if state.latest is not None:
        bottom = max(bottom, state.latest)
    early = _stamps(draw, bottom, first - _MICROSECOND, draw(st.integers(1, 3)))
    low, high = _window(today, state)
    valid = _stamps(draw, low, high, draw(st.integers(0, 4)))
    return _request(state, _items(draw, [*early, *valid], state.known_ids))


_BREAKERS: dict[str, _Breaker] = {
    "ConnectionNotFound": _connection_not_found,
    "AccountNotFound": _account_not_found,
    "AccountNotConnected": _account_not_connected,
    "SingleAccountPerRequest": _single_account_per_request,
    "BatchSize": _batch_size,
    "RequiredField": _required_field,
    "TransactionType": _transaction_type,
    "DateFormat": _date_format,
    "DuplicateTransactionId": _duplicate_transaction_id,
    "ChronologicalOrder": _chronological_order,
    "FutureDate": _future_date,
    "OlderThanLatest": _older_than_latest,
    "FeedStartWindow": _feed_start_window,
}


# ---------------------------------------------------------------------------------------------
# Source accounts


_CURRENCIES = ["USD", "GBP", "EUR", "CAD", "AUD"]
_V2_TYPES = ["checking", "savings", "loan", "creditCard", "prepaidCard"]


@st.composite
def source_accounts(
    draw: DrawFn, version: int | None = None, ids: SearchStrategy[str] | None = None
) -> Json:
    """Create-source-account bodies: v1 (``accountType`` free text, every field nullable) or v2.

    A v2 body carries every field v2 requires (``id``, ``accountName``, ``accountType`` from the
    v2 enum, ``accountNumber``, ``currency``, ``balance``) and sometimes ``routingInfo`` and
    ``accountInfo``. ``version`` picks one shape (default: either). Ids are URL-safe.
    """
    chosen = version if version is not None else draw(st.sampled_from([2, 1]))
    if chosen not in (1, 2):
        raise ValueError(f"source account version is 1 or 2, not {version!r}")
    account_id = draw(ids if ids is not None else st.text(_ID_ALPHABET, min_size=1, max_size=36))
    names = st.text(min_size=1, max_size=30)
    numbers = st.text(string.digits, min_size=4, max_size=12)
    if chosen == 1:
        body: Json = {"id": account_id}
        optional = {
            "accountName": st.one_of(st.none(), names),
            "accountType": st.one_of(st.none(), st.sampled_from(["Debit", "Credit"])),
            "accountNumber": st.one_of(st.none(), numbers),
            "sortCode": st.one_of(st.none(), st.text(string.digits, min_size=6, max_size=6)),
            "currency": st.sampled_from(_CURRENCIES),
            "balance": st.one_of(st.none(), amounts()),
        }
        for name, values in optional.items():
            if draw(st.booleans()):
                body[name] = draw(values)
        return body
    body = {
        "id": account_id,
        "accountName": draw(names),
        "accountType": draw(st.sampled_from(_V2_TYPES)),
        "accountNumber": draw(numbers),
        "currency": draw(st.sampled_from(_CURRENCIES)),
        "balance": draw(amounts()),
    }
    if draw(st.booleans()):
        body["routingInfo"] = {
            "bankCode": draw(numbers),
            "type": draw(st.sampled_from(["rtn", "aba", "swift", "iban", "sortcode", "bankcode"])),
        }
    if draw(st.booleans()):
        body["accountInfo"] = {
            "description": draw(st.one_of(st.none(), names)),
            "nickname": draw(st.one_of(st.none(), names)),
            "accountOpenDate": draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 1, 1))).isoformat(),
            "availableBalance": draw(amounts()),
        }
    return body
