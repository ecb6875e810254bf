"""The feed lifecycle on the virtual clock: OTP expiry, disconnecting in QBO, revoked credentials,
timed-out and failed pushes, unlinking, and what deleting takes with it. Nothing here sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, World, make_client, txn

HOUR, DAY = 3600, 86400


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/_mock/clock/advance", json={"seconds": seconds}).status_code == 200


def otp_of(connection: dict[str, Any]) -> str:
    return parse_qs(urlparse(connection["linkUrl"]).query)["otp"][0]


def validators(response: Any) -> set[str]:
    return {e["validatorName"] for e in response.json()["validation"]["errors"]}


def disconnect(client: TestClient, company: str, connection: str, account: str) -> None:
    body = {"companyId": company, "connectionId": connection, "sourceAccountId": account}
    assert client.post("/_mock/qbo/disconnect", json=body).status_code == 200


def account_status(client: TestClient, world: World, company: str, connection: str, account: str) -> str:
    listed = client.get(world.accounts_path(company, connection)).json()
    return str(next(a["status"] for a in listed if a["id"] == account))


def connection_status(client: TestClient, company: str, connection: str) -> str:
    return str(client.get(f"/companies/{company}/connections/{connection}").json()["status"])


@pytest.fixture
def slow_client() -> Iterator[TestClient]:
    """Pushes stay Pending for ten virtual minutes, so something can happen before they end."""
    with make_client(Settings(clock=NOW, background_ticks=False, seed=7, push_delay=600)) as client:
        yield client


# -- one-time passwords ------------------------------------------------------------------------


def test_the_link_otp_lasts_one_hour_then_listing_hands_out_a_fresh_one(client: TestClient, world: World) -> None:
    company = world.company()
    created = client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()
    first = otp_of(created)

    advance(client, HOUR - 1)
    still = client.get(f"/companies/{company}/connections").json()["results"][0]
    advance(client, 1)
    listed = client.get(f"/companies/{company}/connections").json()["results"][0]

    assert otp_of(still) == first
    assert otp_of(listed) != first
    assert otp_of(client.get(f"/companies/{company}/connections/{created['id']}").json()) == otp_of(listed)


def test_generate_otp_answers_a_code_valid_one_hour(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)

    answer = client.post(f"/companies/{company}/connections/{connection}/bankFeeds/otp").json()

    assert answer["expiry"] == "2026-03-18T10:00:00.000Z" and len(answer["otp"]) == 6
    assert otp_of(client.get(f"/companies/{company}/connections/{connection}").json()) == answer["otp"]


# -- disconnecting in QBO ----------------------------------------------------------------------


def test_a_feed_disconnected_in_qbo_refuses_writes_at_once_and_shows_disconnected_after_the_lag(
    client: TestClient, world: World
) -> None:
    company, connection, account = world.linked_account()

    disconnect(client, company, connection, account)

    refused = world.push(company, connection, account, [txn("t1", "2026-03-17")])
    assert refused.status_code == 400 and validators(refused) == {"AccountNotConnected"}
    assert account_status(client, world, company, connection, account) == "connected"
    advance(client, 10 * DAY - 1)
    assert account_status(client, world, company, connection, account) == "connected"
    advance(client, 1)
    assert account_status(client, world, company, connection, account) == "disconnected"


def test_the_lag_is_configurable() -> None:
    with make_client(Settings(clock=NOW, background_ticks=False, seed=7, disconnect_lag_days=2)) as client:
        world = World(client)
        company, connection, account = world.linked_account()
        disconnect(client, company, connection, account)

        advance(client, 2 * DAY)

        assert account_status(client, world, company, connection, account) == "disconnected"


def test_the_connection_turns_unlinked_only_when_every_account_is_disconnected(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection, "acc-1")
    world.account(company, connection, "acc-2")
    world.link(company, connection, "acc-1", "acc-2")

    disconnect(client, company, connection, "acc-1")
    advance(client, 10 * DAY)
    assert connection_status(client, company, connection) == "Linked"
    disconnect(client, company, connection, "acc-2")
    advance(client, 10 * DAY)

    assert connection_status(client, company, connection) == "Unlinked"


def test_relinking_before_the_lag_ends_keeps_the_feed_connected(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    disconnect(client, company, connection, account)
    advance(client, DAY)

    world.link(company, connection, account)
    advance(client, 10 * DAY)

    assert account_status(client, world, company, connection, account) == "connected"
    assert world.push(company, connection, account, [txn("t1", "2026-03-28")]).status_code == 200


# -- revoked credentials -----------------------------------------------------------------------


def test_revoked_credentials_invalidate_every_account_linked_with_them(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection, "acc-1")
    world.account(company, connection, "acc-2")
    credentials = world.credentials(company, connection)
    link = {**credentials, "accounts": [{"sourceAccountId": a, "feedStartDate": "2026-03-11"} for a in ("acc-1", "acc-2")]}
    assert client.post("/_mock/qbo/link", json=link).status_code == 200

    assert client.delete(world.accounts_path(company, connection) + "/credentials").status_code == 204

    for account in ("acc-1", "acc-2"):
        refused = world.push(company, connection, account, [txn("t1", "2026-03-17")])
        assert validators(refused) == {"AccountNotConnected"}
    assert client.post("/_mock/qbo/link", json=link).status_code == 401
    world.link(company, connection, "acc-1")
    assert world.push(company, connection, "acc-1", [txn("t1", "2026-03-17")]).status_code == 200


# -- push operations that do not succeed -------------------------------------------------------


def test_a_push_not_done_within_its_timeout_turns_timed_out(slow_client: TestClient) -> None:
    world = World(slow_client)
    company, connection, account = world.linked_account()
    path = world.push_path(company, connection, account)
    body = {"accountId": account, "transactions": [txn("t1", "2026-03-17")]}
    key = slow_client.post(path, params={"timeoutInMinutes": 5}, json=body).json()["pushOperationKey"]

    advance(slow_client, 5 * 60 - 1)
    assert slow_client.get(f"/companies/{company}/push/{key}").json()["status"] == "Pending"
    advance(slow_client, 1)

    done = slow_client.get(f"/companies/{company}/push/{key}").json()
    assert (done["status"], done["statusCode"], done["completedOnUtc"]) == ("TimedOut", 504, "2026-03-18T09:05:00.000Z")
    assert done["errorMessage"]
    assert world.push(company, connection, account, [txn("t1", "2026-03-17")]).status_code == 200


def test_a_push_whose_account_is_disconnected_before_it_completes_fails_with_the_reason(slow_client: TestClient) -> None:
    world = World(slow_client)
    company, connection, account = world.linked_account()
    key = world.push(company, connection, account, [txn("t1", "2026-03-17")]).json()["pushOperationKey"]
    advance(slow_client, 60)

    disconnect(slow_client, company, connection, account)

    failed = slow_client.get(f"/companies/{company}/push/{key}").json()
    assert (failed["status"], failed["statusCode"]) == ("Failed", 400)
    assert failed["completedOnUtc"] == "2026-03-18T09:01:00.000Z"
    assert "disconnected" in failed["errorMessage"]
    assert [(e["validatorName"], e["itemId"]) for e in failed["validation"]["errors"]] == [("AccountNotConnected", account)]
    advance(slow_client, 3600)
    assert slow_client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()["transactions"] == []


# -- unlinking and deleting --------------------------------------------------------------------


def test_unlinking_a_connection_stops_every_feed_at_once(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()

    unlinked = client.patch(f"/companies/{company}/connections/{connection}", json={"status": "Unlinked"})

    assert unlinked.json()["status"] == "Unlinked"
    assert account_status(client, world, company, connection, account) == "disconnected"
    assert validators(world.push(company, connection, account, [txn("t1", "2026-03-17")])) == {"AccountNotConnected"}


def test_deleting_a_company_takes_its_connections_accounts_and_push_operations(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    key = world.push(company, connection, account, [txn("t1", "2026-03-17")]).json()["pushOperationKey"]
    other = world.company("Still Here Ltd")

    assert client.delete(f"/companies/{company}").status_code == 204

    assert client.get(f"/companies/{company}").status_code == 404
    assert client.get(f"/companies/{company}/connections/{connection}").status_code == 404
    assert client.get(world.accounts_path(company, connection)).status_code == 404
    assert client.get(f"/companies/{company}/push/{key}").status_code == 404
    assert client.get(f"/companies/{company}/push").status_code == 404
    assert [c["id"] for c in client.get("/companies").json()["results"]] == [other]
    advance(client, 3600)
    assert client.get(f"/companies/{other}").status_code == 200


def test_deleting_a_connection_takes_its_accounts_and_push_operations_only(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    gone = world.push(company, connection, account, [txn("t1", "2026-03-17")]).json()["pushOperationKey"]
    kept_connection = world.connection(company)
    world.account(company, kept_connection, "acc-9")
    world.link(company, kept_connection, "acc-9")
    kept = world.push(company, kept_connection, "acc-9", [txn("t1", "2026-03-17")]).json()["pushOperationKey"]

    assert client.delete(f"/companies/{company}/connections/{connection}").status_code == 200

    assert client.get(f"/companies/{company}/connections/{connection}").status_code == 404
    assert client.get(f"/companies/{company}/push/{gone}").status_code == 404
    assert client.get(f"/companies/{company}/push/{kept}").status_code == 200
    assert [c["id"] for c in client.get(f"/companies/{company}/connections").json()["results"]] == [kept_connection]
