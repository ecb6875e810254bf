"""Managed bank feed syncs: one running per account, ended on the virtual clock by a QBO pull."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import World, txn


def _syncs(company: str, connection: str, account: str) -> str:
    return f"/companies/{company}/connections/{connection}/bankFeedAccounts/{account}/managedBankFeeds/syncs"


def test_latest_is_204_before_any_sync(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()

    response = client.get(_syncs(company, connection, account) + "/latest")

    assert response.status_code == 204 and response.content == b""


def test_a_sync_starts_then_pushes_what_was_accepted_into_qbo(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    pushed = world.push(company, connection, account, [txn("t1", "2026-03-17"), txn("t2", "2026-03-18")]).json()
    path = _syncs(company, connection, account)

    started = client.post(path)

    assert started.status_code == 201
    sync_id = started.json()["syncId"]
    running = client.get(f"{path}/{sync_id}").json()
    assert (running["status"], running["executionEndUtc"], running["pushOperationKeys"]) == ("Started", None, None)
    assert running["periodStartUtc"] == "2026-03-11T00:00:00.000Z"
    assert running["periodEndUtc"] == running["executionStartUtc"] == "2026-03-18T09:00:00.000Z"
    client.post("/_mock/clock/advance", json={"seconds": 2})
    done = client.get(path + "/latest").json()
    assert (done["syncId"], done["status"]) == (sync_id, "SuccessDataPushed")
    assert done["executionEndUtc"] == "2026-03-18T09:00:02.000Z"
    assert done["pushOperationKeys"] == [pushed["pushOperationKey"]]
    feed = client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()
    assert [t["id"] for t in feed["transactions"]] == ["t1", "t2"]


def test_a_second_sync_while_one_runs_is_409(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    path = _syncs(company, connection, account)
    client.post(path)

    assert client.post(path).status_code == 409
    client.post("/_mock/clock/advance", json={"seconds": 2})
    assert client.post(path).status_code == 201


def test_a_sync_with_nothing_waiting_pushes_no_data_and_the_next_starts_where_it_ended(
    client: TestClient, world: World
) -> None:
    company, connection, account = world.linked_account()
    path = _syncs(company, connection, account)
    first = client.post(path).json()["syncId"]
    client.post("/_mock/clock/advance", json={"seconds": 2})

    second = client.post(path).json()["syncId"]

    done = client.get(f"{path}/{first}").json()
    assert (done["status"], done["pushOperationKeys"]) == ("SuccessNoDataPushed", [])
    assert client.get(f"{path}/{second}").json()["periodStartUtc"] == done["periodEndUtc"]


def test_a_sync_fails_when_the_feed_is_disconnected_in_qbo_before_it_ends(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    path = _syncs(company, connection, account)
    sync_id = client.post(path).json()["syncId"]

    client.post("/_mock/qbo/disconnect", json={"companyId": company, "connectionId": connection, "sourceAccountId": account})
    client.post("/_mock/clock/advance", json={"seconds": 2})

    done = client.get(f"{path}/{sync_id}").json()
    assert (done["status"], done["errorCode"]) == ("Failed", "AccountNotConnected")
    assert done["errorMessage"]


def test_an_account_not_connected_cannot_be_synced(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    account = world.account(company, connection)

    response = client.post(_syncs(company, connection, account))

    assert response.status_code == 400
    assert response.json()["validation"]["errors"][0]["validatorName"] == "AccountNotConnected"
    assert client.get(_syncs(company, connection, account) + "/latest").status_code == 204


def test_syncs_of_unknown_accounts_or_ids_are_404(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    path = _syncs(company, connection, account)
    sync_id = client.post(path).json()["syncId"]
    world.account(company, connection, "acc-2")

    assert client.post(_syncs(company, connection, "nope")).status_code == 404
    assert client.get(f"{path}/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get(f"{_syncs(company, connection, 'acc-2')}/{sync_id}").status_code == 404
