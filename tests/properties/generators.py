"""What the property tests feed the emulator: today, the clock, and requests of every kind.

Built on the public strategies (``mock_server.testing.strategies``) and widened with junk: the
engine must agree with the oracle on anything a client can send, not only on the requests the
public strategies shape.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from mock_server.testing import strategies as qbo
from mock_server.testing.strategies import AccountState, PushRequest

#: The rules the engine judges; the other two of qbo.RULES are 404s answered before it runs.
ENGINE_RULES = tuple(name for name in qbo.RULES if name not in ("ConnectionNotFound", "AccountNotFound"))


def todays() -> SearchStrategy[date]:
    """Any day this century, often one where a calendar edge falls in the seven-day window."""
    return st.one_of(
        st.sampled_from([date(2026, 3, 18), date(2024, 2, 29), date(2024, 3, 3), date(2027, 1, 2), date(2100, 3, 1)]),
        st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
    )


@st.composite
def instants_on(draw: DrawFn, today: date) -> datetime:
    """An aware "now" whose UTC date is ``today``, often written in another zone (so its own date differs)."""
    moment = datetime.combine(today, draw(st.times()), UTC)
    minutes = draw(st.one_of(st.just(0), st.integers(-12 * 60, 14 * 60)))
    return moment.astimezone(timezone(timedelta(minutes=minutes)))


# ---------------------------------------------------------------------------------------------
# Junk: anything JSON, and near-misses of the shapes the rules look at


REQUIRED = ("id", "date", "description", "amount")

_NEAR_ISO = st.lists(st.sampled_from(list("0123456789-:T .,Zz+t")), max_size=30).map("".join)


@st.composite
def _near_iso(draw: DrawFn, today: date) -> str:
    """A date-time of the window cut short and extended with junk, or digits and separators."""
    base = datetime.combine(today, time(23, 59, 59, 123456)) - timedelta(days=draw(st.integers(-1, 9)))
    text = base.isoformat() + draw(st.sampled_from(["", "Z", "-05:00", "+14:00", "+0530", "-11"]))
    cut = draw(st.integers(0, len(text)))
    junk = draw(st.one_of(st.just(""), _NEAR_ISO, st.sampled_from(["Z", ".5Z", "+01:00", "-0530", ",25", ":60"])))
    return text[:cut] + junk


def _json(numbers: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | numbers | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
        max_leaves=6,
    )


#: Any JSON value, and the infinities Python's json module lets through (NaN would defeat ==).
JSON = _json(st.floats(allow_nan=False))
#: Any value a JSON document can carry, for requests sent over HTTP.
STRICT_JSON = _json(st.floats(allow_nan=False, allow_infinity=False))


def _field_values(today: date, ids: list[str], json: SearchStrategy[Any]) -> dict[str, SearchStrategy[Any]]:
    return {
        "id": st.one_of(st.sampled_from(ids), json),
        "date": st.one_of(
            qbo.dates_around_window_edges(today),
            qbo.local_datetimes(
                datetime.combine(today - timedelta(days=10), time(0)), datetime.combine(today + timedelta(days=2), time(0))
            ).flatmap(qbo.spellings),
            _near_iso(today),
            json,
        ),
        "description": st.one_of(st.text(max_size=8), json),
        "amount": st.one_of(qbo.amounts(), json),
        "balance": st.one_of(qbo.amounts(), json),
        "transactionType": st.one_of(st.sampled_from([*qbo.TRANSACTION_TYPES, "credit", "Fee", ""]), json),
        "reconciled": json,
    }


@st.composite
def junk_items(draw: DrawFn, fields: dict[str, SearchStrategy[Any]], json: SearchStrategy[Any]) -> object:
    """A transaction with each field present or not, right or wrong; sometimes not an object."""
    if draw(st.integers(0, 9)) == 9:
        return draw(json)
    item: dict[str, Any] = {}
    for name, values in fields.items():
        # Required fields are there four times in five, optional ones half the time.
        present = draw(st.integers(0, 4)) > 0 if name in REQUIRED else draw(st.booleans())
        if present:
            item[name] = draw(values)
    return item


# ---------------------------------------------------------------------------------------------
# Requests against an account state


def account_views(today: date) -> SearchStrategy[AccountState]:
    """Connected accounts mostly; sometimes pending, disconnected or no longer writable."""
    return qbo.account_states(today).flatmap(
        lambda state: st.sampled_from(
            [state] * 5
            + [
                AccountState(state.account_id, "pending", False),
                AccountState(state.account_id, "disconnected", False, state.feed_start_date, state.latest, state.known_ids),
                AccountState(state.account_id, "connected", False, state.feed_start_date, state.latest, state.known_ids),
            ]
        )
    )


@st.composite
def mixed_requests(draw: DrawFn, today: date, json: SearchStrategy[Any] = JSON) -> PushRequest:
    """A request of any verdict: valid, breaking one rule, breaking several, or junk.

    ``json`` is where junk values come from: pass STRICT_JSON for requests sent over HTTP.
    """
    kind = draw(st.sampled_from(["valid", "one rule", "two rules", "junk", "loose"]))
    if kind == "one rule":
        request: PushRequest = draw(qbo.breaking(draw(st.sampled_from(ENGINE_RULES)), today))
        return request
    state = draw(account_views(today))
    if kind in ("valid", "loose") and state.lowest(today) <= datetime.combine(today, time.max):
        batch = draw(qbo.valid_batches(today, state, max_size=qbo.MAX_BATCH if kind == "valid" else 12))
        if kind == "loose":  # valid for every rule, with any value in the fields no rule reads
            for item in batch:
                for name in ("balance", "counterparty", "reference", "reconciled"):
                    if draw(st.integers(0, 3)) == 3:
                        item[name] = draw(json)
        return PushRequest(state, state.account_id, {"accountId": state.account_id, "transactions": batch})
    if kind == "two rules":
        names = qbo.breakable(today, state)
        first = draw(qbo.breaking(draw(st.sampled_from(names)), today, state))
        second = draw(qbo.breaking(draw(st.sampled_from(names)), today, state))
        batches = [b if isinstance(b, list) else [b] for b in (first.transactions, second.transactions)]
        body_account = draw(st.sampled_from([first, second])).body.get("accountId")
        return PushRequest(state, state.account_id, {"accountId": body_account, "transactions": batches[0] + batches[1]})
    ids = [f"tx-{n}" for n in range(4)] + sorted(state.known_ids)
    items = junk_items(_field_values(today, ids, json), json)
    transactions = draw(st.one_of(st.lists(items, max_size=8), json))
    body_account = draw(st.one_of(st.just(state.account_id), json))
    return PushRequest(state, state.account_id, {"accountId": body_account, "transactions": transactions})
