"""The faults issue 12 listed, and those the generated suite found, each as a plain test."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server import BankFeedsMock, Settings
from mock_server.core.store import Store
from mock_server.http.app import settle_every_tenant
from tests.support import NOW, World, auth_header, make_client, txn


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def refused(response: Any, status: int, says: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["statusCode"] == status and says in body["error"], body
    return body


def state(client: TestClient) -> Any:
    return client.get("/_mock/state").json()


@pytest.mark.parametrize("depth", [65, 900, 1024, 5000])
def test_json_nested_past_64_levels_inside_a_field_is_400_naming_the_limit(world: World, depth: int) -> None:
    before = state(world.client)
    body = f'{{"name": "x", "description": {nested(depth)}}}'
    response = world.client.post("/companies", content=body, headers={"content-type": "application/json"})
    refused(response, 400, "more than 64 levels deep")
    assert state(world.client) == before


def test_json_64_levels_deep_is_read_as_usual(world: World) -> None:
    response = world.client.post("/companies", content=f'{{"name": "x", "description": {nested(63)}}}', headers={"content-type": "application/json"})
    refused(response, 400, "does not match the documented shape")  # the shape check ran: depth was fine


def test_the_depth_limit_counts_brackets_in_strings_as_text(world: World) -> None:
    response = world.client.post("/companies", json={"name": "x", "description": "[" * 500 + '\\"{' * 100 + "]]]"})
    assert response.status_code == 200, response.text


def test_non_ascii_bytes_in_authorization_are_401(client: TestClient) -> None:
    refused(client.get("/companies", headers={"Authorization": b"Basic \xff\xfe\x80"}), 401, "Unauthorized")  # type: ignore[dict-item]
    refused(client.post("/_mock/reset", headers={"Authorization": b"Basic \xff\xfe\x80"}), 401, "Unauthorized")  # type: ignore[dict-item]


def test_authorization_sent_twice_is_400(client: TestClient) -> None:
    headers = [("authorization", auth_header()["Authorization"]), ("authorization", auth_header("other")["Authorization"])]
    refused(client.get("/companies", headers=headers), 400, "more than once")


def test_a_header_past_8_kib_is_400_naming_the_limit(client: TestClient) -> None:
    refused(client.get("/companies", headers={"x-big": "a" * 9000}), 400, "8192 bytes per header")


@pytest.mark.parametrize(
    ("query", "says"),
    [("(" * 400 + "name=x" + ")" * 400, "limit is 32"), ("(" * 5000, "limit is 2000"), ("(" * 1000, "limit is 32")],
)
def test_deep_or_long_queries_are_400_naming_the_limit(world: World, query: str, says: str) -> None:
    company = world.company()
    refused(world.client.get("/companies", params={"query": query}), 400, says)
    refused(world.client.get(f"/companies/{company}/push", params={"query": query}), 400, says)


def test_a_query_32_parentheses_deep_is_served(world: World) -> None:
    world.company("x")
    response = world.client.get("/companies", params={"query": "(" * 32 + "name=x" + ")" * 32})
    assert response.status_code == 200 and response.json()["totalResults"] == 1


def test_a_far_future_clock_is_400_and_the_clock_and_tenant_stay_as_they_were(world: World) -> None:
    world.company()
    refused(world.client.put("/_mock/clock", json={"now": "9999-12-31T23:59:59Z"}), 400, "out of range")
    refused(world.client.put("/_mock/clock", json={"now": "1000-01-01T00:00:00Z"}), 400, "out of range")
    assert world.client.get("/_mock/clock").json()["now"] == "2026-03-18T09:00:00.000Z"
    assert world.client.get("/companies").status_code == 200


def test_advancing_past_the_last_instant_is_400_and_moves_nothing(client: TestClient) -> None:
    assert client.put("/_mock/clock", json={"now": "4999-12-31T00:00:00Z"}).status_code == 200
    refused(client.post("/_mock/clock/advance", json={"seconds": 86400 * 2}), 400, "out of range")
    assert client.get("/_mock/clock").json()["now"] == "4999-12-31T00:00:00.000Z"


def test_a_scenario_with_a_far_future_instant_is_400_and_loads_nothing(world: World) -> None:
    world.company()
    saved = state(world.client)
    far = {**saved, "clock": {**saved["clock"], "now": "9999-12-31T23:59:59Z"}}
    refused(world.client.put("/_mock/state", json=far), 400, "can show instants from")
    assert state(world.client) == saved


def test_one_broken_tenant_never_stops_the_background_work_of_the_others(caplog: pytest.LogCaptureFixture) -> None:
    store = Store(Settings(clock=NOW, push_delay=1, background_ticks=False))
    broken, healthy = store.tenant("broken"), store.tenant("healthy")
    broken.clock.now = lambda: datetime.max.replace(tzinfo=UTC)  # type: ignore[method-assign]  # a state settle cannot handle
    broken.next_poll = datetime(2026, 3, 18, tzinfo=UTC)
    healthy.next_poll = NOW
    failing: dict[str, str] = {}
    with caplog.at_level(logging.ERROR, logger="mock_server.background"):
        settle_every_tenant(store, failing)
        settle_every_tenant(store, failing)
    assert healthy.next_poll is not None and healthy.next_poll > NOW  # the healthy tenant's poll ran
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "'broken'" in messages[0]  # logged with its key, once while it repeats


def test_the_server_keeps_ticking_and_shuts_down_cleanly_with_a_broken_tenant() -> None:
    with BankFeedsMock(Settings(push_delay=0.2, seed=3)) as mock:
        store: Store = mock.app.state.store
        store.tenant("broken").next_poll = datetime(2026, 3, 18, tzinfo=UTC)
        store.tenant("broken").clock.now = lambda: datetime.max.replace(tzinfo=UTC)  # type: ignore[method-assign]
        tenant = mock.tenant()
        company = tenant.client.post("/companies", json={"name": "Acme"}).json()["id"]
        connection = tenant.client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()["id"]
        path = f"/companies/{company}/connections/{connection}/push/bankAccounts"
        key = tenant.client.post(path, json={"accountName": "New", "accountNumber": "9", "currency": "USD"}).json()["pushOperationKey"]
        healthy = store.tenant(tenant.api_key)
        deadline = time.monotonic() + 10
        # Nobody calls the healthy tenant: only the background tick can complete its push.
        while healthy.companies[company].push_operations[key].status == "Pending" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert healthy.companies[company].push_operations[key].status == "Success"
    assert not mock.running


def test_an_encoded_slash_never_acts_as_a_path_separator(world: World) -> None:
    company, connection, _account = world.linked_account("S3")
    accounts = world.accounts_path(company, connection)
    before = state(world.client)
    refused(world.client.delete(f"{accounts}/%2FS3"), 404, "encoded slash")
    refused(world.client.get(f"/companies/{company}%2Fconnections"), 404, "encoded slash")
    refused(world.client.get("/companies/%2F", follow_redirects=False), 404, "encoded slash")
    refused(world.client.get(f"/companies/{company}%2f"), 404, "encoded slash")
    assert state(world.client) == before


def test_a_source_account_id_with_a_slash_is_refused_at_creation(world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    accounts = world.accounts_path(company, connection)
    body = {"id": "acc/1", "accountName": "C", "accountType": "checking", "accountNumber": "1", "currency": "USD", "balance": 1}
    refused(world.client.post(accounts, json=body), 400, "does not match the documented shape")
    refused(world.client.post(f"{accounts}/batch", json=[body]), 400, "does not match the documented shape")
    assert world.client.get(accounts).json() == []


def test_order_by_with_two_minus_signs_is_refused(world: World) -> None:
    world.company()
    for order_by in ("--name", "-", "name..x"):
        refused(world.client.get("/companies", params={"orderBy": order_by}), 400, "orderBy")
    assert world.client.get("/companies", params={"orderBy": "-name"}).status_code == 200


def test_a_batch_source_account_with_a_modified_date_that_is_no_date_is_400(world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    accounts = world.accounts_path(company, connection)
    body = {"id": "acc-2", "accountName": "C", "accountType": "checking", "accountNumber": "1", "currency": "USD", "balance": 1}
    refused(world.client.post(f"{accounts}/batch", json=[{**body, "modifiedDate": "nope"}]), 400, "documented shape")
    assert world.client.get(accounts).json() == []
    assert world.client.post(f"{accounts}/batch", json=[{**body, "modifiedDate": "2026-03-18T09:00:00"}]).status_code == 201


def test_dates_keep_their_seventh_fractional_digit_in_the_order_rules(world: World) -> None:
    company, connection, account = world.linked_account()
    out_of_order = [txn("a", "2026-03-18T08:00:00.0000002"), txn("b", "2026-03-18T08:00:00.0000001")]
    body = refused(world.push(company, connection, account, out_of_order), 400, "")
    assert [e["validatorName"] for e in body["validation"]["errors"]] == ["ChronologicalOrder"]
    assert world.push(company, connection, account, [txn("c", "2026-03-18T08:00:00.0000001")]).status_code == 200
    older = refused(world.push(company, connection, account, [txn("d", "2026-03-18T08:00:00")]), 400, "")
    assert [e["validatorName"] for e in older["validation"]["errors"]] == ["OlderThanLatest"]
    assert world.push(company, connection, account, [txn("e", "2026-03-18T08:00:00.0000001")]).status_code == 200


def test_the_journal_shows_a_refused_deep_body_as_text(world: World) -> None:
    deep = f'{{"name": {nested(300)}}}'
    world.client.post("/companies", content=deep, headers={"content-type": "application/json"})
    entries = world.client.get("/_mock/requests").json()
    entry = entries["requests"][0] if isinstance(entries, dict) else entries[0]
    assert entry["request"]["body"] == deep


def test_the_longest_delays_on_the_last_day_the_clock_shows_answer_as_usual() -> None:
    year = 366 * 86400
    settings = Settings(clock="4999-12-30T09:00:00Z", push_delay=year, poll_interval=year, disconnect_lag_days=366,
                        background_ticks=False, seed=7)
    with make_client(settings) as client:
        world = World(client)
        company_id = world.company()
        connection_id = world.connection(company_id)
        world.account(company_id, connection_id)
        world.link(company_id, connection_id, "acc-1", feed_start="4999-12-25")
        pushed = world.push(company_id, connection_id, "acc-1", [txn("t1", "4999-12-29T10:00:00")])
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["status"] == "Pending"  # due a year on: past the clock's last day
        assert client.post("/_mock/clock/advance", json={"seconds": 86400}).status_code == 200
        operation = client.get(f"/companies/{company_id}/push/{pushed.json()['pushOperationKey']}")
        assert operation.status_code == 200 and operation.json()["status"] == "Pending"
        disconnected = client.post("/_mock/qbo/disconnect", json={"companyId": company_id, "connectionId": connection_id,
                                                                   "sourceAccountId": "acc-1"})
        assert disconnected.status_code == 200, disconnected.text
        assert disconnected.json()["status"] == "connected"  # Codat sees it 366 days later
        assert client.get(f"/companies/{company_id}/connections/{connection_id}/connectionInfo/bankFeedAccounts").status_code == 200
