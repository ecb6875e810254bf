"""Webhooks over real HTTP: each event raised by the action that causes it, delivered to a real
receiver and verified with Svix's library; retries on the virtual clock with the same webhook-id;
a receiver that hangs or fails; disabling after five days; replay. Nothing here sleeps: every wait
is for something to arrive, bounded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from typing import Any

import jsonschema_rs
import pytest
from svix.webhooks import Webhook

from mock_server import BankFeedsMock, Settings
from mock_server.core.webhooks import RETRY_SCHEDULE
from mock_server.devkit.receiver import Inbox
from mock_server.http.schemas import load
from mock_server.testing.client import MockTenant
from tests.support import NOW, World, checked_tenant, strict_webhook_mismatches, txn

DAY = 86400


@pytest.fixture(scope="module")
def mock() -> Iterator[BankFeedsMock]:
    with BankFeedsMock(Settings(clock=NOW, poll_interval=0, push_delay=2)) as server:
        yield server


@pytest.fixture
def tenant(mock: BankFeedsMock) -> Iterator[MockTenant]:
    with checked_tenant(mock) as handle:
        yield handle


@pytest.fixture
def world(tenant: MockTenant) -> World:
    return World(tenant.client)  # type: ignore[arg-type]


def inbox_of(tenant: MockTenant) -> Inbox:
    assert tenant.webhooks.inbox is not None
    return tenant.webhooks.inbox


def schema_of(event_type: str) -> Any:
    """The body's schema as our document gives it for this event type."""
    document = load("bankfeeds.openapi.yaml")
    ref = document["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**ref, "components": document["components"]})


def received(tenant: MockTenant, event_type: str, **where: Any) -> dict[str, Any]:
    """The next delivery of ``event_type``, checked the way an integration must check it."""
    inbox = inbox_of(tenant)
    body = tenant.webhooks.wait_for(event_type, timeout=10)
    delivery = next(d for d in inbox.received if d.body is body)
    Webhook(inbox.secret).verify(delivery.raw, delivery.headers)  # raises unless Codat-signed
    errors = [e.message for e in schema_of(event_type).iter_errors(body)]
    assert not errors, errors
    strict = strict_webhook_mismatches(event_type, body)
    assert not strict, f"Codat's SDKs would not read this {event_type} body: {strict}"
    for name, value in where.items():
        assert body["payload"][name] == value
    return body


def eventually(condition: Callable[[], Any], what: str, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def advance(tenant: MockTenant, seconds: float) -> None:
    tenant.clock.advance(seconds)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- each event from the action that causes it ---------------------------------------------------


def test_creating_a_connection_sends_connection_created_with_the_connection_as_get_shows_it(
    tenant: MockTenant, world: World
) -> None:
    company = world.company()
    connection = world.connection(company)

    body = received(tenant, "connection.created")

    shown = tenant.client.get(f"/companies/{company}/connections/{connection}").json()
    assert body["payload"]["connection"] == shown
    assert body["payload"]["referenceCompany"]["id"] == company
    assert body["payload"]["referenceCompany"]["name"] == "Elaborate Events, Inc"
    assert body["generatedDate"] == "2026-03-18T09:00:00.000Z"  # virtual time


def test_linking_in_qbo_sends_connection_connected_and_source_account_connected(tenant: MockTenant, world: World) -> None:
    company, connection, account = world.linked_account()

    linked = received(tenant, "connection.connected")
    connected = received(tenant, "bankFeeds.sourceAccount.connected", connectionId=connection, companyId=company)

    assert linked["payload"]["connection"]["status"] == "Linked"
    source = connected["payload"]["sourceAccount"]
    assert source["id"] == account and source["status"] == "connected"
    assert source == next(a for a in tenant.client.get(world.accounts_path(company, connection)).json() if a["id"] == account)


def test_a_successful_push_sends_bank_transactions_write_successful_when_it_completes(tenant: MockTenant, world: World) -> None:
    company, connection, account = world.linked_account()
    operation = world.push(company, connection, account, [txn("t-1", "2026-03-17T10:00:00", balance=110)]).json()

    advance(tenant, 2)

    body = received(tenant, "bankTransactions.write.successful", id=operation["pushOperationKey"])
    assert body["payload"]["status"] == "Success"
    assert body["payload"]["type"] == "Create"
    assert body["payload"]["connectionId"] == connection
    assert body["payload"]["record"] == {"id": account}
    assert body["payload"]["requestedOnDate"] == operation["requestedOnUtc"]
    assert body["payload"]["completedOnDate"] == "2026-03-18T09:00:02.000Z" == body["generatedDate"]


def test_a_push_failed_by_a_disconnect_sends_bank_transactions_write_unsuccessful(tenant: MockTenant, world: World) -> None:
    company, connection, account = world.linked_account()
    operation = world.push(company, connection, account, [txn("t-1", "2026-03-17T10:00:00")]).json()

    tenant.call("POST", "/_mock/qbo/disconnect", json={"companyId": company, "connectionId": connection, "sourceAccountId": account})

    body = received(tenant, "bankTransactions.write.unsuccessful", id=operation["pushOperationKey"])
    assert body["payload"]["status"] == "Failed"
    assert not tenant.webhooks.received("bankTransactions.write.successful")


def test_creating_a_bank_account_sends_bank_accounts_write_successful_with_the_new_account(
    tenant: MockTenant, world: World
) -> None:
    company = world.company()
    connection = world.connection(company)
    base = f"/companies/{company}/connections/{connection}"
    operation = tenant.client.post(base + "/push/bankAccounts", json={"accountName": "Operations", "accountNumber": "4417", "currency": "USD"}).json()

    advance(tenant, 2)

    body = received(tenant, "bankAccounts.write.successful", id=operation["pushOperationKey"])
    created = operation["changes"] or tenant.client.get(f"/companies/{company}/push/{operation['pushOperationKey']}").json()["changes"]
    assert body["payload"]["record"] == {"id": created[0]["recordRef"]["id"]}


def test_codats_status_turning_disconnected_sends_source_account_and_connection_disconnected(
    tenant: MockTenant, world: World
) -> None:
    company, connection, account = world.linked_account()
    tenant.call("POST", "/_mock/qbo/disconnect", json={"companyId": company, "connectionId": connection, "sourceAccountId": account})

    advance(tenant, 10 * DAY)  # the disconnect lag

    body = received(tenant, "bankFeeds.sourceAccount.disconnected", connectionId=connection)
    assert body["payload"]["sourceAccount"]["status"] == "disconnected"
    assert body["generatedDate"] == "2026-03-28T09:00:00.000Z"  # when the lag ran out
    unlinked = received(tenant, "connection.disconnected")
    assert unlinked["payload"]["connection"]["status"] == "Unlinked"


def test_unlinking_then_linking_again_sends_disconnected_then_reconnected(tenant: MockTenant, world: World) -> None:
    company, connection, account = world.linked_account()
    patched = tenant.client.patch(f"/companies/{company}/connections/{connection}", json={"status": "Unlinked"})
    assert patched.status_code == 200

    received(tenant, "connection.disconnected")
    received(tenant, "bankFeeds.sourceAccount.disconnected")
    world.link(company, connection, account)

    body = received(tenant, "connection.reconnected")
    assert body["payload"]["connection"]["status"] == "Linked"
    assert len(tenant.webhooks.received("connection.connected")) == 1  # the first link only


def test_deleting_a_connection_sends_connection_deleted(tenant: MockTenant, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    assert tenant.client.delete(f"/companies/{company}/connections/{connection}").status_code == 200

    body = received(tenant, "connection.deleted")
    assert body["payload"]["connection"]["id"] == connection


def test_an_endpoint_gets_only_the_event_types_it_listed(mock: BankFeedsMock, tenant: MockTenant, world: World) -> None:
    only = mock.receiver.inbox()
    tenant.webhooks.subscribe(only.url, secret=only.secret, event_types=["connection.deleted"])
    company = world.company()
    connection = world.connection(company)
    tenant.client.delete(f"/companies/{company}/connections/{connection}")

    only.wait_for("connection.deleted")
    received(tenant, "connection.deleted")  # the catch-all endpoint got it too
    assert [b["eventType"] for b in only.events()] == ["connection.deleted"]


# -- delivery ---------------------------------------------------------------------------------------


def test_a_failing_receiver_is_retried_on_codats_schedule_with_the_same_webhook_id(tenant: MockTenant, world: World) -> None:
    inbox = inbox_of(tenant)
    inbox.status = 500
    world.connection(world.company())

    def attempts() -> list[dict[str, Any]]:
        return list(tenant.webhooks.messages("connection.created")[0]["attempts"])

    eventually(lambda: len(attempts()) == 1, "the first attempt")
    for n, wait in enumerate(RETRY_SCHEDULE, start=2):
        assert attempts()[-1]["nextAttempt"] is not None
        advance(tenant, wait.total_seconds())
        eventually(lambda n=n: len(attempts()) == n, f"attempt {n}")

    made = attempts()
    gaps = [at(b["at"]) - at(a["at"]) for a, b in pairwise(made)]
    assert gaps == list(RETRY_SCHEDULE)
    assert [a["statusCode"] for a in made] == [500] * 8
    message = tenant.webhooks.messages("connection.created")[0]
    assert message["status"] == "failed" and message["nextAttempt"] is None
    ids = {d.webhook_id for d in inbox.received if d.event_type == "connection.created"}
    assert ids == {message["id"]}
    assert len([d for d in inbox.received if d.event_type == "connection.created"]) == 8


def test_a_receiver_that_recovers_gets_the_message_on_the_next_retry(tenant: MockTenant, world: World) -> None:
    inbox = inbox_of(tenant)
    inbox.status = 503
    world.connection(world.company())
    eventually(lambda: tenant.webhooks.messages("connection.created")[0]["attempts"], "the first attempt")

    inbox.status = 200
    advance(tenant, 5)

    message = eventually(
        lambda: next((m for m in tenant.webhooks.messages("connection.created") if m["status"] == "succeeded"), None),
        "the retry to succeed",
    )
    assert [a["statusCode"] for a in message["attempts"]] == [503, 200]


def test_an_endpoint_failing_for_five_days_is_disabled(tenant: MockTenant, world: World) -> None:
    inbox = inbox_of(tenant)
    inbox.status = 500
    company = world.company()
    world.connection(company)
    eventually(lambda: tenant.webhooks.messages()[0]["attempts"], "the first attempt")

    advance(tenant, 4 * DAY)  # still failing, not yet five days
    eventually(lambda: len(tenant.webhooks.messages()[0]["attempts"]) == 2, "a retry after four days")
    assert not tenant.webhooks.endpoints()[0]["disabled"]
    advance(tenant, DAY)
    eventually(lambda: len(tenant.webhooks.messages()[0]["attempts"]) == 3, "a retry after five days")

    endpoint = tenant.webhooks.endpoints()[0]
    assert endpoint["disabled"] is True
    assert endpoint["failingSince"] == "2026-03-18T09:00:00.000Z"
    assert tenant.webhooks.messages()[0]["status"] == "failed"
    world.connection(company)  # a new event: nothing is sent to a disabled endpoint
    assert len(tenant.webhooks.messages()) == 1


def test_a_refused_connection_is_a_failed_attempt_with_the_error(mock: BankFeedsMock, tenant: MockTenant, world: World) -> None:
    tenant.webhooks.unsubscribe(tenant.webhooks.endpoints()[0]["id"])
    listener = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = listener.server_address[1]
    listener.server_close()  # nothing listens there any more
    tenant.webhooks.subscribe(f"http://127.0.0.1:{port}/hooks")
    world.connection(world.company())

    attempt = eventually(lambda: (tenant.webhooks.messages()[0]["attempts"] or [None])[0], "the attempt")
    assert attempt["statusCode"] is None and "Connect" in attempt["error"]
    assert attempt["nextAttempt"] == "2026-03-18T09:00:05.000Z"


def test_a_replay_sends_the_same_message_again_with_the_same_webhook_id(tenant: MockTenant, world: World) -> None:
    world.connection(world.company())
    first = received(tenant, "connection.created")
    message = tenant.webhooks.messages()[0]

    replayed = tenant.webhooks.replay(message["id"])

    assert replayed["status"] == "pending"
    again = received(tenant, "connection.created")
    assert again == first
    deliveries = [d for d in inbox_of(tenant).received if d.event_type == "connection.created"]
    assert [d.webhook_id for d in deliveries] == [message["id"]] * 2
    attempts = eventually(lambda: len(tenant.webhooks.messages()[0]["attempts"]) == 2 and tenant.webhooks.messages()[0]["attempts"], "the replay attempt")
    assert [a["replay"] for a in attempts] == [False, True]


def test_a_reset_clears_endpoints_and_messages(tenant: MockTenant, world: World) -> None:
    world.connection(world.company())
    received(tenant, "connection.created")

    tenant.call("POST", "/_mock/reset")

    assert tenant.webhooks.endpoints() == []
    assert tenant.webhooks.messages() == []


# -- a receiver that hangs ---------------------------------------------------------------------------


class Hanging:
    """A receiver that holds every request until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        hanging = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                hanging.entered.set()
                hanging.release.wait(30)
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_hanging_receiver_delays_neither_the_api_nor_the_other_receivers() -> None:
    hanging = Hanging()
    try:
        with BankFeedsMock(Settings(clock=NOW, poll_interval=0, webhook_timeout=1)) as mock, mock.tenant() as tenant:
            tenant.webhooks.subscribe(hanging.url)
            world = World(tenant.client)  # type: ignore[arg-type]
            company = world.company()
            connection = world.connection(company)
            assert hanging.entered.wait(10), "the hanging receiver got the delivery"

            # While it hangs: the API answers, and the other receiver has its delivery.
            world.account(company, connection)
            received(tenant, "connection.created")
            # No answer within webhook_timeout is a failure, with a retry scheduled.
            message = eventually(
                lambda: next((m for m in tenant.webhooks.messages() if m["url"] == hanging.url and m["attempts"]), None),
                "the hanging attempt to time out",
            )
            assert message["attempts"][0]["error"] == "No answer within 1 s."
            assert message["status"] == "pending"
            assert at(message["nextAttempt"]) == NOW + timedelta(seconds=5)
    finally:
        hanging.close()
