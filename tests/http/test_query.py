"""Codat's query language and orderBy on list operations, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import World, txn

NAMES = ("Alpha Traders", "Beta Books", "Gamma Goods")


@pytest.fixture
def companies(client: TestClient) -> list[dict[str, Any]]:
    """Three companies created an hour apart (09:00, 10:00, 11:00), the second tagged region=uk."""
    made = []
    for i, name in enumerate(NAMES):
        tags = {"region": "uk"} if i == 1 else {"region": "us"}
        made.append(client.post("/companies", json={"name": name, "tags": tags}).json())
        client.post("/_mock/clock/advance", json={"seconds": 3600})
    return made


def names(client: TestClient, query: str | None = None, order_by: str | None = None) -> list[str]:
    params = {k: v for k, v in (("query", query), ("orderBy", order_by)) if v is not None}
    response = client.get("/companies", params=params)
    assert response.status_code == 200, response.text
    return [c["name"] for c in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=Beta Books", ["Beta Books"]),
        ("name=beta books", ["Beta Books"]),
        ("name!=Beta Books", ["Alpha Traders", "Gamma Goods"]),
        ("name~goods", ["Gamma Goods"]),
        ("created>2026-03-18T09:30:00Z", ["Beta Books", "Gamma Goods"]),
        ("created<2026-03-18T10:00:00Z", ["Alpha Traders"]),
        ("created>=2026-03-18T10:00:00Z", ["Beta Books", "Gamma Goods"]),
        ("created<=2026-03-18T10:00:00Z", ["Alpha Traders", "Beta Books"]),
        ("created>2026-03-18", ["Alpha Traders", "Beta Books", "Gamma Goods"]),
        ("tags.region=uk", ["Beta Books"]),
        ("lastSync=null", list(NAMES)),
        ("name~a&&name~oo", ["Beta Books", "Gamma Goods"]),
        ("name~traders||name~goods", ["Alpha Traders", "Gamma Goods"]),
        ("name~alpha||name~beta&&name~goods", ["Alpha Traders"]),
        ("(name~alpha||name~beta)&&tags.region=uk", ["Beta Books"]),
        ("name={Alpha Traders}", ["Alpha Traders"]),
    ],
)
def test_each_operator_filters_as_codat_does(
    client: TestClient, companies: list[dict[str, Any]], query: str, expected: list[str]
) -> None:
    assert names(client, query) == expected


def test_numbers_compare_as_numbers_not_as_text(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    path = world.push_path(company, connection, account)
    for i, minutes in enumerate((5, 30, 120)):
        body = {"accountId": account, "transactions": [txn(f"t{i}", "2026-03-17")]}
        assert client.post(path, params={"timeoutInMinutes": minutes}, json=body).status_code == 200

    listed = client.get(f"/companies/{company}/push", params={"query": "timeoutInMinutes>9"}).json()["results"]

    assert sorted(op["timeoutInMinutes"] for op in listed) == [30, 120]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("name", ["Alpha Traders", "Beta Books", "Gamma Goods"]),
        ("-name", ["Gamma Goods", "Beta Books", "Alpha Traders"]),
        ("-created", ["Gamma Goods", "Beta Books", "Alpha Traders"]),
    ],
)
def test_order_by_sorts_ascending_or_descending(
    client: TestClient, companies: list[dict[str, Any]], order_by: str, expected: list[str]
) -> None:
    assert names(client, order_by=order_by) == expected


def test_query_and_order_by_combine(client: TestClient, companies: list[dict[str, Any]]) -> None:
    assert names(client, "name!=Beta Books", "-created") == ["Gamma Goods", "Alpha Traders"]


@pytest.mark.parametrize(
    "query",
    ["name", "name=", "=Alpha", "name==Alpha", "(name=Alpha", "name=Alpha&&", "name=Alpha)", "nosuchfield=1", "name?Alpha"],
)
def test_a_malformed_query_is_400(client: TestClient, companies: list[dict[str, Any]], query: str) -> None:
    response = client.get("/companies", params={"query": query})

    assert response.status_code == 400
    assert "query" in response.json()["error"].lower()


def test_an_unknown_field_is_400_even_on_an_empty_list(client: TestClient, world: World) -> None:
    company = world.company()

    assert client.get(f"/companies/{company}/push", params={"query": "nosuchfield=1"}).status_code == 400
    assert client.get(f"/companies/{company}/push", params={"orderBy": "-nosuchfield"}).status_code == 400
    assert client.get(f"/companies/{company}/push", params={"query": "status=Pending"}).json()["totalResults"] == 0


def test_connections_filter_by_status(client: TestClient, world: World) -> None:
    company, linked, _ = world.linked_account()
    pending = world.connection(company)

    found = client.get(f"/companies/{company}/connections", params={"query": "status=PendingAuth"}).json()["results"]

    assert [c["id"] for c in found] == [pending]
    assert linked != pending
