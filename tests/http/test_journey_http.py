"""The QBO bank-feeds journey over HTTP, every answer checked against our OpenAPI document."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import World, txn


def test_transactions_reach_the_qbo_feed_after_a_poll_with_the_last_balance(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    batch = [txn("t1", "2026-03-12T10:00:00", 25.0, 125.0), txn("t2", "2026-03-13", -5.0, 120.0)]

    written = world.push(company, connection, account, batch)

    assert written.status_code == 200
    operation = written.json()
    assert (operation["status"], operation["statusCode"], operation["dataType"]) == ("Pending", 202, "bankTransactions")
    assert operation["data"]["transactions"] == batch
    client.post("/_mock/clock/advance", json={"seconds": 2})
    done = client.get(f"/companies/{company}/push/{operation['pushOperationKey']}").json()
    assert (done["status"], done["statusCode"]) == ("Success", 200)
    assert done["completedOnUtc"] == "2026-03-18T09:00:02.000Z"

    assert client.post("/_mock/qbo/poll", json={}).json() == {"pulled": 2}
    feed = client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()
    assert [t["id"] for t in feed["transactions"]] == ["t1", "t2"]
    assert feed["balance"] == 120.0 and feed["pending"] == 0
    listed = client.get(world.accounts_path(company, connection)).json()
    assert listed[0]["balance"] == 120.0 and listed[0]["status"] == "connected"


def test_a_second_poll_pulls_nothing_twice(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    world.push(company, connection, account, [txn("t1", "2026-03-17")])
    client.post("/_mock/clock/advance", json={"seconds": 5})

    assert client.post("/_mock/qbo/poll").json() == {"pulled": 1}
    assert client.post("/_mock/qbo/poll").json() == {"pulled": 0}


def test_scheduled_poll_runs_when_the_clock_passes_the_interval(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    world.push(company, connection, account, [txn("t1", "2026-03-17")])

    client.post("/_mock/clock/advance", json={"seconds": 59})
    assert client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()["pending"] == 1
    client.post("/_mock/clock/advance", json={"seconds": 1})
    feed = client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()
    assert feed["pending"] == 0 and feed["lastPolledAt"] == "2026-03-18T09:01:00.000Z"


def test_a_rejected_batch_stores_nothing(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    bad = [txn("t1", "2026-03-17"), txn("t2", "2026-03-19")]

    rejected = world.push(company, connection, account, bad)

    assert rejected.status_code == 400
    assert [e["validatorName"] for e in rejected.json()["validation"]["errors"]] == ["FutureDate"]
    assert client.get(f"/companies/{company}/push").json()["totalResults"] == 0
    # t1 was not written: the same id is accepted afterwards.
    assert world.push(company, connection, account, [txn("t1", "2026-03-17")]).status_code == 200


def test_pending_account_cannot_receive_writes(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    account = world.account(company, connection)

    response = world.push(company, connection, account, [txn("t1", "2026-03-17")])

    assert response.status_code == 400
    assert "AccountNotConnected" in {e["validatorName"] for e in response.json()["validation"]["errors"]}


def test_a_push_that_fails_gives_back_the_balance_and_the_ids(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    world.push(company, connection, account, [txn("t1", "2026-03-17", 5.0, 105.0)])
    client.post("/_mock/clock/advance", json={"seconds": 2})
    world.push(company, connection, account, [txn("t2", "2026-03-17", 5.0, 110.0)])

    client.post("/_mock/qbo/disconnect", json={"companyId": company, "connectionId": connection, "sourceAccountId": account})

    operations = client.get(f"/companies/{company}/push", params={"orderBy": "requestedOnUtc"}).json()["results"]
    assert [op["status"] for op in operations] == ["Success", "Failed"]
    assert operations[1]["validation"]["errors"][0]["validatorName"] == "AccountNotConnected"
    listed = client.get(world.accounts_path(company, connection)).json()
    assert listed[0]["balance"] == 105.0


def test_a_balance_that_is_not_a_number_is_refused_with_the_rules_findings(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    batch = [{**txn("t1", "2026-03-17"), "balance": "lots"}, txn("t2", "2026-03-19")]

    response = world.push(company, connection, account, batch)

    assert response.status_code == 400
    found = {(e["itemId"], e["validatorName"]) for e in response.json()["validation"]["errors"]}
    assert found == {("transactions[0].balance", "Schema"), ("t2", "FutureDate")}
    assert client.get(f"/companies/{company}/push").json()["totalResults"] == 0
