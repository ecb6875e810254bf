"""Every operation of the public document answers over HTTP, each answer checked against it.

The ``client`` fixture validates status and body of every response against our OpenAPI document;
this test makes sure no operation escapes that check by calling each one at least once.
"""

from __future__ import annotations

import httpx
from starlette.testclient import TestClient

from mock_server.http.schemas import load
from tests.support import World, checker, txn


def _documented_operations() -> set[str]:
    paths = load("bankfeeds.openapi.yaml")["paths"]
    return {op["operationId"] for item in paths.values() for key, op in item.items() if isinstance(op, dict) and "operationId" in op}


def test_every_documented_operation_answers_as_documented(client: TestClient, world: World) -> None:
    called: set[str] = set()

    def record(response: httpx.Response) -> None:
        operation = checker().operation(response.request.method, response.request.url.path)
        if operation is not None and response.status_code < 500:
            called.add(operation.operation_id)

    client.event_hooks["response"] = [*client.event_hooks["response"], record]
    c = client

    company = c.post("/companies", json={"name": "Walk Everything Ltd", "tags": {"region": "us"}}).json()["id"]
    assert c.get("/companies").status_code == 200
    assert c.get(f"/companies/{company}").status_code == 200
    assert c.put(f"/companies/{company}", json={"name": "Walk Everything Inc"}).status_code == 200
    assert c.patch(f"/companies/{company}", json={"description": "all 33"}).status_code == 200
    assert c.get(f"/companies/{company}/accessToken").json()["tokenType"] == "Bearer"

    connection = c.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()["id"]
    base = f"/companies/{company}/connections/{connection}"
    assert c.get(f"/companies/{company}/connections").status_code == 200
    assert c.get(base).status_code == 200
    assert c.post(base + "/bankFeeds/otp").status_code == 200
    assert c.get(base + "/bankFeeds/info").status_code == 200

    accounts = base + "/connectionInfo/bankFeedAccounts"
    world.account(company, connection, "acc-1")
    batch = [
        {"id": "acc-2", "accountName": "Savings", "accountType": "savings", "accountNumber": "2", "currency": "USD", "balance": 5},
        {"id": "acc-3", "accountName": "Card", "accountType": "creditCard", "accountNumber": "3", "currency": "USD", "balance": 0},
    ]
    assert c.post(accounts + "/batch", json=batch).status_code == 201
    assert len(c.get(accounts).json()) == 3
    assert c.patch(accounts + "/acc-3", json={"id": "acc-3", "accountName": "Renamed"}).status_code == 200
    assert c.delete(accounts + "/acc-3").status_code == 204

    chart = c.get(base + "/data/bankAccounts").json()["results"]
    assert c.get(base + "/options/bankAccounts").status_code == 200
    created = c.post(base + "/push/bankAccounts", json={"accountName": "Ops", "accountNumber": "9", "currency": "USD"})
    assert created.status_code == 200
    assert c.get(base + "/bankFeedAccounts/mapping").status_code == 200
    mapped = c.post(base + "/bankFeedAccounts/mapping", json={"sourceAccountId": "acc-1", "targetAccountId": chart[0]["id"]})
    assert mapped.json()["status"] == "Success"

    world.link(company, connection, "acc-1", "acc-2")
    assert c.get(base + "/options/bankAccounts/acc-1/bankTransactions").status_code == 200
    pushed = world.push(company, connection, "acc-1", [txn("t1", "2026-03-17", 12.5)])
    assert pushed.status_code == 200
    assert c.get(f"/companies/{company}/push/{pushed.json()['pushOperationKey']}").status_code == 200
    assert c.get(f"/companies/{company}/push").json()["totalResults"] == 2

    syncs = base + "/bankFeedAccounts/acc-1/managedBankFeeds/syncs"
    assert c.get(syncs + "/latest").status_code == 204
    sync_id = c.post(syncs).json()["syncId"]
    assert c.get(f"{syncs}/{sync_id}").json()["status"] == "Started"
    c.post("/_mock/clock/advance", json={"seconds": 5})
    assert c.get(syncs + "/latest").json()["status"] == "SuccessDataPushed"

    assert c.delete(accounts + "/credentials").status_code == 204
    assert c.patch(base, json={"status": "Unlinked"}).json()["status"] == "Unlinked"
    assert c.delete(base).status_code == 200
    assert c.delete(f"/companies/{company}").status_code == 204

    documented = _documented_operations()
    assert len(documented) == 33
    assert documented - called == set()
