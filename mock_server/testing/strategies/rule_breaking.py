"""Requests that break exactly one rule of the rule book, and nothing else.

:func:`breaking` picks the breaker of a ``validatorName`` from :data:`_BREAKERS` (one function per
rule, each starting from a valid batch and breaking only its rule); :func:`breakable` says which
rules an account state lets a request break alone (a disconnected account breaks
``AccountNotConnected`` whatever else the batch does, a closed window every date rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from mock_server.core.rules import MAX_BATCH, TRANSACTION_TYPES
from mock_server.testing.strategies.accounts import states_for
from mock_server.testing.strategies.batches import DRAWN, items_at, open_window, ordered_stamps, valid_batches
from mock_server.testing.strategies.dates import local_datetimes
from mock_server.testing.strategies.model import (
    ID_ALPHABET,
    MICROSECOND,
    RULES,
    AccountState,
    Json,
    PushRequest,
    end_of,
    midnight,
)


def breakable(today: date, account: AccountState) -> tuple[str, ...]:
    """The rules a request can break alone against ``account`` today (see :func:`breaking`)."""
    names = ["ConnectionNotFound", "AccountNotFound"]
    low, high = account.lowest(today), end_of(today)
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
    first = midnight(account.earliest(today))
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
        states = states_for(validator_name, today, "acc-1").filter(
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
    batch: list[Json] = draw(valid_batches(today, state, min_size=min_size, max_size=max(min_size, DRAWN)))
    return batch


def _some(draw: DrawFn, count: int) -> list[int]:
    """A non-empty set of indices of a batch of ``count``, in order."""
    return sorted(draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=3, unique=True)))


def _connection_not_found(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    return _request(state, _valid(draw, today, state), connection_exists=False)


def _account_not_found(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    other = draw(st.text(ID_ALPHABET, min_size=1, max_size=12).filter(lambda text: text != state.account_id))
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
        low, high = open_window(today, state)
        return _request(state, items_at(draw, ordered_stamps(draw, low, high, size), state.known_ids))
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
    low, high = open_window(today, state)
    earlier = draw(local_datetimes(low, high - MICROSECOND))
    later = draw(local_datetimes(earlier + MICROSECOND, high))
    before = ordered_stamps(draw, low, earlier, draw(st.integers(0, 3)))
    after = ordered_stamps(draw, later, high, draw(st.integers(0, 3)))
    # ``later`` then ``earlier``: one step back, everything else in order around it.
    return _request(state, items_at(draw, [*before, later, earlier, *after], state.known_ids))


def _future_date(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    low, high = open_window(today, state)
    tomorrow = midnight(today + timedelta(days=1))
    future = ordered_stamps(draw, tomorrow, tomorrow + timedelta(days=400), draw(st.integers(1, 3)))
    valid = ordered_stamps(draw, low, high, draw(st.integers(0, 4)))
    return _request(state, items_at(draw, [*valid, *future], state.known_ids))


def _older_than_latest(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    assert state.latest is not None  # breakable() guarantees it
    low, high = open_window(today, state)
    older = ordered_stamps(draw, midnight(state.earliest(today)), min(state.latest, high) - MICROSECOND, draw(st.integers(1, 3)))
    valid = ordered_stamps(draw, low, high, draw(st.integers(0, 4)))
    return _request(state, items_at(draw, [*older, *valid], state.known_ids))


def _feed_start_window(draw: DrawFn, today: date, state: AccountState) -> PushRequest:
    first = midnight(state.earliest(today))
    bottom = first - timedelta(days=10)
    if state.latest is not None:
        bottom = max(bottom, state.latest)
    early = ordered_stamps(draw, bottom, first - MICROSECOND, draw(st.integers(1, 3)))
    low, high = open_window(today, state)
    valid = ordered_stamps(draw, low, high, draw(st.integers(0, 4)))
    return _request(state, items_at(draw, [*early, *valid], state.known_ids))


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
