"""Source accounts: the states QBO holds them in, and the bodies that create them.

:func:`account_states` draws connected accounts as they can be in QBO today (with or without
history); :func:`states_for` draws states that let one rule be broken alone (a pending or no
longer writable account, room before the window or before the latest transaction).
:func:`source_accounts` draws create-source-account bodies, v1 or v2.
"""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from mock_server.core.rules import HISTORY_DAYS
from mock_server.testing.strategies.batches import amounts
from mock_server.testing.strategies.dates import local_datetimes
from mock_server.testing.strategies.model import ID_ALPHABET, MICROSECOND, AccountState, Json, end_of, midnight


def _known_ids() -> SearchStrategy[frozenset[str]]:
    return st.lists(
        st.one_of(st.sampled_from([f"tx-{n}" for n in range(6)]), st.text(ID_ALPHABET, min_size=1, max_size=8)),
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
    latest, known = draw(_history(midnight(feed_start), end_of(today)))
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
    first = midnight(state.earliest(today))
    latest = draw(local_datetimes(first + MICROSECOND, end_of(today)))
    return replace(state, latest=latest, known_ids=state.known_ids or draw(_known_ids()))


@st.composite
def _with_room_before_window(draw: DrawFn, today: date, account_id: str) -> AccountState:
    # FeedStartWindow needs a date before the window that is not older than the latest one.
    state: AccountState = draw(account_states(today, account_id))
    first = midnight(state.earliest(today))
    if state.latest is None or state.latest < first:
        return state
    if state.feed_start_date is not None and midnight(state.feed_start_date) < first:
        latest, known = draw(_history(midnight(state.feed_start_date), first - MICROSECOND))
        return replace(state, latest=latest, known_ids=known)
    return replace(state, latest=None, known_ids=frozenset())


def states_for(name: str, today: date, account_id: str) -> SearchStrategy[AccountState]:
    if name == "AccountNotConnected":
        return account_states(today, account_id).flatmap(_not_writable)
    if name == "OlderThanLatest":
        return _with_latest_inside(today, account_id)
    if name == "FeedStartWindow":
        return _with_room_before_window(today, account_id)
    return account_states(today, account_id)


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

    A connection holds one shape: its first source account fixes it, and a body of the other
    shape answers 400 until the connection is empty again. Draw the accounts of one connection
    with one ``version`` (e.g. ``version=2`` for all, or draw the version once and pass it on).
    """
    chosen = version if version is not None else draw(st.sampled_from([2, 1]))
    if chosen not in (1, 2):
        raise ValueError(f"source account version is 1 or 2, not {version!r}")
    account_id = draw(ids if ids is not None else st.text(ID_ALPHABET, min_size=1, max_size=36))
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
