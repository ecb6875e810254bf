"""``Idempotency-Key`` over HTTP, as Codat documents it: a retried POST or PATCH answers the first
answer again and does nothing more; a key reused for another request is 422, one still in flight
is 409; a 429 is never kept; keys belong to a tenant and last 90 minutes of the virtual clock."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

import httpx
from starlette.testclient import TestClient

from mock_server import Settings, create_app
from tests.support import NOW, World, make_async_client, make_client, txn

BASE = Settings(clock=NOW, background_ticks=False, seed=7)


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def companies(client: TestClient) -> int:
    return int(client.get("/companies").json()["totalResults"])


def same_answer(first: httpx.Response, again: httpx.Response) -> bool:
    return (first.status_code, first.content, first.headers["content-type"]) == (
        again.status_code,
        again.content,
        again.headers["content-type"],
    )


def test_a_retried_create_answers_the_kept_answer_and_creates_nothing_more(client: TestClient) -> None:
    headers = key()

    first = client.post("/companies", json={"name": "Once Ltd"}, headers=headers)
    again = client.post("/companies", json={"name": "Once Ltd"}, headers=headers)

    assert first.status_code == 200
    assert same_answer(first, again)
    assert companies(client) == 1


def test_a_replay_counts_as_a_request_and_carries_fresh_rate_limit_headers(client: TestClient) -> None:
    headers = key()

    first = client.post("/companies", json={"name": "Once Ltd"}, headers=headers)
    again = client.post("/companies", json={"name": "Once Ltd"}, headers=headers)

    assert int(again.headers["x-rate-limit-remaining"]) == int(first.headers["x-rate-limit-remaining"]) - 1


def test_every_retry_of_each_write_creates_one_connection_account_and_credential_set(
    client: TestClient, world: World
) -> None:
    company = world.company()
    connection_key, account_key, credentials_key = key(), key(), key()
    connections = [
        client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}, headers=connection_key)
        for _ in range(3)
    ]
    connection = connections[0].json()["id"]
    accounts_path = world.accounts_path(company, connection)
    account = {"id": "acc-1", "accountName": "Checking", "accountType": "checking", "accountNumber": "1",
               "currency": "USD", "balance": 10.0}  # fmt: skip
    accounts = [client.post(accounts_path, json=account, headers=account_key) for _ in range(3)]
    credentials = [client.post(accounts_path + "/credentials", json={}, headers=credentials_key) for _ in range(2)]

    assert all(same_answer(connections[0], c) for c in connections)
    assert len(client.get(f"/companies/{company}/connections").json()["results"]) == 1
    assert all(same_answer(accounts[0], a) and a.status_code == 200 for a in accounts)  # no "already exists"
    assert len(client.get(accounts_path).json()) == 1
    assert credentials[0].json() == credentials[1].json()  # the same password, not a second set


def test_an_error_answer_is_kept_and_replayed_too(client: TestClient) -> None:
    headers = key()

    first = client.post("/companies", json={"name": 42}, headers=headers)
    client.post("/companies", json={"name": "Now valid elsewhere"})
    missing = client.post("/companies/nope/connections", json={"platformKey": "hcws"}, headers=key())
    again = client.post("/companies", json={"name": 42}, headers=headers)

    assert first.status_code == 400 and missing.status_code == 404
    assert same_answer(first, again)
    assert again.json()["correlationId"] == first.json()["correlationId"]  # the very answer, not a new one


def test_the_same_key_with_another_body_or_operation_is_422_and_changes_nothing(client: TestClient) -> None:
    headers = key()
    company = client.post("/companies", json={"name": "Kept"}, headers=headers).json()["id"]

    other_body = client.post("/companies", json={"name": "Other"}, headers=headers)
    other_path = client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}, headers=headers)
    other_method = client.patch(f"/companies/{company}", json={"name": "Kept"}, headers=headers)

    for answer in (other_body, other_path, other_method):
        assert answer.status_code == 422, answer.text
        assert answer.json()["statusCode"] == 422 and "Idempotency-Key" in answer.json()["error"]
    assert companies(client) == 1
    assert client.get(f"/companies/{company}").json()["name"] == "Kept"
    assert client.get(f"/companies/{company}/connections").json()["results"] == []


def test_a_patch_is_kept_as_well(client: TestClient, world: World) -> None:
    company = world.company()
    headers = key()

    first = client.patch(f"/companies/{company}", json={"description": "first"}, headers=headers)
    client.patch(f"/companies/{company}", json={"description": "changed since"})
    again = client.patch(f"/companies/{company}", json={"description": "first"}, headers=headers)

    assert same_answer(first, again)
    assert client.get(f"/companies/{company}").json()["description"] == "changed since"  # not run again


def test_keys_belong_to_a_tenant() -> None:
    app = create_app(BASE)
    headers = key()
    with make_client(app=app, key="tenant-a") as a, make_client(app=app, key="tenant-b") as b:
        mine = a.post("/companies", json={"name": "A's"}, headers=headers)
        theirs = b.post("/companies", json={"name": "B's"}, headers=headers)  # another body: still not a 422

        assert (mine.status_code, theirs.status_code) == (200, 200)
        assert mine.json()["id"] != theirs.json()["id"]
        assert (companies(a), companies(b)) == (1, 1)


def test_a_key_lasts_90_minutes_of_the_virtual_clock(client: TestClient) -> None:
    headers = key()
    first = client.post("/companies", json={"name": "Twice, eventually"}, headers=headers)
    client.post("/_mock/clock/advance", json={"seconds": 90 * 60 - 1})
    within = client.post("/companies", json={"name": "Twice, eventually"}, headers=headers)
    client.post("/_mock/clock/advance", json={"seconds": 1})
    after = client.post("/companies", json={"name": "Twice, eventually"}, headers=headers)

    assert same_answer(first, within)
    assert after.status_code == 200 and after.json()["id"] != first.json()["id"]
    assert companies(client) == 2


def test_a_429_is_not_kept_so_the_same_key_runs_once_the_limit_clears() -> None:
    with make_client(replace(BASE, daily_quota_base=1)) as client:
        client.get("/companies")
        headers = key()
        refused = client.post("/companies", json={"name": "After midnight"}, headers=headers)
        client.put("/_mock/clock", json={"now": "2026-03-19T00:00:00Z"})
        ran = client.post("/companies", json={"name": "After midnight"}, headers=headers)

        assert refused.status_code == 429
        assert ran.status_code == 200 and ran.json()["name"] == "After midnight"


def test_an_injected_fault_is_not_kept_so_the_retry_runs(client: TestClient) -> None:
    client.put("/_mock/faults", json={"rules": [{"operationId": "create-company", "status": 503, "times": 1}]})
    headers = key()

    failed = client.post("/companies", json={"name": "Second time lucky"}, headers=headers)
    retried = client.post("/companies", json={"name": "Second time lucky"}, headers=headers)

    assert (failed.status_code, retried.status_code) == (503, 200)
    assert companies(client) == 1


def test_a_key_that_is_not_a_guid_or_sent_twice_is_400_and_nothing_runs(client: TestClient) -> None:
    not_a_guid = client.post("/companies", json={"name": "X"}, headers={"Idempotency-Key": "retry-1"})
    twice = client.post(
        "/companies",
        json={"name": "X"},
        headers=[("Idempotency-Key", str(uuid.uuid4())), ("Idempotency-Key", str(uuid.uuid4()))],
    )

    assert (not_a_guid.status_code, twice.status_code) == (400, 400)
    assert "GUID" in not_a_guid.json()["error"] and "one Idempotency-Key" in twice.json()["error"]
    assert companies(client) == 0


def test_a_path_or_method_nobody_serves_answers_404_or_405_whatever_the_key(client: TestClient) -> None:
    headers = key()
    client.post("/companies", json={"name": "Kept"}, headers=headers)

    wrong_method = client.patch("/companies", json={"name": "Kept"}, headers=headers)
    wrong_path = client.post("/companies/x/nothing-here", json={"name": "Kept"}, headers=headers)

    assert (wrong_method.status_code, wrong_path.status_code) == (405, 404)


def test_the_key_means_nothing_on_put_get_and_delete(client: TestClient, world: World) -> None:
    company = world.company()
    headers = key()

    first = client.put(f"/companies/{company}", json={"name": "First"}, headers=headers)
    second = client.put(f"/companies/{company}", json={"name": "Second"}, headers=headers)
    read = client.get(f"/companies/{company}", headers=headers)

    assert (first.status_code, second.status_code) == (200, 200)
    assert read.json()["name"] == "Second"


def test_keys_work_with_the_rate_limit_off() -> None:
    with make_client(replace(BASE, rate_limit="off")) as client:
        headers = key()
        first = client.post("/companies", json={"name": "Once"}, headers=headers)
        again = client.post("/companies", json={"name": "Once"}, headers=headers)

        assert same_answer(first, again) and companies(client) == 1


# -- the same push twice -------------------------------------------------------------------------------


def _feed_after_completion(client: TestClient, company: str, account: str) -> list[str]:
    client.post("/_mock/clock/advance", json={"seconds": 5})
    client.post("/_mock/qbo/poll", json={})
    feed = client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()
    return [t["id"] for t in feed["transactions"]]


def _push_operations(client: TestClient, company: str) -> list[dict[str, Any]]:
    listed = client.get(f"/companies/{company}/push", params={"pageSize": 100}).json()["results"]
    return [op for op in listed if op["dataType"] == "bankTransactions"]


BATCH = [txn("t1", "2026-03-16", 25.0, 125.0), txn("t2", "2026-03-17", -5.0, 120.0)]


def test_the_same_push_sent_twice_in_a_row_writes_one_push_and_one_set_of_transactions(
    client: TestClient, world: World
) -> None:
    company, connection, account = world.linked_account()
    headers = key()
    body = {"accountId": account, "transactions": BATCH}
    path = world.push_path(company, connection, account)

    first = client.post(path, json=body, headers=headers)
    again = client.post(path, json=body, headers=headers)

    assert first.status_code == 200 and same_answer(first, again)
    assert [op["pushOperationKey"] for op in _push_operations(client, company)] == [first.json()["pushOperationKey"]]
    assert _feed_after_completion(client, company, account) == ["t1", "t2"]


async def _concurrent_pushes(app: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> list[httpx.Response]:
    async with make_async_client(app) as client:
        # The first push is held in flight (a latency fault) while the retry arrives.
        rule = {"operationId": "create-bank-transactions", "latencyMs": 1500, "times": 1}
        await client.put("/_mock/faults", json={"rules": [rule]})
        first = asyncio.create_task(client.post(path, json=body, headers=headers))
        await asyncio.sleep(0.3)
        during = await client.post(path, json=body, headers=headers)
        answered = await first
        after = await client.post(path, json=body, headers=headers)
        return [answered, during, after]


def test_the_same_push_sent_twice_at_once_is_409_for_the_second_and_writes_one_set(
    client: TestClient, world: World
) -> None:
    company, connection, account = world.linked_account()
    body = {"accountId": account, "transactions": BATCH}

    first, during, after = asyncio.run(
        _concurrent_pushes(client.app, world.push_path(company, connection, account), body, key())
    )

    assert first.status_code == 200
    assert during.status_code == 409 and "still being processed" in during.json()["error"]
    assert same_answer(first, after)
    assert len(_push_operations(client, company)) == 1
    assert _feed_after_completion(client, company, account) == ["t1", "t2"]
