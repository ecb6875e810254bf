"""Batch creation of source accounts: a result per account, and a status that sums them up."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.support import World


def _v2(account_id: str, **extra: Any) -> dict[str, Any]:
    body = {
        "id": account_id,
        "accountName": f"Account {account_id}",
        "accountType": "checking",
        "accountNumber": "12345670",
        "currency": "USD",
        "balance": 10.0,
    }
    return {**body, **extra}


def _setup(world: World) -> str:
    company = world.company()
    return world.accounts_path(company, world.connection(company))


def test_all_created_is_201_with_each_account(client: TestClient, world: World) -> None:
    path = _setup(world)

    response = client.post(path + "/batch", json=[_v2("a1"), _v2("a2", accountType="savings")])

    assert response.status_code == 201
    results = response.json()
    assert [(r["sourceAccountId"], r["result"]["statusCode"], r["result"]["error"]) for r in results] == [
        ("a1", 201, None),
        ("a2", 201, None),
    ]
    assert results[1]["result"]["account"]["accountType"] == "savings"
    assert [a["id"] for a in client.get(path).json()] == ["a1", "a2"]


def test_v1_bodies_are_answered_in_the_v1_shape(client: TestClient, world: World) -> None:
    path = _setup(world)

    response = client.post(path + "/batch", json=[{"id": "old", "accountName": "Legacy", "accountType": "Debit", "currency": "GBP"}])

    account = response.json()[0]["result"]["account"]
    assert response.status_code == 201
    assert account["accountType"] == "Debit" and "routingInfo" not in account


def test_some_failing_is_207_and_the_others_are_created(client: TestClient, world: World) -> None:
    path = _setup(world)
    client.post(path, json=_v2("taken"))

    response = client.post(path + "/batch", json=[_v2("new"), _v2("taken"), _v2("bad", accountType="checking", balance=None)])

    assert response.status_code == 207
    outcomes = {r["sourceAccountId"]: r["result"] for r in response.json()}
    assert outcomes["new"]["statusCode"] == 201
    assert outcomes["taken"]["statusCode"] == "409" and "already exists" in outcomes["taken"]["error"]
    assert outcomes["bad"]["statusCode"] == "400"
    assert sorted(a["id"] for a in client.get(path).json()) == ["new", "taken"]


def test_only_duplicates_is_409(client: TestClient, world: World) -> None:
    path = _setup(world)
    client.post(path + "/batch", json=[_v2("a1")])

    response = client.post(path + "/batch", json=[_v2("a1")])

    assert response.status_code == 409
    assert response.json() == [
        {"sourceAccountId": "a1", "result": {"statusCode": "409", "error": response.json()[0]["result"]["error"]}}
    ]


def test_an_id_twice_in_one_batch_creates_the_first_only(client: TestClient, world: World) -> None:
    path = _setup(world)

    response = client.post(path + "/batch", json=[_v2("twin", accountName="First"), _v2("twin", accountName="Second")])

    assert response.status_code == 207
    assert [r["result"]["statusCode"] for r in response.json()] == [201, "409"]
    assert [a["accountName"] for a in client.get(path).json()] == ["First"]


def test_a_body_that_is_not_a_list_of_accounts_is_400(client: TestClient, world: World) -> None:
    path = _setup(world)

    assert client.post(path + "/batch", json=_v2("a1")).status_code == 400
    assert client.post(path + "/batch", json=[]).status_code == 400
    assert client.get(path).json() == []


def test_a_batch_on_an_unknown_connection_is_404(client: TestClient, world: World) -> None:
    company = world.company()
    path = world.accounts_path(company, "00000000-0000-4000-8000-000000000000")

    assert client.post(path + "/batch", json=[_v2("a1")]).status_code == 404
