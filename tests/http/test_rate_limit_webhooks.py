"""Codat's client.rateLimit.* webhooks over real HTTP: ``reached`` when the day's quota first
refuses a request, ``reset`` at the midnight after, each Svix-signed and as the document shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server import BankFeedsMock, Settings
from mock_server.testing.client import MockTenant
from tests.http.test_webhooks import received
from tests.support import NOW, checked_tenant

QUOTA = 2


@pytest.fixture(scope="module")
def mock() -> Iterator[BankFeedsMock]:
    with BankFeedsMock(Settings(clock=NOW, poll_interval=0, daily_quota_base=QUOTA)) as server:
        yield server


@pytest.fixture
def tenant(mock: BankFeedsMock) -> Iterator[MockTenant]:
    with checked_tenant(mock) as handle:
        yield handle


def test_the_first_refusal_of_the_day_sends_reached_and_midnight_sends_reset(tenant: MockTenant) -> None:
    for _ in range(QUOTA):
        tenant.client.get("/companies")
    refusals = [tenant.client.get("/companies") for _ in range(3)]

    reached = received(tenant, "client.rateLimit.reached")
    tenant.clock.set("2026-03-19T00:00:00Z")  # no API call needed: moving the clock starts the day
    reset = received(tenant, "client.rateLimit.reset")

    assert [r.status_code for r in refusals] == [429] * 3
    assert reached["payload"] == {"dailyQuota": QUOTA, "quotaRemaining": 0, "expiryDate": "2026-03-19T00:00:00.000Z"}
    assert reached["generatedDate"].startswith("2026-03-18T09:00:00")
    assert reset["payload"] == {"dailyQuota": QUOTA, "quotaRemaining": QUOTA, "expiryDate": "2026-03-20T00:00:00.000Z"}
    assert reset["generatedDate"].startswith("2026-03-19T00:00:00")
    assert len(tenant.webhooks.received("client.rateLimit.reached")) == 1  # once a day, not per refusal


def test_a_day_that_never_ran_out_resets_quietly(tenant: MockTenant) -> None:
    tenant.client.get("/companies")
    tenant.clock.set("2026-03-19T00:00:01Z")
    tenant.client.get("/companies")

    assert tenant.webhooks.messages("client.rateLimit.reset") == []
    assert tenant.webhooks.messages("client.rateLimit.reached") == []
