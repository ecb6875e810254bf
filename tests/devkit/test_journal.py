"""The request journal: what the tenant's integration sent and got back, newest first, bounded."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.testclient import TestClient

from mock_server.devkit.journal import Body, BodyTap, Entry, Filter, Journal
from tests.support import World, make_client, txn


def _journal(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/_mock/requests", params=params)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["requests"]
    return entries


def test_public_calls_are_listed_newest_first_with_their_bodies(client: TestClient, world: World) -> None:
    company = world.company("Elaborate Events, Inc")
    client.get(f"/companies/{company}")

    entries = _journal(client)

    assert [(e["method"], e["operationId"], e["status"]) for e in entries] == [
        ("GET", "get-company", 200),
        ("POST", "create-company", 200),
    ]
    created = entries[1]
    request = created["request"]
    assert (request["body"], request["bodyBytes"], request["truncated"]) == (
        {"name": "Elaborate Events, Inc"},
        len(b'{"name":"Elaborate Events, Inc"}'),
        False,
    )
    assert created["response"]["body"]["id"] == company
    assert created["route"] == "/companies" and created["at"] == "2026-03-18T09:00:00.000Z"


def test_control_calls_are_not_journaled(client: TestClient, world: World) -> None:
    world.linked_account()  # company, connection, account and credentials: public; the link: control
    client.post("/_mock/clock/advance", json={"seconds": 1})

    paths = [e["path"] for e in _journal(client)]

    assert paths and not [p for p in paths if str(p).startswith("/_mock")]


def test_filters_by_operation_method_path_template_and_status(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    world.push(company, connection, account, [txn("t1", "2026-03-17")])
    world.push(company, connection, account, [txn("t1", "2026-03-17")])  # refused: duplicate id
    client.get("/companies/not-a-company")

    assert [e["status"] for e in _journal(client, operationId="create-bank-transactions")] == [400, 200]
    assert [e["operationId"] for e in _journal(client, method="get")] == ["get-company"]
    assert [e["status"] for e in _journal(client, path="/companies/not-a-company")] == [404]
    template = "/companies/{companyId}/connections/{connectionId}/push/bankAccounts/{accountId}/bankTransactions"
    assert len(_journal(client, path=template)) == 2
    assert [e["operationId"] for e in _journal(client, status=400)] == ["create-bank-transactions"]


def test_a_large_body_is_kept_only_up_to_the_bound(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    batch = [txn(f"t{i:04}", "2026-03-17", 1.0) for i in range(1000)]

    written = world.push(company, connection, account, batch)

    entry = _journal(client, operationId="create-bank-transactions")[0]
    request, response = entry["request"], entry["response"]
    page = client.get("/_mock/requests").json()
    assert request["truncated"] is True and request["bodyBytes"] == len(written.request.content)
    assert isinstance(request["body"], str) and len(request["body"].encode()) <= page["bodyLimit"]
    assert request["body"].startswith('{"accountId":"acc-1","transactions":[{"id":"t0000"')
    assert response["truncated"] is True and response["bodyBytes"] == len(written.content)


def test_the_correlation_id_is_the_one_in_the_error_body(client: TestClient) -> None:
    refused = client.get("/companies/not-a-company")

    assert _journal(client)[0]["correlationId"] == refused.json()["correlationId"]


def test_the_api_key_is_not_shown(client: TestClient, world: World) -> None:
    world.company()

    headers = _journal(client)[0]["request"]["headers"]

    assert headers["authorization"] == "***"


def test_clearing_and_resetting_empty_the_journal(client: TestClient, world: World) -> None:
    world.company()
    assert client.delete("/_mock/requests").status_code == 204
    assert _journal(client) == []

    world.company()
    client.post("/_mock/reset")
    assert _journal(client) == []
    world.company()
    assert client.get("/_mock/requests").json()["recorded"] == 1


def test_each_tenant_sees_only_its_own_calls(client: TestClient, world: World) -> None:
    world.company()
    with make_client(key="someone-else") as other:
        other.get("/companies")
        assert [e["operationId"] for e in _journal(other)] == ["list-companies"]
    assert [e["operationId"] for e in _journal(client)] == ["create-company"]


def test_limit_and_bad_query_values(client: TestClient, world: World) -> None:
    for name in ("A", "B", "C"):
        world.company(name)

    assert len(_journal(client, limit=2)) == 2
    assert client.get("/_mock/requests", params={"status": "abc"}).status_code == 400
    assert client.get("/_mock/requests", params={"limit": 0}).status_code == 400


def _entry(number: int, method: str = "GET") -> Entry:
    return Entry(
        id=number,
        at=datetime(2026, 3, 18, tzinfo=UTC),
        method=method,
        path=f"/companies/{number}",
        query="",
        operation_id="get-company",
        route="/companies/{companyId}",
        status=200,
        duration_ms=1.0,
        correlation_id=str(number),
        fault=None,
        request_headers=(),
        request_body=Body(b"", 0),
        response_headers=(),
        response_body=Body(b"", 0),
    )


def test_the_journal_keeps_the_newest_entries_up_to_its_capacity() -> None:
    journal = Journal(capacity=3)
    for _ in range(5):
        journal.append(_entry(journal.next_id()))

    assert [e.id for e in journal.newest_first()] == [5, 4, 3]
    assert (journal.recorded, len(journal)) == (5, 3)
    assert [e.id for e in journal.newest_first(Filter(path="/companies/{companyId}"))] == [5, 4, 3]
    assert [e.id for e in journal.newest_first(Filter(path="/companies/4"))] == [4]


def test_a_body_tap_copies_no_more_than_its_limit() -> None:
    tap = BodyTap(limit=5)
    for chunk in (b"abc", b"defgh", b"ijk"):
        tap.feed(chunk)

    assert tap.body() == Body(b"abcde", 11) and tap.body().truncated
