"""The developer kit's webhook receiver: it trusts only what Svix's library verifies."""

from __future__ import annotations

import time

import httpx
import pytest

from mock_server.core.webhooks import headers
from mock_server.devkit.receiver import WebhookReceiver, WebhookTimeout


def test_a_delivery_signed_with_another_secret_is_refused_and_never_handed_out() -> None:
    with WebhookReceiver() as receiver:
        inbox = receiver.inbox()
        other = receiver.inbox()
        body = b'{"id":"e1","eventType":"connection.created","generatedDate":"2026-03-18T09:00:00Z","payload":{}}'
        forged = headers(other.secret, "msg_1", int(time.time()), body)

        answer = httpx.post(inbox.url, content=body, headers=forged)

        assert answer.status_code == 401
        assert [r.raw for r in inbox.rejected] == [body]
        with pytest.raises(WebhookTimeout, match="received: nothing"):
            inbox.wait_for("connection.created", timeout=0.05)


def test_each_verified_delivery_is_handed_out_once_and_answered_with_the_inbox_status() -> None:
    with WebhookReceiver() as receiver:
        inbox = receiver.inbox()
        inbox.status = 503
        body = b'{"id":"e1","eventType":"connection.created","generatedDate":"2026-03-18T09:00:00Z","payload":{}}'

        answer = httpx.post(inbox.url, content=body, headers=headers(inbox.secret, "msg_1", int(time.time()), body))

        assert answer.status_code == 503
        assert inbox.wait_for("connection.created", timeout=1)["id"] == "e1"
        with pytest.raises(WebhookTimeout):
            inbox.wait_for("connection.created", timeout=0.05)
