"""Bugs the property suite found in the emulator, each pinned by the example that found it.

Every answer is checked against our OpenAPI documents by the test client (tests/support.py), so
these tests fail when the emulator answers a shape the contract does not describe.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mock_server.testing import strategies as qbo
from tests.properties import oracle
from tests.properties.budget import examples
from tests.properties.test_api import emulator


@settings(max_examples=examples(10))
@given(qbo.source_accounts())
@example(
    {
        "id": "0",
        "accountName": "0",
        "accountType": "checking",
        "accountNumber": "0000",
        "currency": "USD",
        "balance": 0.0,
        "routingInfo": {"bankCode": "0000", "type": "rtn"},
    }
)
def test_a_source_account_patched_to_disconnected_is_answered_in_its_documented_shape(body: dict[str, Any]) -> None:
    # Found by the break-one-rule property (AccountNotConnected): a v2 account came back from
    # update-source-account with its routingInfo, which the document's v1-only answer refused.
    with emulator() as api:
        company_id = api.company()
        connection_id = api.connection(company_id)
        account_id = api.account(company_id, connection_id, body)

        api.set_status_disconnected(company_id, connection_id, account_id)

        listed = api.source_accounts(company_id, connection_id)
        assert [(a["id"], a["status"]) for a in listed] == [(account_id, "disconnected")]


TODAY = date(2026, 3, 18)
LINKED = qbo.AccountState(feed_start_date=date(2026, 3, 11))


@st.composite
def two_batches(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two batches QBO takes one after the other on the same account today."""
    first = draw(qbo.valid_batches(TODAY, LINKED, max_size=5))
    latest = oracle.local_key(first[-1]["date"])
    assert latest is not None
    after = replace(LINKED, latest=datetime.fromisoformat(latest), known_ids=frozenset(t["id"] for t in first))
    return first, draw(qbo.valid_batches(TODAY, after, max_size=5))


@pytest.mark.parametrize("how", ["disconnect", "revoke"])
@settings(max_examples=examples(10))
@given(batches=two_batches())
@example(
    batches=(
        [{"id": "tx-11", "date": "2026-03-18", "description": "Coffee", "amount": 0.16}],
        [{"id": "tx-20", "date": "2026-03-18T08:00:00", "description": "Coffee", "amount": 5}],
    )
)
def test_pushes_failing_together_give_back_the_balance_from_before_the_first(
    how: str, batches: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    # Found by the state machine: two pending pushes failed at one disconnection, and the
    # balance went back to the one the first had set, not to the one before it.
    with emulator() as api:
        company_id = api.company()
        connection_id = api.connection(company_id)
        account_id = api.account(company_id, connection_id, {"id": "acc-1", "currency": "USD", "balance": 100.0})
        assert api.link(api.credentials(company_id, connection_id), [(account_id, LINKED.feed_start_date)]).is_success
        for batch in batches:
            written = api.push(company_id, connection_id, account_id, {"accountId": account_id, "transactions": batch})
            assert written.json()["status"] == "Pending", written.text

        if how == "disconnect":
            api.disconnect(company_id, connection_id, account_id)
        else:
            api.revoke(company_id, connection_id)

        assert [p["status"] for p in api.pushes(company_id)] == ["Failed", "Failed"]
        assert api.source_accounts(company_id, connection_id)[0]["balance"] == 100.0
