"""Many writers at once, over real HTTP: uvicorn on a loopback port, httpx's async client.

Each example is a fresh pair of tenants on one running emulator. Writers push batches at the same
time to the same account and to different ones; their dates interleave, so some batches lose the
race and are refused as older than the latest transaction. Afterwards, on what the API answers:
nothing accepted is lost, each accepted transaction is in its account's feed once, a refused one
never; feeds are chronological; balances are the last accepted transaction's; push operations
match the accepted requests; and no tenant sees the other's transactions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mock_server import Settings
from mock_server.devkit.server import BankFeedsMock
from tests.properties import oracle
from tests.properties.budget import examples
from tests.support import auth_header, checker

START = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
FIRST_DATE = datetime(2026, 3, 17, 0, 0)  # local dates of the writes: yesterday onwards
REQUEST_TIMEOUT = 10.0
ALL_WRITES_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def server() -> Iterator[BankFeedsMock]:
    # Up to 12 writers on one company at once, on one tenant for the whole module: Codat's limits
    # (10 in flight per company, a daily quota) would refuse some, which this test is not about.
    settings = Settings(clock=START, background_ticks=False, seed=5, push_delay=2.0, poll_interval=0, rate_limit="off")
    with BankFeedsMock(settings) as running:
        yield running


@dataclass(frozen=True)
class Writer:
    tenant: int
    account: int  # index into the tenant's accounts
    batches: tuple[int, ...]  # sizes of the batches it sends, one after the other


@dataclass(frozen=True)
class Plan:
    accounts_per_tenant: int
    writers: tuple[Writer, ...]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    accounts = draw(st.integers(1, 3))
    writer = st.builds(
        Writer,
        tenant=st.integers(0, 1),
        account=st.integers(0, accounts - 1),
        batches=st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple),
    )
    return Plan(accounts, tuple(draw(st.lists(writer, min_size=4, max_size=12))))


@dataclass
class Account:
    company: str
    connection: str
    id: str
    accepted: list[list[dict[str, Any]]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)


class Tenant:
    def __init__(self, base_url: str, key: str) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, headers=auth_header(key), timeout=REQUEST_TIMEOUT)
        self.accounts: list[Account] = []

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.request(method, path, **kwargs)
        body = response.json() if response.content and "json" in response.headers.get("content-type", "") else None
        mismatches = checker().check(method, path, response.status_code, body, response.headers.get("content-type", ""))
        assert not mismatches, mismatches
        return response

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.call(method, path, **kwargs)
        assert response.is_success, response.text
        return response.json() if response.content else None

    async def open_accounts(self, count: int) -> None:
        """Two accounts share a connection (and so a company); a third has a company of its own."""
        company = (await self.ok("POST", "/companies", json={"name": "Concurrent"}))["id"]
        connection = (await self.ok("POST", f"/companies/{company}/connections", json={"platformKey": "hcws"}))["id"]
        for index in range(count):
            if index == 2:
                company = (await self.ok("POST", "/companies", json={"name": "Concurrent too"}))["id"]
                connection = (await self.ok("POST", f"/companies/{company}/connections", json={"platformKey": "hcws"}))["id"]
            accounts = f"/companies/{company}/connections/{connection}/connectionInfo/bankFeedAccounts"
            body = {"id": f"acc-{index}", "accountName": "Checking", "accountType": "checking", "accountNumber": "0101", "currency": "USD", "balance": 0}
            await self.ok("POST", accounts, json=body)
            credentials = await self.ok("POST", accounts + "/credentials", json={})
            chosen = [{"sourceAccountId": f"acc-{index}", "feedStartDate": "2026-03-11"}]
            await self.ok("POST", "/_mock/qbo/link", json={**credentials, "accounts": chosen})
            self.accounts.append(Account(company, connection, f"acc-{index}"))


async def write(tenant: Tenant, number: int, writer: Writer, spread: int) -> None:
    """Send the writer's batches one after the other; the writers run side by side."""
    account = tenant.accounts[writer.account]
    path = f"/companies/{account.company}/connections/{account.connection}/push/bankAccounts/{account.id}/bankTransactions"
    for step, size in enumerate(writer.batches):
        # Writers take turns in time: batch ``step`` of writer ``number`` is dated after the same
        # step of the writers before it. Who reaches the server first is up to the race.
        moment = FIRST_DATE + timedelta(minutes=step * spread + number)
        batch = [
            {
                "id": f"w{number}-b{step}-{i}",
                "date": (moment + timedelta(seconds=i)).isoformat(),
                "description": f"Writer {number}",
                "amount": 1,
                "balance": number * 1000 + step * 10 + i,
            }
            for i in range(size)
        ]
        response = await tenant.call("POST", path, json={"accountId": account.id, "transactions": batch})
        if response.status_code == 200:
            account.accepted.append(batch)
        else:
            assert response.status_code == 400, response.text
            names = {e["validatorName"] for e in response.json()["validation"]["errors"]}
            assert names == {"OlderThanLatest"}, response.text
            account.refused.extend(batch)


