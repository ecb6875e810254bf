"""Bugs the property suite found in the emulator, each pinned by the example that found it.

Every answer is checked against our OpenAPI documents by the test client (tests/support.py), so
these tests fail when the emulator answers a shape the contract does not describe.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings

from mock_server.testing import strategies as qbo
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
