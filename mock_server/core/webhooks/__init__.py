"""Webhooks in the pure world: the event catalogue, each tenant's outbox with its retry schedule,
and Svix's signatures. Sending them over the network is the shell's job (``mock_server.http.webhooks``).

Raise an event from core code with ``tenant.webhooks.emit(EVENT_TYPE, now, ...)``.
"""

from __future__ import annotations

from mock_server.core.webhooks.catalogue import EVENT_TYPES, write_event
from mock_server.core.webhooks.outbox import (
    DISABLE_AFTER,
    FAILED,
    MESSAGE_CAPACITY,
    PENDING,
    RETRY_SCHEDULE,
    SENDING,
    SUCCEEDED,
    Attempt,
    Endpoint,
    Event,
    Message,
    Outbox,
    check_event_types,
    check_url,
)
from mock_server.core.webhooks.signing import headers, new_secret, secret_key, sign

__all__ = [
    "DISABLE_AFTER",
    "EVENT_TYPES",
    "FAILED",
    "MESSAGE_CAPACITY",
    "PENDING",
    "RETRY_SCHEDULE",
    "SENDING",
    "SUCCEEDED",
    "Attempt",
    "Endpoint",
    "Event",
    "Message",
    "Outbox",
    "check_event_types",
    "check_url",
    "headers",
    "new_secret",
    "secret_key",
    "sign",
    "write_event",
]
