"""A push answers the same whichever path judges it: the typed hot path or the precise one.

The hot path takes bodies that decode into the typed records; anything else (an unknown field, a
wrong type, a date form it leaves to the walk) goes the precise way. Either way the answer echoes
the batch as sent, the account moves the same, and a refused batch stores nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import World, txn

BATCHES = {
    "plain": [txn("t1", "2026-03-17", 10, balance=110.0), txn("t2", "2026-03-17T10:00:00Z", -2.5)],
    "descriptive fields": [txn("t1", "2026-03-17", 10, counterparty="Acme", reference=None, reconciled=False)],
    "a field the document does not name": [txn("t1", "2026-03-17", 10, memo="kept in the echo")],
    "a date form left to the walk": [txn("t1", "2026-03-17 10:00"), txn("t2", "2026-03-17T11:00:00+0100")],
    "an integer amount and a transaction type": [txn("t1", "2026-03-17", 7, transactionType="Credit")],
}


@pytest.mark.parametrize("kind", sorted(BATCHES))
def test_an_accepted_batch_is_echoed_as_sent_and_stored(world: World, client: TestClient, kind: str) -> None:
    company, connection, account = world.linked_account()
    transactions: list[dict[str, Any]] = BATCHES[kind]

    response = world.push(company, connection, account, transactions)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] == {"accountId": account, "transactions": transactions}
    assert body["status"] == "Pending" and body["statusCode"] == 202
    again = world.push(company, connection, account, transactions[:1])
    assert again.status_code == 400
    assert "DuplicateTransactionId" in {e["validatorName"] for e in again.json()["validation"]["errors"]}


def test_a_well_typed_batch_that_breaks_a_rule_names_every_violation(world: World) -> None:
    company, connection, account = world.linked_account()
    batch = [txn("t1", "2026-03-17T10:00:00"), txn("t1", "2026-03-17T09:00:00"), txn("t3", "2026-03-30")]

    response = world.push(company, connection, account, batch)

    assert response.status_code == 400
    errors = [(e["validatorName"], e["itemId"]) for e in response.json()["validation"]["errors"]]
    assert errors == [("DuplicateTransactionId", "t1"), ("ChronologicalOrder", "t1"), ("FutureDate", "t3")]
    assert world.push(company, connection, account, [txn("t1", "2026-03-17")]).status_code == 200


def test_a_typed_push_moves_the_balance_as_the_precise_one_does(world: World, client: TestClient) -> None:
    company, connection, account = world.linked_account()

    def balance() -> float:
        listed = client.get(world.accounts_path(company, connection)).json()
        return float(listed[0]["balance"])

    world.push(company, connection, account, [txn("t1", "2026-03-17", 10), txn("t2", "2026-03-17", -2.5)])
    typed = balance()
    world.push(company, connection, account, [txn("t3", "2026-03-17", 1, memo="precise path")])

    assert typed == 100.0 + 10 - 2.5
    assert balance() == typed + 1
    client.post("/_mock/clock/advance", json={"seconds": 2})
    assert client.post("/_mock/qbo/poll", json={}).json() == {"pulled": 3}
    feed = client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()
    assert [(t["id"], t["amount"], t["balance"]) for t in feed["transactions"]] == [
        ("t1", 10, None),
        ("t2", -2.5, None),
        ("t3", 1, None),
    ]


def _journaled(client: TestClient) -> dict[str, Any]:
    newest: dict[str, Any] = client.get("/_mock/requests").json()["requests"][0]
    return newest


@pytest.mark.parametrize("query", ["", "?note=routed"])
def test_a_push_answers_and_is_journaled_alike_with_or_without_a_query_string(
    world: World, client: TestClient, query: str
) -> None:
    # Without a query string the push is served before the router; with one (a parameter Codat
    # ignores) it goes through the router: the caller cannot tell which.
    company, connection, account = world.linked_account()
    body = {"accountId": account, "transactions": [txn("t1", "2026-03-17", 10)]}

    response = client.post(world.push_path(company, connection, account) + query, json=body)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert "x-rate-limit-remaining" in response.headers
    assert response.json()["data"] == body
    entry = _journaled(client)
    assert (entry["operationId"], entry["status"], entry["request"]["body"]) == ("create-bank-transactions", 200, body)
    assert entry["response"]["body"] == response.json()


@pytest.mark.parametrize("query", ["", "?note=routed"])
def test_get_company_answers_alike_with_or_without_a_query_string(world: World, client: TestClient, query: str) -> None:
    company = world.company()

    response = client.get(f"/companies/{company}{query}")
    missing = client.get(f"/companies/no-such-company{query}")

    assert response.status_code == 200 and response.json()["id"] == company
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert "x-rate-limit-remaining" in response.headers
    assert missing.status_code == 404 and missing.json()["correlationId"]
    assert _journaled(client)["operationId"] == "get-company"


def test_the_feed_and_a_saved_state_give_back_what_either_path_stored(world: World, client: TestClient) -> None:
    company, connection, account = world.linked_account()
    typed = [
        txn("t1", "2026-03-17", 10, balance=110.0, transactionType="Credit"),
        txn("t2", "2026-03-17T10:00:00Z", -2.5, transactionType=None, counterparty="Acme", reconciled=None),
        txn("t3", "2026-03-17T11:00:00", -0.0, balance=107),
    ]
    precise = [
        txn("t4", "2026-03-17T12:00:00", 2**63, memo="an amount past 64 signed bits", balance=-0.0),
        txn("t5", "2026-03-17 13:00", 1.0, transactionType="Debit"),
    ]
    assert world.push(company, connection, account, typed).status_code == 200
    assert world.push(company, connection, account, precise).status_code == 200
    client.post("/_mock/clock/advance", json={"seconds": 2})
    client.post("/_mock/qbo/poll", json={})
    path = f"/_mock/qbo/companies/{company}/accounts/{account}/transactions"

    def feed() -> list[tuple[Any, ...]]:
        # Types and signs too: 10 stays an int, 1.0 a float, -0.0 negative.
        return [
            (t["id"], t["date"], t["description"], repr(t["amount"]), repr(t["balance"]), t["transactionType"])
            for t in client.get(path).json()["transactions"]
        ]

    sent = [
        (t["id"], t["date"], t["description"], repr(t["amount"]), repr(t.get("balance")), t.get("transactionType"))
        for t in typed + precise
    ]
    assert feed() == sent
    saved = client.get("/_mock/state").json()
    assert client.put("/_mock/state", json=saved).status_code == 204
    assert feed() == sent
    assert world.push(company, connection, account, [txn("t4", "2026-03-17T14:00:00")]).status_code == 400
