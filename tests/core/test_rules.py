"""The QBO rule engine, driven directly: each rule at its boundaries, then rules together."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.core.rules import (
    HISTORY_DAYS,
    MAX_BATCH,
    VALIDATOR_NAMES,
    AccountView,
    Violation,
    _parse_local_strict,
    balance_after,
    check_batch,
    local_ticks,
    parse_local,
)

# Today is 26 November 2026 (UTC) throughout, in the afternoon.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
ACCOUNT_ID = "acc-1"


def account(
    *,
    status: str = "connected",
    writable: bool = True,
    feed_start_date: date | None = None,
    latest: datetime | None = None,
    known_ids: frozenset[str] = frozenset(),
) -> AccountView:
    return AccountView(ACCOUNT_ID, status, writable, feed_start_date, latest, known_ids)


def tx(tx_id: str, when: str = "2026-11-26T09:00:00", **fields: Any) -> dict[str, Any]:
    """A valid transaction, with any field overridden."""
    return {"id": tx_id, "date": when, "description": "Coffee", "amount": -4.5, **fields}


def check(
    transactions: object,
    acct: AccountView | None = None,
    *,
    body_account_id: object = ACCOUNT_ID,
    now: datetime = NOW,
) -> list[Violation]:
    return check_batch(ACCOUNT_ID, body_account_id, transactions, acct or account(), now)


def broken(violations: list[Violation]) -> list[tuple[str, str | None]]:
    return [(v.validator_name, v.item_id) for v in violations]


def daily(count: int, start: datetime = datetime(2026, 11, 19, 0, 0)) -> list[dict[str, Any]]:
    """`count` valid transactions spread over the seven allowed days, in order."""
    step = timedelta(days=HISTORY_DAYS) / count
    return [
        tx(f"tx-{i}", (start + i * step).isoformat(timespec="seconds")) for i in range(count)
    ]


# --- a valid batch -----------------------------------------------------------------------------


def test_valid_batch_of_1000_is_accepted() -> None:
    batch = daily(MAX_BATCH)
    assert len(batch) == 1000
    assert check(batch) == []


def test_optional_fields_may_be_absent_or_null() -> None:
    batch = [
        tx("a"),
        tx("b", balance=None, transactionType=None, counterparty=None, reference=None),
        tx("c", balance=12.5, transactionType="Unknown", reconciled=True),
    ]
    assert check(batch) == []


# --- who may write -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "disconnected"])
def test_account_not_connected_is_rejected_with_AccountNotConnected(status: str) -> None:
    violations = check([tx("a")], account(status=status))
    assert broken(violations) == [("AccountNotConnected", None)]
    assert status in violations[0].message
    assert ACCOUNT_ID in violations[0].message


def test_connected_account_no_longer_writable_is_rejected_with_AccountNotConnected() -> None:
    # Disconnected in QBO (status still connected during the lag) or credentials revoked.
    violations = check([tx("a")], account(writable=False))
    assert broken(violations) == [("AccountNotConnected", None)]
    assert "disconnected in QBO" in violations[0].message


def test_account_not_connected_still_reports_the_batch_own_violations() -> None:
    violations = check([tx("a", amount=None)], account(status="pending"))
    assert broken(violations) == [("AccountNotConnected", None), ("RequiredField", "a")]


def test_body_accountId_other_than_path_is_rejected_with_SingleAccountPerRequest() -> None:
    violations = check([tx("a")], body_account_id="acc-2")
    assert broken(violations) == [("SingleAccountPerRequest", None)]
    assert "'acc-2'" in violations[0].message
    assert "'acc-1'" in violations[0].message


@pytest.mark.parametrize("body_account_id", [None, "", 1, "ACC-1"])
def test_body_accountId_missing_or_not_equal_is_rejected_with_SingleAccountPerRequest(
    body_account_id: object,
) -> None:
    violations = check([tx("a")], body_account_id=body_account_id)
    assert broken(violations) == [("SingleAccountPerRequest", None)]


# --- batch size --------------------------------------------------------------------------------


def test_batch_of_1001_is_rejected_with_BatchSize() -> None:
    violations = check(daily(MAX_BATCH + 1))
    assert broken(violations) == [("BatchSize", None)]
    assert "1001" in violations[0].message
    assert "1000" in violations[0].message


def test_empty_batch_is_rejected_with_BatchSize() -> None:
    violations = check([])
    assert broken(violations) == [("BatchSize", None)]
    assert "no transactions" in violations[0].message


@pytest.mark.parametrize("transactions", [None, {"id": "a"}, "tx", 3, True])
def test_transactions_not_an_array_are_rejected_with_BatchSize(transactions: object) -> None:
    assert broken(check(transactions)) == [("BatchSize", None)]


def test_oversized_batch_still_reports_each_transaction_violations() -> None:
    batch = [*daily(MAX_BATCH), tx("late", "2026-11-27")]
    assert broken(check(batch)) == [("BatchSize", None), ("FutureDate", "late")]


# --- required fields ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["date", "description", "amount"])
@pytest.mark.parametrize("state", ["missing", "null", "empty"])
def test_required_field_missing_null_or_empty_is_rejected_with_RequiredField(
    field: str, state: str
) -> None:
    item = tx("a")
    if state == "missing":
        del item[field]
    else:
        item[field] = None if state == "null" else ""
    violations = check([item])
    assert broken(violations) == [("RequiredField", "a")]
    assert f"{field} is {state}" in violations[0].message
    assert "'a'" in violations[0].message


@pytest.mark.parametrize("state", ["missing", "null", "empty"])
def test_transaction_without_id_is_rejected_with_RequiredField_by_index(state: str) -> None:
    item = tx("a")
    if state == "missing":
        del item["id"]
    else:
        item["id"] = None if state == "null" else ""
    violations = check([tx("first"), item])
    assert broken(violations) == [("RequiredField", None)]
    assert "index 1" in violations[0].message
    assert f"id is {state}" in violations[0].message


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("id", 42, "42"),
        ("description", 5, "5"),
        ("description", ["Coffee"], "an array"),
        ("date", 20261126, "20261126"),
        ("amount", "12.50", "'12.50'"),
        ("amount", True, "true"),
        ("amount", {"value": 1}, "an object"),
        ("amount", math.nan, "nan"),
        ("amount", math.inf, "inf"),
        ("amount", -math.inf, "-inf"),
    ],
)
def test_required_field_of_wrong_type_is_rejected_with_RequiredField(
    field: str, value: object, shown: str
) -> None:
    item = tx("a")
    item[field] = value
    violations = check([item])
    assert [v.validator_name for v in violations] == ["RequiredField"]
    assert field in violations[0].message
    assert shown in violations[0].message


@pytest.mark.parametrize("amount", [0, -3, 12.5, 10**12, Decimal("19.99"), -0.0])
def test_any_finite_number_is_an_amount(amount: object) -> None:
    assert check([tx("a", amount=amount)]) == []


def test_several_missing_fields_of_one_transaction_are_one_RequiredField() -> None:
    violations = check([{"id": "a", "amount": None}])
    assert broken(violations) == [("RequiredField", "a")]
    for problem in ("date is missing", "description is missing", "amount is null"):
        assert problem in violations[0].message


@pytest.mark.parametrize("item", [None, "tx-1", 5, [], ["tx-1"], True])
def test_transaction_that_is_not_an_object_is_rejected_with_RequiredField(item: object) -> None:
    violations = check([tx("a"), item])
    assert broken(violations) == [("RequiredField", None)]
    assert "index 1" in violations[0].message
    assert "not an object" in violations[0].message


# --- transaction type --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["Credit", "Debit", "Unknown"])
def test_qbo_transaction_types_are_accepted(kind: str) -> None:
    assert check([tx("a", transactionType=kind)]) == []


@pytest.mark.parametrize("kind", ["credit", "Fee", "Int", "", 1, ["Credit"], {"x": 1}])
def test_other_transaction_type_is_rejected_with_TransactionType(kind: object) -> None:
    violations = check([tx("a", transactionType=kind)])
    assert broken(violations) == [("TransactionType", "a")]
    assert "Credit, Debit or Unknown" in violations[0].message


# --- date format and local dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "local"),
    [
        ("2026-03-18", datetime(2026, 3, 18, 0, 0)),
        ("2026-03-18T23:30:00-05:00", datetime(2026, 3, 18, 23, 30)),
        ("2026-03-18T00:30:00+14:00", datetime(2026, 3, 18, 0, 30)),
        ("2026-03-18T23:30:00Z", datetime(2026, 3, 18, 23, 30)),
        ("2026-03-18T23:30:00.000Z", datetime(2026, 3, 18, 23, 30)),
        ("2026-03-18T23:30:00.123456789Z", datetime(2026, 3, 18, 23, 30, 0, 123456)),
        ("2026-03-18T23:30:00,5", datetime(2026, 3, 18, 23, 30, 0, 500000)),
        ("2026-03-18T23:30:00.25+0530", datetime(2026, 3, 18, 23, 30, 0, 250000)),
        ("2026-03-18T23:30:00-05", datetime(2026, 3, 18, 23, 30)),
        ("2026-03-18 23:30", datetime(2026, 3, 18, 23, 30)),
        ("2026-03-18t23:30:15z", datetime(2026, 3, 18, 23, 30, 15)),
    ],
)
def test_parse_local_keeps_the_wall_clock_and_drops_the_offset(raw: str, local: datetime) -> None:
    parsed = parse_local(raw)
    assert parsed == local
    assert parsed is not None
    assert parsed.tzinfo is None


BAD_DATES = [
    "26/11/2026",
    "2026-13-01",
    "2026-02-30",
    "2026-11-26T25:00:00",
    "2026-11-26T10:00:60",
    "2026-11-26T10",
    "2026-11-26T",
    "2026-11",
    "20261126",
    "2026-W48-4",
    "2026-11-26x10:00:00",
    " 2026-11-26",
    "2026-11-26 ",
    "2026-11-26T10:00:00+24:00",
    "2026-11-26T10:00:00 +01:00",
    "2026-11-26T10:00:00.",
    "2026-11-26T10:00:0Z",
    "2026-11-26T10:00:+01:00",
    "2026-11-26Z",
    "\uff12\uff10\uff12\uff16-11-26",  # full-width digits
    "yesterday",
]


@pytest.mark.parametrize("raw", BAD_DATES)
def test_unparseable_date_is_rejected_with_DateFormat_only(raw: str) -> None:
    violations = check([tx("a", raw)])
    assert broken(violations) == [("DateFormat", "a")]
    assert repr(raw) in violations[0].message


@pytest.mark.parametrize("value", [*BAD_DATES, None, 20261126, ["2026-11-26"], b"2026-11-26"])
def test_parse_local_answers_None_for_anything_but_an_iso_date(value: object) -> None:
    assert parse_local(value) is None


@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(["", "Z", "z", "+00:00", "-05:00", "+14:00", "+0530", "-11"]),
    st.sampled_from(["T", " "]),
)
def test_parse_local_returns_the_wall_clock_of_any_iso_date_time(
    moment: datetime, offset: str, sep: str
) -> None:
    assert parse_local(moment.isoformat(sep=sep) + offset) == moment


_NEAR_ISO = st.lists(
    st.sampled_from(list("0123456789-:T .,Zz+t٣x")), min_size=0, max_size=32
).map("".join)
_ISO_LIKE = st.builds(
    lambda base, cut, junk: base[:cut] + junk,
    st.sampled_from(
        [
            "2026-03-18",
            "2026-03-18T23:30:00",
            "2026-03-18T23:30:00Z",
            "2026-03-18T23:30:00.000Z",
            "2026-03-18T23:30:00.123456-05:00",
            "2026-02-29T23:59:59+23:59",
        ]
    ),
    st.integers(0, 32),
    st.one_of(_NEAR_ISO, st.sampled_from(["Z", ".5Z", "+01:00", "-0530", ".25-05:00Z"])),
)


@given(st.one_of(_NEAR_ISO, _ISO_LIKE))
def test_parse_local_fast_path_agrees_with_the_reference_grammar(text: str) -> None:
    assert parse_local(text) == _parse_local_strict(text)


# --- duplicate ids -----------------------------------------------------------------------------


def test_id_repeated_within_the_batch_is_rejected_on_the_later_occurrence() -> None:
    violations = check([tx("a"), tx("b"), tx("a"), tx("a")])
    assert broken(violations) == [
        ("DuplicateTransactionId", "a"),
        ("DuplicateTransactionId", "a"),
    ]
    assert "index 2" in violations[0].message
    assert "index 0" in violations[0].message
    assert "index 3" in violations[1].message
    assert "index 0" in violations[1].message  # the first occurrence, not the previous repeat


def test_id_already_accepted_on_the_account_is_rejected_with_DuplicateTransactionId() -> None:
    violations = check([tx("new"), tx("old")], account(known_ids=frozenset({"old"})))
    assert broken(violations) == [("DuplicateTransactionId", "old")]
    assert "already written" in violations[0].message
    assert ACCOUNT_ID in violations[0].message


class MembershipOnly:
    """A set of known ids that fails the test if anyone walks it instead of asking it."""

    def __init__(self, ids: set[str]) -> None:
        self.ids = ids

    def __contains__(self, item: object) -> bool:
        return item in self.ids

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("known_ids must only be asked for membership")


def test_known_ids_are_only_asked_for_membership() -> None:
    acct = AccountView(ACCOUNT_ID, "connected", True, None, None, MembershipOnly({"tx-3"}))
    assert broken(check(daily(10), acct)) == [("DuplicateTransactionId", "tx-3")]


# --- chronological order -----------------------------------------------------------------------


def test_transaction_earlier_than_the_one_before_is_rejected_with_ChronologicalOrder() -> None:
    batch = [tx("a", "2026-11-25T10:00:00"), tx("b", "2026-11-25T09:59:59")]
    violations = check(batch)
    assert broken(violations) == [("ChronologicalOrder", "b")]
    assert "2026-11-25T09:59:59" in violations[0].message
    assert "'a'" in violations[0].message


def test_equal_timestamps_are_in_order() -> None:
    batch = [tx("a", "2026-11-25T10:00:00"), tx("b", "2026-11-25T10:00:00")]
    assert check(batch) == []


def test_date_only_counts_as_midnight_in_the_order() -> None:
    assert check([tx("a", "2026-11-25T00:00:00"), tx("b", "2026-11-25")]) == []
    violations = check([tx("a", "2026-11-25T00:00:01"), tx("b", "2026-11-25")])
    assert broken(violations) == [("ChronologicalOrder", "b")]


def test_order_compares_local_times_ignoring_offsets() -> None:
    # In UTC the first is 04:30 on the 26th and the second 23:10 on the 25th; locally they are
    # 23:30 on the 25th then 00:10 on the 26th, which is in order.
    batch = [tx("a", "2026-11-25T23:30:00-05:00"), tx("b", "2026-11-26T00:10:00+01:00")]
    assert check(batch) == []


def test_order_compares_with_the_previous_transaction_only() -> None:
    times = ["10:00", "08:00", "09:00"]
    batch = [tx(f"t{i}", f"2026-11-25T{t}:00") for i, t in enumerate(times)]
    assert broken(check(batch)) == [("ChronologicalOrder", "t1")]


def test_order_skips_transactions_whose_date_does_not_parse() -> None:
    batch = [tx("a", "2026-11-25T10:00:00"), tx("b", "garbage"), tx("c", "2026-11-25T09:00:00")]
    assert broken(check(batch)) == [("DateFormat", "b"), ("ChronologicalOrder", "c")]


# --- future dates ------------------------------------------------------------------------------


def test_last_second_of_today_is_accepted() -> None:
    assert check([tx("a", "2026-11-26T23:59:59")]) == []


def test_first_second_of_tomorrow_is_rejected_with_FutureDate() -> None:
    violations = check([tx("a", "2026-11-27T00:00:00")])
    assert broken(violations) == [("FutureDate", "a")]


def test_future_date_message_names_the_transaction_and_both_dates() -> None:
    violations = check([tx("tx-3", "2026-11-27")])
    assert violations == [
        Violation(
            "FutureDate",
            "tx-3",
            "Transaction 'tx-3' is dated 2026-11-27, after today (2026-11-26): "
            "QBO refuses future-dated transactions.",
        )
    ]


def test_evening_with_negative_offset_stays_on_its_local_day() -> None:
    # 23:30 at -05:00 is already 04:30 tomorrow in UTC; Codat keeps the local date.
    assert check([tx("a", "2026-11-26T23:30:00-05:00")]) == []


def test_early_morning_of_tomorrow_with_positive_offset_is_future() -> None:
    # 00:30 on the 27th at +14:00 is 10:30 today in UTC; the local date is still tomorrow.
    violations = check([tx("a", "2026-11-27T00:30:00+14:00")])
    assert broken(violations) == [("FutureDate", "a")]
    assert "2026-11-27T00:30:00+14:00" in violations[0].message


def test_today_is_the_utc_date_of_now() -> None:
    late_evening_in_new_york = datetime(2026, 11, 26, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert check([tx("a", "2026-11-27T08:00:00")], now=late_evening_in_new_york) == []
    assert broken(check([tx("a", "2026-11-27")], now=datetime(2026, 11, 26, 23, 0))) == [
        ("FutureDate", "a")
    ]


# --- older than the latest transaction ---------------------------------------------------------


def test_transaction_older_than_the_account_latest_is_rejected_with_OlderThanLatest() -> None:
    acct = account(latest=datetime(2026, 11, 25, 10, 0))
    violations = check([tx("a", "2026-11-25T09:59:59")], acct)
    assert broken(violations) == [("OlderThanLatest", "a")]
    assert "2026-11-25 10:00:00" in violations[0].message


def test_transaction_equal_to_the_account_latest_is_accepted() -> None:
    acct = account(latest=datetime(2026, 11, 25, 10, 0))
    assert check([tx("a", "2026-11-25T10:00:00"), tx("b", "2026-11-25T10:00:00Z")], acct) == []


def test_date_only_on_the_latest_day_is_older_than_a_latest_with_a_time() -> None:
    acct = account(latest=datetime(2026, 11, 25, 10, 0))
    assert broken(check([tx("a", "2026-11-25")], acct)) == [("OlderThanLatest", "a")]


# --- feed start window -------------------------------------------------------------------------


def test_seven_days_before_today_is_accepted() -> None:
    assert TODAY - timedelta(days=HISTORY_DAYS) == date(2026, 11, 19)
    assert check([tx("a", "2026-11-19T00:00:00")]) == []


def test_eight_days_before_today_is_rejected_with_FeedStartWindow() -> None:
    violations = check([tx("a", "2026-11-18T23:59:59")])
    assert broken(violations) == [("FeedStartWindow", "a")]
    assert "7 days" in violations[0].message
    assert "2026-11-19" in violations[0].message


def test_date_before_the_feed_start_date_is_rejected_with_FeedStartWindow() -> None:
    acct = account(feed_start_date=date(2026, 11, 22))
    assert check([tx("a", "2026-11-22T00:00:00")], acct) == []
    violations = check([tx("a", "2026-11-21T23:59:59")], acct)
    assert broken(violations) == [("FeedStartWindow", "a")]
    assert "feed start date (2026-11-22)" in violations[0].message


def test_seven_day_limit_applies_even_with_an_older_feed_start_date() -> None:
    # Linked long ago: the feed start date no longer binds, the seven days do.
    acct = account(feed_start_date=date(2026, 10, 1))
    violations = check([tx("a", "2026-11-18")], acct)
    assert broken(violations) == [("FeedStartWindow", "a")]
    assert "more than 7 days before today (2026-11-26)" in violations[0].message


# --- several rules at once ---------------------------------------------------------------------


def test_every_violation_is_reported_once_per_rule_and_transaction() -> None:
    acct = account(
        status="pending",
        latest=datetime(2026, 11, 20, 12, 0),
        known_ids=frozenset({"old"}),
    )
    batch = [
        tx("a", "2026-11-27T08:00:00"),  # future
        tx("a", "2026-11-10", transactionType="Fee", description=""),
        "not a transaction",
        tx("old", "2026-11-20T12:00:00", amount=True),
        tx("b", "soon"),
    ]
    assert broken(check(batch, acct, body_account_id="acc-2")) == [
        ("AccountNotConnected", None),
        ("SingleAccountPerRequest", None),
        ("FutureDate", "a"),
        ("RequiredField", "a"),
        ("TransactionType", "a"),
        ("DuplicateTransactionId", "a"),
        ("ChronologicalOrder", "a"),
        ("OlderThanLatest", "a"),
        ("FeedStartWindow", "a"),
        ("RequiredField", None),
        ("RequiredField", "old"),
        ("DuplicateTransactionId", "old"),
        ("DateFormat", "b"),
    ]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["2026-11-26", "2026-11-30T10:00:00Z", "Credit", "a", ACCOUNT_ID]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
FIELD = st.sampled_from(
    ["id", "date", "description", "amount", "balance", "transactionType", "extra"]
)
ITEM = st.one_of(JSON, st.dictionaries(FIELD, JSON, max_size=7))


@given(st.one_of(JSON, st.lists(ITEM, max_size=12)), JSON)
def test_malformed_requests_never_raise_and_are_reported_as_rules(
    transactions: object, body_account_id: object
) -> None:
    violations = check(transactions, body_account_id=body_account_id)
    assert all(v.validator_name in VALIDATOR_NAMES and v.message for v in violations)
    if isinstance(transactions, list):
        per_rule: dict[str, int] = {}
        for v in violations:
            per_rule[v.validator_name] = per_rule.get(v.validator_name, 0) + 1
        assert all(count <= max(len(transactions), 1) for count in per_rule.values())


# --- balance after an accepted batch -----------------------------------------------------------


def test_balance_is_the_last_transaction_balance_when_given() -> None:
    batch = [tx("a", balance=10.0), tx("b", amount=5, balance=77.25)]
    assert balance_after(batch, 1.0) == 77.25


def test_balance_adds_amounts_after_the_last_given_balance() -> None:
    batch = [tx("a", balance=100.0), tx("b", amount=5), tx("c", amount=-2.5, balance=None)]
    assert balance_after(batch, 1.0) == 102.5


def test_balance_without_any_given_adds_every_amount_to_the_current_balance() -> None:
    # Summed as decimals: 100 + 0.1 + 0.2 is 100.3, not 100.30000000000001.
    batch = [tx("a", amount=0.1), tx("b", amount=0.2)]
    assert balance_after(batch, 100.0) == 100.3


def test_balance_sums_from_a_given_balance_as_decimals() -> None:
    batch = [tx("a", balance=1.1), tx("b", amount=2.2)]
    assert balance_after(batch, 0.0) == 3.3  # 1.1 + 2.2 is 3.3000000000000003 in floats


def test_balance_of_an_empty_batch_is_the_current_balance() -> None:
    assert balance_after([], 42.0) == 42.0


def test_balance_of_an_account_without_one_starts_from_zero() -> None:
    assert balance_after([tx("a", amount=-4.5), tx("b", amount="x")], None) == -4.5


# --- the seventh fractional digit (100 ns, as Codat writes timestamps) -------------------------


def test_a_batch_out_of_order_by_100_ns_breaks_ChronologicalOrder() -> None:
    batch = [tx("a", "2026-11-26T10:00:00.0000002"), tx("b", "2026-11-26T10:00:00.0000001")]
    assert broken(check(batch)) == [("ChronologicalOrder", "b")]
    assert check(list(reversed(batch))) == []


def test_a_date_100_ns_before_the_latest_breaks_OlderThanLatest() -> None:
    acct = AccountView(ACCOUNT_ID, "connected", True, None, datetime(2026, 11, 26, 12, 0), frozenset(), local_ticks("2026-11-26T12:00:00.0000001"))
    assert broken(check([tx("a", "2026-11-26T12:00:00")], acct)) == [("OlderThanLatest", "a")]
    assert check([tx("b", "2026-11-26T12:00:00.0000001Z")], acct) == []


def test_local_ticks_keep_seven_digits_and_ignore_the_offset() -> None:
    base = local_ticks("2026-11-26T12:00:00")
    assert base is not None
    assert local_ticks("2026-11-26T12:00:00.0000001") == base + 1
    assert local_ticks("2026-11-26T12:00:00.5+05:00") == base + 5_000_000
    assert local_ticks("2026-11-26T12:00:00,123456789") == base + 1_234_567  # past 100 ns: below Codat's precision
    assert local_ticks("2026-11-26") == local_ticks("2026-11-26T00:00")
    assert local_ticks("nope") is None and local_ticks(42) is None
