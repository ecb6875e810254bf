"""The ``bankfeeds_mock`` fixture and its helpers, as a project's tests use it (registered by entry point)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml

from mock_server.testing.client import ControlError, MockTenant
from tests.support import NOW, txn

ACCOUNTS = "/companies/{}/connections/{}/connectionInfo/bankFeedAccounts"


def _account(mock: MockTenant, company: str, connection: str, account_id: str) -> None:
    body = {
        "id": account_id,
        "accountName": "Checking",
        "accountType": "checking",
        "accountNumber": "0001",
        "currency": "USD",
        "balance": 100.0,
    }
    assert mock.client.post(ACCOUNTS.format(company, connection), json=body).status_code == 200


def _company_with_accounts(mock: MockTenant, *account_ids: str) -> tuple[str, str]:
    company = mock.client.post("/companies", json={"name": "Elaborate Events, Inc"}).json()["id"]
    connection = mock.client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()["id"]
    for account_id in account_ids:
        _account(mock, company, connection, account_id)
    return company, connection


def _push(mock: MockTenant, company: str, connection: str, account: str, *transactions: dict[str, object]) -> str:
    path = f"/companies/{company}/connections/{connection}/push/bankAccounts/{account}/bankTransactions"
    answer = mock.client.post(path, json={"accountId": account, "transactions": list(transactions)})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["pushOperationKey"])


def test_fixture_gives_a_url_a_key_its_auth_header_and_an_authenticated_client(bankfeeds_mock: MockTenant) -> None:
    assert bankfeeds_mock.url.startswith("http://127.0.0.1:")
    assert bankfeeds_mock.auth_header == "Basic " + base64.b64encode(bankfeeds_mock.api_key.encode()).decode()

    created = bankfeeds_mock.client.post("/companies", json={"name": "Elaborate Events, Inc"})

    assert created.status_code == 200
    assert httpx.get(bankfeeds_mock.url + "/companies").status_code == 401  # the key is what the client adds
    assert bankfeeds_mock.client.get("/companies").json()["totalResults"] == 1


def test_link_connects_the_accounts_with_a_week_of_history_by_default(bankfeeds_mock: MockTenant) -> None:
    bankfeeds_mock.clock.set(NOW, frozen=True)
    company, connection = _company_with_accounts(bankfeeds_mock, "acc-1", "acc-2")

    linked = bankfeeds_mock.link(company, connection, "acc-1", "acc-2")

    assert (linked["companyId"], linked["connectionId"]) == (company, connection)
    assert [(a["sourceAccountId"], a["status"], a["feedStartDate"]) for a in linked["accounts"]] == [
        ("acc-1", "connected", "2026-03-11"),
        ("acc-2", "connected", "2026-03-11"),
    ]
    status = bankfeeds_mock.client.get(f"/companies/{company}/connections/{connection}").json()["status"]
    assert status == "Linked"


def test_link_takes_the_feed_start_date_the_user_picks(bankfeeds_mock: MockTenant) -> None:
    bankfeeds_mock.clock.set(NOW, frozen=True)
    company, connection = _company_with_accounts(bankfeeds_mock, "acc-1")

    linked = bankfeeds_mock.link(company, connection, "acc-1", feed_start_date="2026-03-16")

    assert linked["accounts"][0]["feedStartDate"] == "2026-03-16"


def test_pushed_transactions_complete_on_the_clock_and_reach_the_feed_on_poll(bankfeeds_mock: MockTenant) -> None:
    bankfeeds_mock.clock.set(NOW, frozen=True)
    company, connection = _company_with_accounts(bankfeeds_mock, "acc-1")
    bankfeeds_mock.link(company, connection, "acc-1")
    key = _push(bankfeeds_mock, company, connection, "acc-1", txn("t1", "2026-03-16", 25.0, 125.0))

    assert bankfeeds_mock.clock.advance(2) == NOW + timedelta(seconds=2)
    assert bankfeeds_mock.client.get(f"/companies/{company}/push/{key}").json()["status"] == "Success"
    assert bankfeeds_mock.poll() == 1
    assert bankfeeds_mock.poll(company) == 0
    feed = bankfeeds_mock.feed(company, "acc-1")
    assert [t["id"] for t in feed["transactions"]] == ["t1"] and feed["balance"] == 125.0


def test_clock_helpers_read_set_freeze_and_advance_the_tenants_clock(bankfeeds_mock: MockTenant) -> None:
    assert bankfeeds_mock.clock.set(NOW, frozen=True) == NOW
    assert bankfeeds_mock.clock.now() == NOW

    assert bankfeeds_mock.clock.advance(timedelta(days=1)) == NOW + timedelta(days=1)
    assert bankfeeds_mock.clock.set("2026-04-01T12:00:00Z") == NOW.replace(month=4, day=1, hour=12)
    assert bankfeeds_mock.client.get("/_mock/clock").json()["frozen"] is True


def test_a_refused_control_call_raises_with_codats_error_body(bankfeeds_mock: MockTenant) -> None:
    bankfeeds_mock.clock.set(NOW, frozen=True)
    _company_with_accounts(bankfeeds_mock)

    with pytest.raises(ControlError, match="only moves forward") as refused:
        bankfeeds_mock.clock.set(NOW - timedelta(days=1))

    assert refused.value.status_code == 400
    assert refused.value.body["statusCode"] == 400 and refused.value.body["correlationId"]


def test_reset_forgets_the_tenants_data(bankfeeds_mock: MockTenant) -> None:
    _company_with_accounts(bankfeeds_mock, "acc-1")

    bankfeeds_mock.reset()

    assert bankfeeds_mock.client.get("/companies").json()["totalResults"] == 0


def test_requests_lists_the_tenants_calls_newest_first_and_filters_them(bankfeeds_mock: MockTenant) -> None:
    company, _ = _company_with_accounts(bankfeeds_mock)
    bankfeeds_mock.client.get(f"/companies/{company}")
    bankfeeds_mock.client.get("/companies/no-such-company")

    journal = bankfeeds_mock.requests()
    missing = bankfeeds_mock.requests(status=404)
    created = bankfeeds_mock.requests(operation_id="create-company")

    assert [(e["method"], e["path"]) for e in journal[:2]] == [
        ("GET", "/companies/no-such-company"),
        ("GET", f"/companies/{company}"),
    ]
    assert [e["path"] for e in missing] == ["/companies/no-such-company"]
    assert [e["response"]["body"]["id"] for e in created] == [company]

    bankfeeds_mock.clear_requests()
    assert bankfeeds_mock.requests(operation_id="create-company") == []


def test_faults_add_makes_matching_calls_fail_until_cleared(bankfeeds_mock: MockTenant) -> None:
    rule = bankfeeds_mock.faults.add(operation_id="create-company", status=503, times=1)

    failed = bankfeeds_mock.client.post("/companies", json={"name": "Elaborate Events, Inc"})
    then = bankfeeds_mock.client.post("/companies", json={"name": "Elaborate Events, Inc"})

    assert failed.status_code == 503 and rule["id"] in failed.json()["error"]
    assert then.status_code == 200
    assert [(r["id"], r["fired"]) for r in bankfeeds_mock.faults.rules()] == [(rule["id"], 1)]

    bankfeeds_mock.faults.add(path="/companies", method="GET", status=429, retry_after=1)
    limited = bankfeeds_mock.client.get("/companies")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"

    bankfeeds_mock.faults.clear()
    assert bankfeeds_mock.faults.rules() == []
    assert bankfeeds_mock.client.get("/companies").status_code == 200


SEVEN_DAYS = Path(__file__).resolve().parents[2] / "fixtures" / "seven-days-history.yaml"


@pytest.mark.bankfeeds_mock_scenario("seven-days-history")
def test_scenario_marker_starts_the_tenant_from_a_scenario_named_in_fixtures(bankfeeds_mock: MockTenant) -> None:
    scenario = yaml.safe_load(SEVEN_DAYS.read_text())

    companies = bankfeeds_mock.client.get("/companies").json()["results"]

    assert sorted(c["id"] for c in companies) == sorted(c["id"] for c in scenario["companies"])
    assert bankfeeds_mock.clock.now() == datetime.fromisoformat(str(scenario["clock"]["now"]).replace("Z", "+00:00"))


def test_state_saved_from_one_test_replays_into_an_empty_tenant(bankfeeds_mock: MockTenant) -> None:
    bankfeeds_mock.clock.set(NOW, frozen=True)
    company, connection = _company_with_accounts(bankfeeds_mock, "acc-1")
    bankfeeds_mock.link(company, connection, "acc-1")
    saved = bankfeeds_mock.state()

    bankfeeds_mock.reset()
    bankfeeds_mock.load_state(saved)

    assert bankfeeds_mock.state() == saved
    assert bankfeeds_mock.client.get(ACCOUNTS.format(company, connection)).json()[0]["status"] == "connected"


def test_load_state_reads_a_yaml_file_and_refuses_a_broken_one(bankfeeds_mock: MockTenant, tmp_path: Path) -> None:
    bankfeeds_mock.load_state(SEVEN_DAYS)
    assert bankfeeds_mock.client.get("/companies").json()["totalResults"] >= 1

    broken = tmp_path / "broken.yaml"
    broken.write_text("clock:\n  now: not-a-date\ncompanies: []\n")
    with pytest.raises(ControlError, match=r"clock\.now") as refused:
        bankfeeds_mock.load_state(broken)
    assert refused.value.status_code == 400
    first = refused.value.body["validation"]["errors"][0]
    assert first["message"].startswith("line 2")
