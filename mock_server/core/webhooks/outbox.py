"""One tenant's webhooks: its endpoints, the events its world raised, and each delivery's attempts.

Core code raises an event with one call, :meth:`Outbox.emit`, giving the instant it happened and
what it happened to (a company, connection, source account or push operation: copied there and
then, so the body shows them as they were) or a ready ``payload``. Nothing is recorded when no
enabled endpoint listens to that event type, so the hot paths pay one lookup.

The shell then drains :meth:`Outbox.take_events`, renders each body in the API's own shapes (the
views live with the HTTP layer, and ``linkUrl`` needs the address the emulator is reached at) and
:meth:`publish`\\ es it: one :class:`Message` per endpoint. The sender asks :meth:`due` for the
messages whose next attempt has come on the tenant's virtual clock, sends them, and hands each
outcome to :meth:`record`, which schedules the retry (:data:`RETRY_SCHEDULE`) or gives up, and
disables an endpoint that has failed for :data:`DISABLE_AFTER`. Every method takes ``now``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mock_server.core.errors import BadRequest, Conflict, NotFound
from mock_server.core.ids import IdFactory
from mock_server.core.model import Company, Connection, PushOperation, SourceAccount
from mock_server.core.webhooks.catalogue import EVENT_TYPES
from mock_server.core.webhooks.signing import new_secret, secret_key

#: Waits before each retry, counted from the failed attempt, on the tenant's virtual clock (Codat's
#: retry policy: an attempt at once, then these seven).
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
#: An endpoint whose every attempt has failed for this long is disabled (Codat's rule).
DISABLE_AFTER = timedelta(days=5)
#: Finished messages kept per tenant; the oldest go first. Messages still to be sent always stay.
MESSAGE_CAPACITY = 1000

PENDING, SENDING, SUCCEEDED, FAILED = "pending", "sending", "succeeded", "failed"

_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)


def check_url(url: object) -> str:
    """The URL if deliveries can be sent to it (http or https, with a host); BadRequest otherwise."""
    if not isinstance(url, str) or not _URL.fullmatch(url):
        raise BadRequest(f"A webhook endpoint's url must be an absolute http:// or https:// URL, got {url!r}.")
    return url


def check_event_types(event_types: object) -> tuple[str, ...]:
    """The event types an endpoint listens to: every one when None; BadRequest for an unknown one."""
    if event_types is None:
        return EVENT_TYPES
    if not isinstance(event_types, list | tuple) or not event_types:
        raise BadRequest("'eventTypes' lists at least one event type; leave it out to receive every one.")
    unknown = [name for name in event_types if name not in EVENT_TYPES]
    if unknown:
        raise BadRequest(f"Unknown event type(s): {', '.join(map(str, unknown))}. Known: {', '.join(EVENT_TYPES)}.")
    return tuple(dict.fromkeys(event_types))


@dataclass(slots=True, eq=False)
class Endpoint:
    id: str
    url: str
    secret: str
    event_types: tuple[str, ...]
    created: datetime
    disabled: bool = False
    #: Virtual instant of the first failure since the last success; None while deliveries succeed.
    failing_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, as plain data: what the body is rendered from."""

    id: str
    event_type: str
    generated: datetime
    #: The endpoints listening when it happened.
    endpoint_ids: tuple[str, ...]
    company: Company | None = None
    connection: Connection | None = None
    account: SourceAccount | None = None
    operation: PushOperation | None = None
    #: A body's ``payload`` given whole by the code that raised it (e.g. the rate-limit events).
    payload: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Attempt:
    #: Virtual instant the attempt ended.
    at: datetime
    #: The ``webhook-timestamp`` it carried: real Unix seconds.
    timestamp: int
    status_code: int | None
    error: str | None
    #: When the next attempt is due after this one; None when none follows.
    next_attempt: datetime | None
    #: Sent by a replay rather than by the schedule.
    replay: bool

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(slots=True, eq=False)
class Message:
    """One event on its way to one endpoint; ``id`` is its ``webhook-id`` on every attempt."""

    id: str
    endpoint: Endpoint
    event_type: str
    event_id: str
    body: bytes
    created: datetime
    next_attempt: datetime | None
    status: str = PENDING
    replay_due: datetime | None = None
    #: Automatic retries scheduled so far (an index into RETRY_SCHEDULE).
    retries: int = 0
    sending_replay: bool = False
    attempts: list[Attempt] = field(default_factory=list)