async def run(plan: Plan, base_url: str, run_id: str) -> list[Tenant]:
    tenants = [Tenant(base_url, f"{run_id}-{n}") for n in range(2)]
    try:
        for tenant in tenants:
            await tenant.open_accounts(plan.accounts_per_tenant)
        spread = len(plan.writers) + 1
        writes = [write(tenants[w.tenant], n, w, spread) for n, w in enumerate(plan.writers)]
        await asyncio.wait_for(asyncio.gather(*writes), ALL_WRITES_TIMEOUT)
        for tenant in tenants:
            await tenant.ok("POST", "/_mock/clock/advance", json={"seconds": 3})
            await tenant.ok("POST", "/_mock/qbo/poll")
        for tenant, other in ((tenants[0], tenants[1]), (tenants[1], tenants[0])):
            await check(tenant, other)
    finally:
        for tenant in tenants:
            await tenant.client.aclose()
    return tenants


async def check(tenant: Tenant, other: Tenant) -> None:
    others = {t["id"] for a in other.accounts for batch in a.accepted for t in batch}
    for account in tenant.accounts:
        feed = await tenant.ok("GET", f"/_mock/qbo/companies/{account.company}/accounts/{account.id}/transactions")
        ids = [t["id"] for t in feed["transactions"]]
        # Nothing accepted is lost, nothing is there twice, each batch whole. (The order in which
        # the writers heard back is not the order the server accepted in: the dates tell that.)
        assert sorted(ids) == sorted(t["id"] for batch in account.accepted for t in batch)
        assert len(set(ids)) == len(ids)
        for batch in account.accepted:
            start = ids.index(batch[0]["id"])
            assert ids[start : start + len(batch)] == [t["id"] for t in batch]
        assert not {t["id"] for t in account.refused} & set(ids), "a refused transaction reached QBO"
        assert not others & set(ids), "another tenant's transaction reached this feed"
        keys = [oracle.local_key(t["date"]) for t in feed["transactions"]]
        assert keys == sorted(keys), "the feed is chronological"  # type: ignore[type-var]
        if ids:
            assert feed["balance"] == feed["transactions"][-1]["balance"]
    for company in {a.company for a in tenant.accounts}:
        pushes = (await tenant.ok("GET", f"/companies/{company}/push", params={"pageSize": "5000"}))["results"]
        accepted = sum(len(a.accepted) for a in tenant.accounts if a.company == company)
        assert len(pushes) == accepted
        assert {p["status"] for p in pushes} <= {"Success"}


@settings(
    max_examples=examples(6),
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the server serves every example
)
@given(plan=plans(), run_id=st.uuids().map(str))
def test_concurrent_writers_lose_nothing_accepted_and_keep_every_invariant(
    server: BankFeedsMock, plan: Plan, run_id: str
) -> None:
    tenants = asyncio.run(run(plan, server.url, run_id))
    accepted = sum(len(a.accepted) for t in tenants for a in t.accounts)
    assert accepted >= 1  # the first batch to reach each account is always taken
    event("some batches lost the race" if any(a.refused for t in tenants for a in t.accounts) else "no batch lost")
