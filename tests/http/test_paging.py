"""Paged lists: page and pageSize bounds, totals, and the _links that move between pages."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient


@pytest.fixture
def five(client: TestClient) -> list[str]:
    return [client.post("/companies", json={"name": f"Company {i}"}).json()["id"] for i in range(5)]


def page(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/companies", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_defaults_are_page_one_of_one_hundred(client: TestClient, five: list[str]) -> None:
    first = page(client)

    assert (first["pageNumber"], first["pageSize"], first["totalResults"]) == (1, 100, 5)
    assert [c["id"] for c in first["results"]] == five
    assert set(first["_links"]) == {"self", "current"}


def test_pages_split_the_list_and_link_to_their_neighbours(client: TestClient, five: list[str]) -> None:
    first, second, last = (page(client, page=n, pageSize=2) for n in (1, 2, 3))

    assert [[c["id"] for c in p["results"]] for p in (first, second, last)] == [five[:2], five[2:4], five[4:]]
    assert all(p["totalResults"] == 5 for p in (first, second, last))
    assert set(first["_links"]) == {"self", "current", "next"}
    assert set(second["_links"]) == {"self", "current", "next", "previous"}
    assert set(last["_links"]) == {"self", "current", "previous"}
    assert second["_links"]["self"]["href"] == "/companies"
    assert second["_links"]["current"]["href"] == "/companies?page=2&pageSize=2"
    assert second["_links"]["next"]["href"] == "/companies?page=3&pageSize=2"
    assert second["_links"]["previous"]["href"] == "/companies?page=1&pageSize=2"


def test_following_next_walks_every_record_once(client: TestClient, five: list[str]) -> None:
    seen: list[str] = []
    body = page(client, pageSize=2)
    while True:
        seen.extend(c["id"] for c in body["results"])
        if "next" not in body["_links"]:
            break
        body = client.get(body["_links"]["next"]["href"]).json()

    assert seen == five


def test_links_keep_the_query_and_order(client: TestClient, five: list[str]) -> None:
    body = page(client, pageSize=1, query="name~company", orderBy="-name")

    assert body["_links"]["next"]["href"] == "/companies?page=2&pageSize=1&query=name~company&orderBy=-name"
    assert body["results"][0]["name"] == "Company 4"


def test_a_page_past_the_end_is_empty_but_counts_the_total(client: TestClient, five: list[str]) -> None:
    beyond = page(client, page=4, pageSize=2)

    assert (beyond["results"], beyond["totalResults"], beyond["pageNumber"]) == ([], 5, 4)
    assert "next" not in beyond["_links"]


def test_page_sizes_of_one_and_five_thousand_are_accepted(client: TestClient, five: list[str]) -> None:
    one = page(client, pageSize=1)
    most = page(client, pageSize=5000)

    assert [c["id"] for c in one["results"]] == five[:1] and one["_links"]["next"]["href"].startswith("/companies?page=2")
    assert [c["id"] for c in most["results"]] == five


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"page": -1}, {"page": "two"}, {"pageSize": 0}, {"pageSize": 5001}, {"pageSize": "1.5"}],
)
def test_out_of_range_paging_is_400(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/companies", params=params)

    assert response.status_code == 400
    assert response.json()["statusCode"] == 400


def test_every_paged_list_pages_the_same_way(client: TestClient, five: list[str]) -> None:
    company = five[0]
    for _ in range(3):
        client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"})

    connections = client.get(f"/companies/{company}/connections", params={"pageSize": 2, "page": 2}).json()

    assert (len(connections["results"]), connections["totalResults"]) == (1, 3)
    assert client.get(f"/companies/{company}/push", params={"pageSize": 0}).status_code == 400
