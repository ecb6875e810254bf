"""The tutorial's journey with the official Codat SDK against a real emulator on a loopback port.

This is what an integrator does: point ``codat_bankfeeds`` at ``server_url`` and run their code.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from mock_server import BankFeedsMock, Settings

codat_bankfeeds = pytest.importorskip("codat_bankfeeds", reason="the official SDK is in the dev extras")
from codat_bankfeeds import CodatBankFeeds  # noqa: E402
from codat_bankfeeds.models import errors, shared  # noqa: E402
from codat_bankfeeds.utils import RetryConfig  # noqa: E402

pytestmark = pytest.mark.xdist_group("journey")

NOW = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
API_KEY = "journey-key"
AUTH = "Basic " + base64.b64encode(API_KEY.encode()).decode()


def value(field: Any) -> Any:
    """SDK enums come back as Enum members; compare their wire values."""
    return getattr(field, "value", field)


@pytest.fixture(scope="module")
def mock() -> Iterator[BankFeedsMock]:
    with BankFeedsMock(Settings(port=0, clock=NOW, poll_interval=0, push_delay=2, seed=11)) as running:
        yield running


@pytest.fixture
def sdk(mock: BankFeedsMock) -> CodatBankFeeds:
    httpx.post(f"{mock.url}/_mock/reset", headers={"Authorization": AUTH})
    return CodatBankFeeds(
        server_url=mock.url, security=shared.Security(auth_header=AUTH), retry_config=RetryConfig("none")
    )


@pytest.fixture
def control(mock: BankFeedsMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock.url, headers={"Authorization": AUTH}) as client:
        yield client


def test_the_qbo_bank_feeds_journey_with_the_official_sdk(sdk: CodatBankFeeds, control: httpx.Client) -> None:
    company = sdk.companies.create(request={"name": "Elaborate Events, Inc"})
    connection = sdk.connections.create(request={"company_id": company.id, "request_body": {"platform_key": "hcws"}})
    assert value(connection.status) == "PendingAuth"
    assert connection.platform_name == "QuickBooks Online Bank Feeds"
    assert "otp=" in connection.link_url

    ids = {"company_id": company.id, "connection_id": connection.id}
    account = sdk.source_accounts.create(
        request={
            **ids,
            "request_body": {
                "id": "acc-002",
                "account_name": "Checking 0202",
                "account_type": "checking",
                "account_number": "12345670",
                "currency": "USD",
                "balance": Decimal("6531.40"),
            },
        }
    )
    assert account.id == "acc-002" and value(account.status) == "pending"

    credentials = sdk.source_accounts.generate_credentials(request={**ids, "request_body": b"{}"})
    linked = control.post(
        "/_mock/qbo/link",
        json={
            "username": credentials.username,
            "password": credentials.password,
            "accounts": [{"sourceAccountId": "acc-002", "feedStartDate": "2026-03-11"}],
        },
    )
    assert linked.status_code == 200

    history = [
        {"id": f"txn-{day}", "date_": f"2026-03-{day:02d}T10:00:00", "description": f"Card payment {day}",
         "amount": Decimal("-25.50"), "balance": Decimal("6531.40") - Decimal("25.50") * (day - 10),
         "transaction_type": "Debit"}
        for day in range(11, 19)
    ]
    written = sdk.transactions.create(
        request={**ids, "account_id": "acc-002", "create_bank_transactions": {"account_id": "acc-002", "transactions": history}}
    )
    assert value(written.status) == "Pending" and written.status_code == 202

    control.post("/_mock/clock/advance", json={"seconds": 2})
    operation = sdk.transactions.get_create_operation(
        request={"company_id": company.id, "push_operation_key": written.push_operation_key}
    )
    assert value(operation.status) == "Success" and operation.status_code == 200

    assert control.post("/_mock/qbo/poll", json={"companyId": company.id}).json() == {"pulled": 8}
    feed = control.get(f"/_mock/qbo/companies/{company.id}/accounts/acc-002/transactions").json()
    assert [t["id"] for t in feed["transactions"]] == [t["id"] for t in history]
    accounts = sdk.source_accounts.list(request=ids)
    assert Decimal(str(accounts[0].balance)) == history[-1]["balance"]
    assert value(accounts[0].status) == "connected"


def test_a_batch_qbo_refuses_raises_the_sdk_error_with_every_validator(sdk: CodatBankFeeds, control: httpx.Client) -> None:
    company = sdk.companies.create(request={"name": "Refused Ltd"})
    connection = sdk.connections.create(request={"company_id": company.id, "request_body": {"platform_key": "hcws"}})
    ids = {"company_id": company.id, "connection_id": connection.id}
    sdk.source_accounts.create(
        request={**ids, "request_body": {"id": "a1", "account_name": "A", "account_type": "checking",
                                          "account_number": "1", "currency": "USD", "balance": 0}}
    )
    credentials = sdk.source_accounts.generate_credentials(request={**ids, "request_body": b"{}"})
    control.post("/_mock/qbo/link", json={"username": credentials.username, "password": credentials.password,
                                          "accounts": [{"sourceAccountId": "a1", "feedStartDate": "2026-03-11"}]})
    batch = [
        {"id": "t1", "date_": "2026-03-19T00:00:00", "description": "Tomorrow", "amount": 1},
        {"id": "t2", "date_": "2026-03-01", "description": "Too old", "amount": 1},
    ]

    with pytest.raises(errors.ErrorMessage) as raised:
        sdk.transactions.create(
            request={**ids, "account_id": "a1", "create_bank_transactions": {"account_id": "a1", "transactions": batch}}
        )

    assert raised.value.status_code == 400
    found = {(e.item_id, e.validator_name) for e in raised.value.data.validation.errors}
    assert found == {("t1", "FutureDate"), ("t2", "ChronologicalOrder"), ("t2", "FeedStartWindow")}
    assert sdk.transactions.list_create_operations(request={"company_id": company.id}).total_results == 0


def test_unknown_company_raises_not_found(sdk: CodatBankFeeds) -> None:
    with pytest.raises(errors.ErrorMessage) as raised:
        sdk.companies.get(request={"company_id": "7c5e4e1c-1b4e-4c83-9b5e-0f6d2e7b1a11"})

    assert raised.value.status_code == 404
    assert raised.value.data.can_be_retried == "Unknown"
