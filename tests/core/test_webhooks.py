"""The outbox on its own: which transitions raise which events, the retry schedule, disabling,
replays and signatures, all as plain function calls with ``now`` handed in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta

import pytest
from svix.webhooks import Webhook

from mock_server.core.errors import BadRequest, Conflict
from mock_server.core.ids import IdFactory
from mock_server.core.pushes import complete_due, create_bank_transactions
from mock_server.core.qbo import LinkRequest, link
from mock_server.core.tenant import Tenant
from mock_server.core.webhooks import (
    DISABLE_AFTER,
    EVENT_TYPES,
    FAILED,
    MESSAGE_CAPACITY,
    PENDING,
    RETRY_SCHEDULE,
    SUCCEEDED,
    Outbox,
    headers,
    new_secret,
)
from mock_server.http.schemas import load
from mock_server.settings import Settings

NOW = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)


def outbox() -> Outbox:
    box = Outbox(IdFactory(1, "test"))
    box.add_endpoint("http://127.0.0.1:9/hook", None, None, NOW)
    return box


def published(box: Outbox, now: datetime = NOW) -> list[object]:
    box.emit("connection.created", now)
    return [m for e in box.take_events() for m in box.publish(e, b"{}")]


def test_the_catalogue_is_the_documents_webhooks_section() -> None:
    assert set(EVENT_TYPES) == set(load("bankfeeds.openapi.yaml")["webhooks"])
    enum = load("control.openapi.yaml")["components"]["schemas"]["WebhookEventType"]["enum"]
    assert list(EVENT_TYPES) == enum


def test_nothing_is_recorded_when_no_endpoint_listens() -> None:
    box = Outbox(IdFactory(1, "test"))
    assert box.emit("connection.created", NOW) is None
    box.add_endpoint("https://example.com/hook", None, ["connection.deleted"], NOW)
    assert box.emit("connection.created", NOW) is None
    assert box.take_events() == []


def test_a_failing_message_follows_the_schedule_then_fails() -> None:
    box = outbox()
    [message] = published(box)
    now = NOW
    for wait in (*RETRY_SCHEDULE, None):
        assert box.due(now) == [message]
        assert box.due(now) == []  # handed out once while it is being sent
        box.record(message, now, 0, 500, None)
        if wait is None:
            break
        assert message.next_attempt == now + wait
        assert box.due(now + wait - timedelta(microseconds=1)) == []
        now += wait
    assert message.status == FAILED and message.next_attempt is None
    assert len(message.attempts) == 1 + len(RETRY_SCHEDULE)


def test_a_2xx_delivers_and_clears_the_endpoints_failing_streak() -> None:
    box = outbox()
    [message] = published(box)
    box.due(NOW)
    box.record(message, NOW, 0, 502, None)
    assert message.endpoint.failing_since == NOW
    box.due(NOW + RETRY_SCHEDULE[0])
    box.record(message, NOW + RETRY_SCHEDULE[0], 0, 204, None)
    assert message.status == SUCCEEDED and message.endpoint.failing_since is None


def test_five_days_of_failures_disable_the_endpoint_and_stop_its_messages() -> None:
    box = outbox()
    [first] = published(box)
    box.due(NOW)
    box.record(first, NOW, 0, None, "refused")
    later = NOW + DISABLE_AFTER - timedelta(hours=1)
    assert box.due(later) == [first]
    box.record(first, later, 0, 500, None)
    [second] = published(box, later)
    assert box.due(later) == [second]
    box.record(second, later, 0, 500, None)
    assert not first.endpoint.disabled

    # Five days after the first failure both retries fail: the endpoint is disabled.
    assert box.due(NOW + DISABLE_AFTER) == [first, second]
    box.record(first, NOW + DISABLE_AFTER, 0, 500, None)
    box.record(second, NOW + DISABLE_AFTER, 0, 500, None)

    assert first.endpoint.disabled
    assert first.status == second.status == FAILED
    assert box.due(later + timedelta(days=30)) == []
    assert published(box, later) == []
    with pytest.raises(Conflict):
        box.replay(first.id, later)


def test_a_replay_is_one_attempt_and_a_failed_replay_is_not_retried() -> None:
    box = outbox()
    [message] = published(box)
    box.due(NOW)
    box.record(message, NOW, 0, 200, None)

    box.replay(message.id, NOW)
    assert message.status == PENDING
    assert box.due(NOW) == [message]
    box.record(message, NOW, 0, 500, None)

    assert message.status == FAILED and message.next_attempt is None
    assert [a.replay for a in message.attempts] == [False, True]


def test_endpoints_refuse_what_cannot_be_delivered_or_signed() -> None:
    box = Outbox(IdFactory(1, "test"))
    for url in ("ftp://example.com", "example.com/hook", "http://", "", None):
        with pytest.raises(BadRequest):
            box.add_endpoint(url, None, None, NOW)
    with pytest.raises(BadRequest, match="Unknown event type"):
        box.add_endpoint("http://x/h", None, ["bankFeeds.sourceAccount.exploded"], NOW)
    with pytest.raises(BadRequest):
        box.add_endpoint("http://x/h", None, [], NOW)
    for secret in ("secret", "whsec_not*base64", "whsec_" + base64.b64encode(b"short").decode()):
        with pytest.raises(BadRequest):
            box.add_endpoint("http://x/h", secret, None, NOW)
    assert box.endpoints == {}


def test_finished_messages_beyond_the_capacity_go_oldest_first() -> None:
    box = outbox()
    [kept_open] = published(box)
    for _ in range(MESSAGE_CAPACITY + 5):
        [message] = published(box)
        box.due(NOW)
        box.record(message, NOW, 0, 200, None)
    assert len(box.messages) == MESSAGE_CAPACITY
    assert kept_open.id in box.messages  # still to be sent: never dropped


def test_signatures_are_the_ones_svix_verifies() -> None:
    secret = new_secret(random.Random(3))
    body = b'{"id":"1","eventType":"connection.created"}'
    sent = headers(secret, "msg_1", 1_700_000_000, body)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert sent["webhook-signature"] == "v1," + expected
    now_headers = headers(secret, "msg_1", int(datetime.now(UTC).timestamp()), body)
    Webhook(secret).verify(body, now_headers)


def tenant(**settings: object) -> Tenant:
    made = Tenant.create("k", Settings(clock=NOW, poll_interval=0, **settings))  # type: ignore[arg-type]
    made.webhooks.add_endpoint("http://127.0.0.1:9/h", None, None, NOW)
    return made


def linked(t: Tenant) -> tuple[str, str]:
    company = t.create_company("Acme", None, None, NOW)
    connection = t.create_connection(company.id, "hcws", NOW)
    body = {"id": "acc-1", "accountName": "A", "accountType": "checking", "accountNumber": "1", "currency": "USD", "balance": 0}
    t.create_source_account(company.id, connection.id, body, NOW)
    credentials = t.generate_credentials(company.id, connection.id, NOW)
    link(t, credentials.username, credentials.password, [LinkRequest("acc-1", NOW.date())], NOW)
    return company.id, connection.id


def test_a_push_that_times_out_raises_write_unsuccessful_at_its_deadline() -> None:
    t = tenant(push_delay=600)
    company, connection = linked(t)
    t.webhooks.take_events()
    body = {"accountId": "acc-1", "transactions": [{"id": "t1", "date": "2026-03-18T08:00:00", "description": "x", "amount": 1.0}]}
    operation = create_bank_transactions(t, company, connection, "acc-1", body, 1, NOW)

    complete_due(t, NOW + timedelta(minutes=5))

    [event] = t.webhooks.take_events()
    assert event.event_type == "bankTransactions.write.unsuccessful"
    assert event.operation is not None and event.operation.status == "TimedOut"
    assert event.generated == operation.requested + timedelta(minutes=1)


def test_linking_raises_connection_then_account_events_from_copies_taken_then() -> None:
    t = tenant()
    linked(t)
    events = t.webhooks.take_events()
    assert [e.event_type for e in events] == ["connection.created", "connection.connected", "bankFeeds.sourceAccount.connected"]
    account_event = events[-1]
    assert account_event.account is not None
    original = next(iter(next(iter(t.companies.values())).connections.values())).accounts["acc-1"]
    original.fields["accountName"] = "renamed later"
    assert account_event.account.fields["accountName"] == "A"
