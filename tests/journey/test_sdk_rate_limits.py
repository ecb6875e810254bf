"""The official SDK against Codat's rate limits on a real emulator: its retry loop rides out a 429
by waiting the ``Retry-After`` the daily quota sends, when its backoff allows, and gives up at once
when it does not. And a write retried with the same ``Idempotency-Key`` is written once.

The writes are POSTs on purpose: for GET, PUT and DELETE the SDK's transport (urllib3) retries a
429 itself and sleeps its whole ``Retry-After``, whatever the SDK's RetryConfig says (see README,
Behaviour notes)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from mock_server import BankFeedsMock, Settings
from mock_server.testing.client import MockTenant

codat_bankfeeds = pytest.importorskip("codat_bankfeeds", reason="the official SDK is in the dev extras")
from codat_bankfeeds import CodatBankFeeds  # noqa: E402
from codat_bankfeeds.models import errors, shared  # noqa: E402
from codat_bankfeeds.utils import BackoffStrategy, RetryConfig  # noqa: E402

pytestmark = pytest.mark.xdist_group("journey")

NOW = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
QUOTA = 2
#: Allows a wait of up to three seconds in all, and no more.
BACKOFF = RetryConfig("backoff", BackoffStrategy(initial_interval=100, max_interval=5_000, exponent=1.5, max_elapsed_time=3_000), False)


@pytest.fixture(scope="module")
def mock() -> Iterator[BankFeedsMock]:
    with BankFeedsMock(Settings(port=0, clock=NOW, poll_interval=0, seed=13, daily_quota_base=QUOTA)) as running:
        yield running


@pytest.fixture
def tenant(mock: BankFeedsMock) -> Iterator[MockTenant]:
    with MockTenant(mock.url, f"sdk-limits-{uuid.uuid4().hex}") as tenant:
        yield tenant
        tenant.reset()


def sdk_for(mock: BankFeedsMock, tenant: MockTenant) -> CodatBankFeeds:
    return CodatBankFeeds(server_url=mock.url, security=shared.Security(auth_header=tenant.auth_header), retry_config=BACKOFF)


def use_up_the_quota(tenant: MockTenant) -> None:
    for _ in range(QUOTA):
        assert tenant.client.get("/companies").status_code == 200
    assert tenant.rate_limit()["quotaRemaining"] == 0


def test_the_sdk_waits_retry_after_and_gets_through_after_midnight(mock: BankFeedsMock, tenant: MockTenant) -> None:
    # A running virtual clock two seconds before midnight: the quota resets while the SDK waits.
    tenant.clock.set("2026-03-18T23:59:58Z", frozen=False)
    use_up_the_quota(tenant)
    key = {"Idempotency-Key": str(uuid.uuid4())}  # reused by every retry: a 429 is not kept

    company = sdk_for(mock, tenant).companies.create(request={"name": "After midnight"}, http_headers=key)

    assert company.name == "After midnight"
    calls = [(r["status"], r["at"]) for r in reversed(tenant.requests(operation_id="create-company"))]
    # One refusal, then the call that waited its Retry-After; a retry loop deaf to it would have
    # hit the quota again every few hundred milliseconds.
    assert [status for status, _ in calls] == [429, 200]
    assert calls[1][1] >= "2026-03-19T00:00:00"
    assert tenant.client.get("/companies").json()["totalResults"] == 1


def test_the_sdk_gives_up_at_once_when_retry_after_is_beyond_its_backoff(mock: BankFeedsMock, tenant: MockTenant) -> None:
    use_up_the_quota(tenant)  # frozen at 09:00: the quota resets in 15 hours

    with pytest.raises(errors.ErrorMessage) as refused:
        sdk_for(mock, tenant).companies.create(request={"name": "Not today"})

    assert refused.value.status_code == 429
    headers = {name.lower(): value for name, value in refused.value.headers.items()}
    assert int(headers["retry-after"]) == 15 * 3600
    assert [r["status"] for r in tenant.requests(operation_id="create-company")] == [429]


def test_a_create_retried_with_the_same_idempotency_key_makes_one_company(mock: BankFeedsMock, tenant: MockTenant) -> None:
    sdk = sdk_for(mock, tenant)
    headers = {"Idempotency-Key": str(uuid.uuid4())}

    first = sdk.companies.create(request={"name": "Once Ltd"}, http_headers=headers)
    again = sdk.companies.create(request={"name": "Once Ltd"}, http_headers=headers)

    assert first.id == again.id
    assert [c["id"] for c in tenant.state()["companies"]] == [first.id]
