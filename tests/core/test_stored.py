"""Stored transactions read back as they were sent.

An accepted batch is kept as JSON (the body itself on the hot path, its records encoded on the
precise one) and decoded again whenever it is read: by QBO's polls and feed, a push's changes,
exports and the UI. What comes back must be what went in, value for value and type for type: an
int amount stays an int, -0.0 stays -0.0, a field left out stays apart from one sent as null.
Compared through ``msgspec.json.encode``, which tells all of those apart (``==`` on records would
take 1 for 1.0).
"""

from __future__ import annotations

from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec import UNSET

from mock_server.core.model import Batch, DetailedBatch, Txn
from mock_server.core.stored import Transactions, records_of

texts = st.text(min_size=1, max_size=12)
integers = st.integers(min_value=-(2**63), max_value=2**63 - 1)
floats = st.floats(allow_nan=False, allow_infinity=False)
amounts = integers | floats
TYPES = ["Credit", "Debit", "Unknown"]


@st.composite
def items(draw: st.DrawFn, detailed: bool) -> dict[str, Any]:
    """One transaction as a client sends it: the required fields, and the others given or not."""
    item: dict[str, Any] = {"id": draw(texts), "date": draw(texts), "description": draw(texts), "amount": draw(amounts)}
    if draw(st.booleans()):
        item["balance"] = draw(amounts)
    if draw(st.booleans()):
        item["transactionType"] = draw(st.sampled_from([*TYPES, None]))
    if detailed:
        for name, values in (("counterparty", texts), ("reference", texts), ("reconciled", st.booleans())):
            if draw(st.booleans()):
                item[name] = draw(st.none() | values)
    return item


def bodies(detailed: bool) -> st.SearchStrategy[bytes]:
    return st.lists(items(detailed), min_size=1, max_size=20).map(
        lambda transactions: orjson.dumps({"accountId": "acc-1", "transactions": transactions})
    )


def as_json(records: Any) -> bytes:
    return msgspec.json.encode(list(records))


@given(bodies(detailed=False))
def test_a_plain_batch_kept_as_its_body_reads_back_as_decoded(data: bytes) -> None:
    batch = msgspec.json.decode(data, type=Batch)

    stored = Transactions.of_body(data, batch)

    assert len(stored) == len(batch.transactions)
    assert as_json(stored) == as_json(batch.transactions)
    assert as_json([stored[-1]]) == as_json(batch.transactions[-1:])
    assert stored.ids() == [t.id for t in batch.transactions]


@given(bodies(detailed=True))
def test_a_detailed_batch_keeps_its_descriptive_fields(data: bytes) -> None:
    batch = msgspec.json.decode(data, type=DetailedBatch)

    stored = Transactions.of_body(data, batch)

    assert as_json(stored) == as_json(batch.transactions)
    assert stored.ids() == [t.id for t in batch.transactions]
    # What the client sent, field by field: nothing added, nothing lost, null kept apart from absent.
    assert msgspec.json.decode(as_json(stored)) == orjson.loads(data)["transactions"]


@given(st.lists(items(detailed=False), min_size=1, max_size=20))
def test_records_of_the_precise_path_read_back_equal(sent: list[dict[str, Any]]) -> None:
    records = records_of(sent)

    stored = Transactions.of_records(records)

    assert as_json(stored) == as_json(records)
    assert msgspec.json.decode(as_json(stored)) == sent
    assert stored.ids() == [i["id"] for i in sent]


@pytest.mark.parametrize(
    "amount",
    [2**64 - 1, 10**30, -0.0, 0.0, 1.0, 1, 5e-324, 1.7976931348623157e308],
    ids=["u64", "bigger than 64 bits", "minus zero", "zero", "float one", "int one", "smallest", "largest"],
)
def test_numbers_keep_their_value_and_type(amount: float) -> None:
    record = Txn("t1", "2026-03-18", "d", amount, amount, None)

    [back] = Transactions.of_records([record])

    assert type(back.amount) is type(amount) and repr(back.amount) == repr(amount)
    assert type(back.balance) is type(amount) and repr(back.balance) == repr(amount)


def test_left_out_and_null_stay_apart() -> None:
    records = [Txn("a", "2026-03-18", "d", 1), Txn("b", "2026-03-18", "d", 1, transaction_type=None)]

    back = list(Transactions.of_records(records))

    assert back[0].balance is UNSET and back[0].transaction_type is UNSET
    assert back[1].balance is UNSET and back[1].transaction_type is None


@pytest.mark.parametrize("odd", [float("inf"), float("nan")], ids=["infinite", "nan"])
def test_values_json_cannot_hold_are_kept_as_they_are(odd: float) -> None:
    # Only a scenario file (YAML's .inf and .nan) can hand these in; a request body cannot.
    record = Txn("t1", "2026-03-18", "d", 1, odd)

    [back] = Transactions.of_records([record])

    assert back is record


def test_a_lone_surrogate_is_kept_as_it_is() -> None:
    record = Txn("t\ud800", "2026-03-18", "d", 1)

    assert list(Transactions.of_records([record])) == [record]


def plain(ids: str) -> Transactions:
    body = orjson.dumps(
        {"accountId": "a", "transactions": [{"id": i, "date": "2026-03-18", "description": "d", "amount": 1} for i in ids]}
    )
    return Transactions.of_body(body, msgspec.json.decode(body, type=Batch))


def test_joined_batches_read_in_order_without_a_copy() -> None:
    joined = Transactions.joined([plain("ab"), Transactions(), Transactions.of_records(records_of([{"id": "c", "date": "x", "description": "d", "amount": 2}])), plain("de")])

    assert len(joined) == 5 and joined
    assert [t.id for t in joined] == list("abcde")
    assert [joined[i].id for i in range(-5, 5)] == list("abcdeabcde")
    assert [t.id for t in reversed(joined)] == list("edcba")
    assert [t.id for t in joined[1:4]] == list("bcd")
    assert joined.index(joined[2]) == 2
    with pytest.raises(IndexError):
        joined[5]
    with pytest.raises(IndexError):
        joined[-6]


def test_nothing_is_empty() -> None:
    for empty in (Transactions(), Transactions.of_records([]), Transactions.joined([]), Transactions.joined([Transactions()])):
        assert not empty and len(empty) == 0 and list(empty) == []
        with pytest.raises(IndexError):
            empty[-1]


def test_ids_are_read_in_order_whatever_a_batch_is_kept_as() -> None:
    encoded = Transactions.of_records(records_of([{"id": "c", "date": "x", "description": "d", "amount": 2}]))
    kept = Transactions.of_records([Txn("f", "x", "d", 1, float("nan"))])
    joined = Transactions.joined([plain("ab"), encoded, plain("de"), kept])

    assert joined.ids() == list("abcdef") == [t.id for t in joined]
