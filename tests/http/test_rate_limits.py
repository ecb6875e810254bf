"""Codat's rate limits over HTTP: the headers on every public answer, the daily quota and its reset
at midnight of the virtual clock, and 10 requests in flight per company."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mock_server import Settings, create_app
from mock_server.core.quotas import IN_FLIGHT_LIMIT
from tests.support import NOW, World, make_async_client, make_client

BASE = Settings(clock=NOW, background_ticks=False, seed=7)
RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")
TOMORROW = "2026-03-19T00:00:00Z"


@pytest.fixture
def short() -> Iterator[TestClient]:
    """A tenant whose daily quota is 3 requests while it has no active connected company."""
    with make_client(replace(BASE, daily_quota_base=3)) as client:
        yield client


def limits(answer: httpx.Response) -> tuple[int, int, str]:
    h = answer.headers
    return int(h["x-rate-limit-limit"]), int(h["x-rate-limit-remaining"]), h["x-rate-limit-reset"]


def test_every_public_answer_carries_limit_remaining_and_reset(client: TestClient) -> None:
    answers = [
        client.post("/companies", json={"name": "Counted"}),  # 200
        client.get("/companies/no-such-company"),  # 404
        client.post("/companies", json={"name": 5}),  # 400
        client.get("/companies", params={"pageSize": "lots"}),  # 400 on the query
        client.delete("/companies"),  # 405
        client.get("/companies/x/no-such-endpoint"),  # 404 of the router
    ]

    assert [a.status_code for a in answers] == [200, 404, 400, 400, 405, 404]
    assert [limits(a) for a in answers] == [(1000, 1000 - n, TOMORROW) for n in range(1, 7)]


def test_control_calls_health_documents_and_ui_pages_carry_no_headers_and_count_nothing(client: TestClient) -> None:
    answers = [
        client.get("/_mock/health"),
        client.get("/_mock/clock"),
        client.get("/_mock/rate-limit"),
        client.get("/openapi.yaml"),
        client.get("/_mock/openapi.yaml"),
        client.get("/ui/qbo"),
        client.get("/", follow_redirects=False),
    ]

    assert all(a.status_code < 500 for a in answers)
    assert not [a.request.url.path for a in answers if any(h in a.headers for h in RATE_HEADERS)]
    assert client.get("/_mock/rate-limit").json()["used"] == 0


def test_an_answer_without_a_known_caller_carries_no_headers() -> None:
    with make_client(BASE) as client:
        answer = client.get("/companies", headers={"Authorization": "Bearer nope"})

    assert answer.status_code == 401
    assert not any(h in answer.headers for h in RATE_HEADERS)


def test_the_request_past_the_quota_is_429_with_retry_after_until_midnight(short: TestClient) -> None:
    answers = [short.get("/companies") for _ in range(3)]
    refused = short.post("/companies", json={"name": "Never made"})

    assert [limits(a)[1] for a in answers] == [2, 1, 0]
    assert refused.status_code == 429
    body = refused.json()
    assert (body["statusCode"], body["canBeRetried"]) == (429, "True")
    assert "daily quota of 3 requests" in body["error"]
    assert refused.headers["retry-after"] == str(15 * 3600)  # 09:00 -> 00:00 UTC, in seconds
    assert limits(refused) == (3, 0, TOMORROW)
    assert short.get("/_mock/state").json()["companies"] == []  # the refused call did nothing


def test_the_quota_is_whole_again_at_midnight_of_the_virtual_clock(short: TestClient) -> None:
    for _ in range(3):
        short.get("/companies")
    short.put("/_mock/clock", json={"now": "2026-03-18T23:59:59.400Z"})
    still = short.get("/companies")
    short.put("/_mock/clock", json={"now": TOMORROW})
    again = short.get("/companies")

    assert still.status_code == 429
    assert still.headers["retry-after"] == "1"
    assert again.status_code == 200
    assert limits(again) == (3, 2, "2026-03-20T00:00:00Z")


def test_a_clock_advanced_past_several_midnights_gives_one_whole_day(short: TestClient) -> None:
    for _ in range(3):
        short.get("/companies")
    short.post("/_mock/clock/advance", json={"seconds": 3 * 86400})

    assert limits(short.get("/companies")) == (3, 2, "2026-03-22T00:00:00Z")


def test_each_active_connected_company_adds_one_base_to_the_quota(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection)
    pending = client.get(f"/companies/{company}")
    world.link(company, connection, "acc-1")
    linked = client.get(f"/companies/{company}")
    second_company, second_connection, _ = world.linked_account("acc-9")
    two = client.get("/companies")
    client.patch(f"/companies/{second_company}/connections/{second_connection}", json={"status": "Unlinked"})
    one_again = client.get("/companies")

    assert [limits(a)[0] for a in (pending, linked, two, one_again)] == [1000, 2000, 3000, 2000]
    state = client.get("/_mock/rate-limit").json()
    assert (state["activeConnectedCompanies"], state["dailyQuota"]) == (1, 2000)
    assert state["quotaRemaining"] == 2000 - state["used"]


def test_the_control_api_shows_the_quota_what_is_left_and_the_next_reset(short: TestClient) -> None:
    short.get("/companies")
    short.get("/companies")

    assert short.get("/_mock/rate-limit").json() == {
        "mode": "codat",
        "dailyQuotaBase": 3,
        "activeConnectedCompanies": 0,
        "dailyQuota": 3,
        "used": 2,
        "quotaRemaining": 1,
        "nextReset": "2026-03-19T00:00:00.000Z",
        "inFlight": 0,
        "inFlightLimit": IN_FLIGHT_LIMIT,
    }


def test_each_tenant_has_a_quota_of_its_own() -> None:
    app = create_app(replace(BASE, daily_quota_base=2))
    with make_client(app=app, key="tenant-a") as a, make_client(app=app, key="tenant-b") as b:
        for _ in range(2):
            a.get("/companies")

        assert a.get("/companies").status_code == 429
        assert [limits(b.get("/companies"))[1] for _ in range(2)] == [1, 0]
        assert a.get("/_mock/rate-limit").json()["quotaRemaining"] == 0


def test_a_reset_tenant_gets_a_whole_quota(short: TestClient) -> None:
    for _ in range(3):
        short.get("/companies")
    short.post("/_mock/reset")

    assert limits(short.get("/companies"))[1] == 2


def test_rate_limit_off_drops_quotas_and_headers() -> None:
    with make_client(replace(BASE, rate_limit="off", daily_quota_base=1)) as client:
        answers = [client.get("/companies") for _ in range(5)]

        assert [a.status_code for a in answers] == [200] * 5
        assert not any(h in a.headers for a in answers for h in RATE_HEADERS)
        assert client.get("/_mock/rate-limit").json()["mode"] == "off"


def test_an_injected_429_keeps_its_own_retry_after_and_the_fault_rule_counts_as_a_call(client: TestClient) -> None:
    client.put("/_mock/faults", json={"rules": [{"operationId": "list-companies", "status": 429, "retryAfter": 7}]})

    answer = client.get("/companies")

    assert answer.status_code == 429 and answer.headers["retry-after"] == "7"
    assert "fault-1" in answer.json()["error"]
    assert limits(answer)[1] == 999


# -- requests in flight ------------------------------------------------------------------------------


async def _in_flight(app: Any, paths: list[str], slow_operation: str) -> list[httpx.Response]:
    """Send every request at once while ``slow_operation`` is held in flight by a latency fault."""
    async with make_async_client(app) as client:
        rule = {"operationId": slow_operation, "latencyMs": 1500}
        assert (await client.put("/_mock/faults", json={"rules": [rule]})).status_code == 200
        answers = await asyncio.gather(*(client.get(path) for path in paths))
        await client.delete("/_mock/faults")
        return list(answers)


def test_ten_requests_in_flight_for_one_company_then_429_other_companies_unaffected(world: World) -> None:
    busy, quiet = world.company("Busy"), world.company("Quiet")
    app = world.client.app

    answers = asyncio.run(
        _in_flight(app, [f"/companies/{busy}"] * (IN_FLIGHT_LIMIT + 1) + [f"/companies/{quiet}"], "get-company")
    )

    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == IN_FLIGHT_LIMIT + 1  # ten for the busy company, one for the quiet one
    [refused] = [a for a in answers if a.status_code == 429]
    assert refused.headers["retry-after"] == "1"
    assert busy in refused.json()["error"] and "in flight" in refused.json()["error"]
    after = world.client.get(f"/companies/{busy}")
    assert after.status_code == 200  # the slots were given back
    assert world.client.get("/_mock/rate-limit").json()["inFlight"] == 0


def test_calls_about_no_company_share_the_clients_own_pool_of_ten(world: World) -> None:
    answers = asyncio.run(_in_flight(world.client.app, ["/companies"] * (IN_FLIGHT_LIMIT + 2), "list-companies"))

    assert sorted(a.status_code for a in answers) == [200] * IN_FLIGHT_LIMIT + [429, 429]
    assert all("calls about no company" in a.json()["error"] for a in answers if a.status_code == 429)


def test_linked_companies_loaded_from_a_scenario_or_deleted_change_the_quota(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    saved = client.get("/_mock/state").json()
    client.delete(f"/companies/{company}")
    after_delete = client.get("/companies")
    client.put("/_mock/state", json=saved)
    after_load = client.get("/companies")
    client.post("/_mock/qbo/disconnect", json={"companyId": company, "connectionId": connection, "sourceAccountId": account})
    within_lag = client.get("/companies")
    client.post("/_mock/clock/advance", json={"seconds": 11 * 86400})  # the connection turns Unlinked
    after_lag = client.get("/companies")

    assert [limits(a)[0] for a in (after_delete, after_load, within_lag, after_lag)] == [1000, 2000, 2000, 1000]
