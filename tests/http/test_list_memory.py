"""A remembered list answers as a list read afresh, whatever happened in between.

Generated runs interleave writes through the API (companies made, renamed, replaced, deleted;
connections made, linked, unlinked, deleted; OTPs drawn), clock moves (scheduled polls that set
lastSync, OTPs that expire), resets, and list calls; each list answer over HTTP (which the route may
take from :class:`ListMemory`) must equal the definition: every view built from the tenant's
records as they stand, filtered, sorted and paged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_server.core.tenant import Tenant
from mock_server.http import views
from mock_server.http.api.companies import _has_tags
from mock_server.http.list_memory import ListMemory
from mock_server.http.paging import PageRequest, page_of
from mock_server.http.query import MalformedQuery, select
from mock_server.http.schemas import record_fields
from mock_server.settings import Settings
from tests.http.test_listing import BASE, queries
from tests.support import API_KEY, NOW, World, make_client

names = st.sampled_from(["Alpha", "beta", "Beta", "gamma goods", "5", "10", "2026-03-18", "c5"])
picks = st.integers(min_value=0, max_value=50)
#: Asked in every run besides the drawn requests: each turns on what a poll, a link or a rename moves.
ALWAYS = [PageRequest(order_by="-lastSync"), PageRequest(query="lastSync>2026-03-18"), PageRequest(order_by="-name", page_size=3)]
ORDERS = ["name", "-name", "id", "lastSync", "-lastSync", "created", "-description", "dataConnections", "-redirect"]


def page_requests(schema: str, orders: list[str]) -> st.SearchStrategy[PageRequest]:
    return st.builds(
        PageRequest,
        page=st.integers(min_value=1, max_value=3),
        page_size=st.integers(min_value=1, max_value=4),
        query=st.none() | queries(schema) | st.sampled_from(["name=c5", "status=Linked", "lastSync>2026-03-18"]),
        order_by=st.none() | st.sampled_from(orders),
    )


writes = st.one_of(
    st.tuples(st.just("create"), names, st.none() | names, st.sampled_from([{}, {"region": "uk"}, {"region": "us"}])),
    st.tuples(st.just("rename"), picks, names),
    st.tuples(st.just("replace"), picks, names, st.sampled_from([{}, {"region": "uk"}])),
    st.tuples(st.just("delete"), picks),
    st.tuples(st.just("connect"), picks),
    st.tuples(st.just("otp"), picks),
    st.tuples(st.just("unlink"), picks),
    st.tuples(st.just("drop-connection"), picks),
    st.tuples(st.just("reset")),
).map(tuple)  # mapped, so the one_of below keeps it as one branch instead of flattening it
# Writes as one branch among five, so lists and clock moves often follow one another with no write
# between: what a memory that missed a change would answer wrongly.
actions = st.one_of(
    # Each list call asks every request of its run, so the same requests come back after changes.
    st.tuples(st.just("list"), st.none() | st.sampled_from(["region=uk", "region=us"])),
    st.tuples(st.just("advance"), st.sampled_from([1, 59, 61, 600, 3601])),
    st.tuples(st.just("link"), picks),
    st.tuples(st.just("list-connections"), picks),
    writes,
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    # Polls every minute, so moving the clock sets lastSync on linked companies.
    with make_client(Settings(clock=NOW, background_ticks=False, seed=7, poll_interval=60)) as c:
        yield c


def tenant_of(client: TestClient) -> Tenant:
    tenant: Tenant = client.app.state.store.tenant(API_KEY)  # type: ignore[attr-defined]
    return tenant


def params(request: PageRequest, **extra: str | None) -> dict[str, Any]:
    sent = {"page": request.page, "pageSize": request.page_size, "query": request.query, "orderBy": request.order_by}
    return {k: v for k, v in {**sent, **extra}.items() if v is not None}


def expected(views_now: list[dict[str, Any]], fields: frozenset[str], request: PageRequest, path: str) -> Any:
    try:
        page = page_of(select(views_now, request.query, request.order_by, fields), request, path)
    except MalformedQuery:
        return None
    return orjson.loads(orjson.dumps(page))


def pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


def same_as_afresh(client: TestClient, request: PageRequest, tags: str | None) -> None:
    answer = client.get("/companies", params=params(request, tags=tags))
    chosen = [c for c in tenant_of(client).companies.values() if not tags or _has_tags(c.tags, tags)]
    want = expected([views.company(c, BASE) for c in chosen], record_fields("Company"), request, "/companies")
    assert (answer.json() if answer.status_code == 200 else None) == want, (request, tags, answer.text)


def act(client: TestClient, world: World, asked: Asked, action: tuple[Any, ...]) -> None:
    tenant = tenant_of(client)
    companies = list(tenant.companies.values())
    kind = action[0]
    if kind == "create":
        body: dict[str, Any] = {"name": action[1], "tags": action[3]}
        if action[2] is not None:
            body["description"] = action[2]
        assert client.post("/companies", json=body).status_code == 200
    elif kind == "advance":
        assert client.post("/_mock/clock/advance", json={"seconds": action[1]}).status_code == 200
    elif kind == "reset":
        assert client.post("/_mock/reset").status_code in (200, 204)
    elif kind == "list":
        for request in [*asked.companies, *ALWAYS]:
            same_as_afresh(client, request, action[1])
    elif (company := pick(companies, action[1])) is None:
        return
    elif kind == "rename":
        assert client.patch(f"/companies/{company.id}", json={"name": action[2]}).status_code == 200
    elif kind == "replace":
        assert client.put(f"/companies/{company.id}", json={"name": action[2], "tags": action[3]}).status_code == 200
    elif kind == "delete":
        assert client.delete(f"/companies/{company.id}").status_code == 204
    elif kind == "connect":
        world.connection(company.id)
    elif kind == "list-connections":
        path = f"/companies/{company.id}/connections"
        for request in asked.connections:
            answer = client.get(path, params=params(request))
            shown = [views.connection(c, BASE) for c in company.connections.values()]
            want = expected(shown, record_fields("Connection"), request, path)
            assert (answer.json() if answer.status_code == 200 else None) == want, (request, answer.text)
    elif kind == "link" and not company.connections:
        # Linking makes what it needs: a connection and an account on it.
        connection_id = world.connection(company.id)
        world.link(company.id, connection_id, world.account(company.id, connection_id))
    elif (connection := pick(list(company.connections.values()), action[1])) is None:
        return
    elif kind == "otp":
        assert client.post(f"/companies/{company.id}/connections/{connection.id}/bankFeeds/otp").status_code == 200
    elif kind == "link":
        if not connection.accounts:
            world.account(company.id, connection.id)
        if connection.status != "Linked":
            world.link(company.id, connection.id, *connection.accounts)
    elif kind == "unlink":
        path = f"/companies/{company.id}/connections/{connection.id}"
        assert client.patch(path, json={"status": "Unlinked"}).status_code == 200
    elif kind == "drop-connection":
        assert client.delete(f"/companies/{company.id}/connections/{connection.id}").status_code == 200


@dataclass(frozen=True)
class Asked:
    """The list requests of one run."""

    companies: list[PageRequest]
    connections: list[PageRequest]


asked_lists = st.builds(
    Asked,
    st.lists(page_requests("Company", ORDERS), min_size=1, max_size=4),
    st.lists(page_requests("Connection", ["status", "-lastSync", "linkUrl", "-id"]), min_size=1, max_size=2),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(asked_lists, st.lists(names, min_size=1, max_size=6), st.lists(actions, min_size=8, max_size=40))
def test_remembered_lists_answer_as_lists_read_afresh(
    client: TestClient, asked: Asked, first: list[str], steps: list[tuple[Any, ...]]
) -> None:
    client.post("/_mock/reset")
    world = World(client)
    for name in first:
        world.company(name)
    for step in steps:
        act(client, world, asked, step)


def test_a_tenant_keeps_a_bounded_number_of_lists() -> None:
    memory = ListMemory(per_tenant=3)
    tenant = Tenant.create("k", Settings(clock=NOW))
    for n in range(10):
        memory.memo(tenant, "companies")(n, lambda n=n: [n])  # type: ignore[misc]
    kept = [memory.memo(tenant, "companies")(n, lambda: ["afresh"]) for n in (0, 8, 9)]
    assert kept == [["afresh"], [8], [9]]
    tenant.changed()
    assert memory.memo(tenant, "companies")(9, lambda: ["afresh"]) == ["afresh"]


def test_a_scheduled_poll_moves_a_remembered_list(client: TestClient) -> None:
    """The one change no request makes: QBO's poll sets lastSync on the linked company."""
    world = World(client)
    world.company("a")
    linked = world.company("b")
    connection = world.connection(linked)
    world.link(linked, connection, world.account(linked, connection))
    asked = Asked([PageRequest(order_by="-lastSync")], [PageRequest()])
    for step in [("list", None), ("advance", 61), ("list", None)]:
        act(client, world, asked, step)
    assert client.get("/companies", params={"orderBy": "-lastSync"}).json()["results"][0]["id"] == linked