def _snapshot(record: Any) -> Any:
    """A copy of a record as it is now: later changes to the original do not reach the body."""
    if record is None:
        return None
    if isinstance(record, SourceAccount):
        return dataclasses.replace(record, fields=dict(record.fields))
    if isinstance(record, Company):
        return dataclasses.replace(record, tags=dict(record.tags))
    return dataclasses.replace(record)


class Outbox:
    """A tenant's endpoints and messages (see the module docstring for the flow)."""

    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self.endpoints: dict[str, Endpoint] = {}
        self.messages: dict[str, Message] = {}
        self._events: list[Event] = []
        #: Messages not finished yet, in creation order: the only ones the sender looks at.
        self._open: dict[str, Message] = {}

    # -- endpoints ------------------------------------------------------------------------------

    def add_endpoint(
        self, url: object, secret: object, event_types: object, now: datetime, *, endpoint_id: str | None = None
    ) -> Endpoint:
        """Subscribe ``url`` (to ``event_types``, default every one), signed with ``secret``
        (default: a new one). BadRequest for a URL, secret or event type the emulator cannot use."""
        checked_url = check_url(url)
        types = check_event_types(event_types)
        if secret is None:
            secret = new_secret(self._ids.rng())
        elif not isinstance(secret, str):
            raise BadRequest("'secret' must be a string: 'whsec_' followed by base64.")
        secret_key(secret)
        endpoint_id = endpoint_id or "ep_" + self._ids.hex(24)
        if endpoint_id in self.endpoints:
            raise BadRequest(f"Webhook endpoint {endpoint_id} already exists.")
        endpoint = Endpoint(endpoint_id, checked_url, secret, types, now)
        self.endpoints[endpoint.id] = endpoint
        return endpoint

    def endpoint(self, endpoint_id: str) -> Endpoint:
        endpoint = self.endpoints.get(endpoint_id)
        if endpoint is None:
            raise NotFound(f"Webhook endpoint {endpoint_id} not found")
        return endpoint

    def remove_endpoint(self, endpoint_id: str) -> None:
        """The endpoint goes, and with it its messages and any attempt still to come."""
        endpoint = self.endpoint(endpoint_id)
        del self.endpoints[endpoint_id]
        for message in [m for m in self.messages.values() if m.endpoint is endpoint]:
            del self.messages[message.id]
            self._open.pop(message.id, None)

    def subscribed(self, event_type: str) -> bool:
        return any(not e.disabled and event_type in e.event_types for e in self.endpoints.values())

    # -- events ---------------------------------------------------------------------------------

    def emit(
        self,
        event_type: str,
        now: datetime,
        *,
        company: Company | None = None,
        connection: Connection | None = None,
        account: SourceAccount | None = None,
        operation: PushOperation | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> Event | None:
        """Record that ``event_type`` happened at ``now``; None (and nothing kept) when no endpoint listens."""
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r}: add it to the catalogue first")
        if not self.endpoints:
            return None
        listening = tuple(
            e.id for e in self.endpoints.values() if not e.disabled and event_type in e.event_types
        )
        if not listening:
            return None
        event = Event(
            self._ids.uuid(),
            event_type,
            now,
            listening,
            _snapshot(company),
            _snapshot(connection),
            _snapshot(account),
            _snapshot(operation),
            dict(payload) if payload is not None else None,
        )
        self._events.append(event)
        return event

    def take_events(self) -> list[Event]:
        """The events raised since the last call, oldest first, for the shell to render."""
        events, self._events = self._events, []
        return events

    def adopt(self, other: Outbox, *, endpoints: bool = True) -> None:
        """Take ``other``'s endpoints (a replaced tenant keeps its subscriptions) and, with
        ``endpoints=False``, only its id stream. Messages stay behind."""
        self._ids = other._ids
        if endpoints:
            self.endpoints = dict(other.endpoints)
            self.messages, self._open, self._events = {}, {}, []

    def publish(self, event: Event, body: bytes) -> list[Message]:
        """One message per endpoint that listened to ``event`` and is still enabled, due at once."""
        created = []
        for endpoint_id in event.endpoint_ids:
            endpoint = self.endpoints.get(endpoint_id)
            if endpoint is None or endpoint.disabled:
                continue
            message = Message(
                "msg_" + self._ids.hex(24), endpoint, event.event_type, event.id, body, event.generated, event.generated
            )
            self.messages[message.id] = message
            self._open[message.id] = message
            created.append(message)
        self._prune()
        return created

    # -- delivery -------------------------------------------------------------------------------

    def due(self, now: datetime) -> list[Message]:
        """Messages whose next attempt has come, marked as being sent: each is handed out once
        until :meth:`record` hears how its attempt went."""
        ready = []
        for message in self._open.values():
            if message.status == SENDING:
                continue
            if message.replay_due is not None and message.replay_due <= now:
                message.replay_due, message.sending_replay = None, True
            elif message.next_attempt is not None and message.next_attempt <= now:
                message.sending_replay = False
            else:
                continue
            message.status = SENDING
            ready.append(message)
        return ready

    def record(
        self, message: Message, now: datetime, timestamp: int, status_code: int | None, error: str | None
    ) -> Attempt:
        """How one attempt went: a 2xx delivers; anything else schedules the next retry, or ends
        the message once the schedule is spent; an endpoint failing for DISABLE_AFTER is disabled."""
        endpoint = message.endpoint
        ok = status_code is not None and 200 <= status_code < 300
        if ok:
            message.status, message.next_attempt = SUCCEEDED, None
            endpoint.failing_since = None
        else:
            if endpoint.failing_since is None:
                endpoint.failing_since = now
            if not message.sending_replay:
                if message.retries < len(RETRY_SCHEDULE):
                    message.next_attempt = now + RETRY_SCHEDULE[message.retries]
                    message.retries += 1
                else:
                    message.next_attempt = None
            if now - endpoint.failing_since >= DISABLE_AFTER:
                self._disable(endpoint)
            if endpoint.disabled:
                message.next_attempt = message.replay_due = None
            message.status = PENDING if message.next_attempt is not None or message.replay_due else FAILED
        attempt = Attempt(now, timestamp, status_code, error, message.next_attempt, message.sending_replay)
        message.attempts.append(attempt)
        message.sending_replay = False
        if message.status in (SUCCEEDED, FAILED):
            self._open.pop(message.id, None)
        return attempt

    def replay(self, message_id: str, now: datetime) -> Message:
        """Send the message once more, now; a replay that fails is not retried (the schedule of a
        message still being retried goes on)."""
        message = self.message(message_id)
        if message.endpoint.disabled:
            raise Conflict(f"Webhook endpoint {message.endpoint.id} is disabled: its messages are not sent.")
        if message.status == SENDING:
            raise Conflict(f"Message {message_id} is being sent right now; replay it once this attempt ends.")
        message.replay_due = now
        message.status = PENDING
        self._open[message.id] = message
        return message

    def message(self, message_id: str) -> Message:
        message = self.messages.get(message_id)
        if message is None:
            raise NotFound(f"Webhook message {message_id} not found")
        return message

    def list_messages(self, event_type: str | None = None, endpoint_id: str | None = None) -> Sequence[Message]:
        return [
            m
            for m in self.messages.values()
            if (event_type is None or m.event_type == event_type) and (endpoint_id is None or m.endpoint.id == endpoint_id)
        ]

    def _disable(self, endpoint: Endpoint) -> None:
        endpoint.disabled = True
        for message in list(self._open.values()):
            if message.endpoint is endpoint and message.status != SENDING:
                message.next_attempt = message.replay_due = None
                message.status = FAILED
                del self._open[message.id]

    def _prune(self) -> None:
        excess = len(self.messages) - MESSAGE_CAPACITY
        if excess <= 0:
            return
        finished: Iterable[Message] = [m for m in self.messages.values() if m.id not in self._open]
        for message in list(finished)[:excess]:
            del self.messages[message.id]
