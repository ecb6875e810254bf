"""One tenant of a running emulator, driven over HTTP: what the ``bankfeeds_mock`` fixture hands a test.

    tenant = MockTenant("http://127.0.0.1:8080", "my-key")
    tenant.link(company_id, connection_id, "acc-1")        # the SMB user links the account in QBO
    tenant.clock.advance(2)                                  # the push operation completes
    tenant.poll()                                            # QBO pulls what is waiting
    tenant.feed(company_id, "acc-1")["transactions"]

Every helper calls the documented control API (``/_mock/...``, contracts/control.openapi.yaml) with
the tenant's own key, so it works the same against an emulator in-process or in another container.
A call the emulator refuses raises :class:`ControlError` carrying Codat's error body.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from mock_server.core.clock import format_utc, to_utc

if TYPE_CHECKING:
    from mock_server.devkit.receiver import Inbox

#: Days of history QBO lets the SMB user ask for; the default feed start date goes that far back.
HISTORY_DAYS = 7


class ControlError(Exception):
    """A call to the emulator answered an error; ``status_code`` and ``body`` are what it sent."""

    def __init__(self, method: str, path: str, status_code: int, body: Any) -> None:
        message = body.get("error") if isinstance(body, dict) else body
        super().__init__(f"{method} {path} answered {status_code}: {message}")
        self.status_code = status_code
        self.body = body


def basic_auth(api_key: str) -> str:
    """The ``Authorization`` value Codat expects: ``Basic`` and the base64 of the API key."""
    return "Basic " + base64.b64encode(api_key.encode("utf-8")).decode("ascii")


def _instant(text: str) -> datetime:
    return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


class MockClock:
    """The tenant's virtual clock (``/_mock/clock``): every time rule of the emulator reads it."""

    def __init__(self, tenant: MockTenant) -> None:
        self._tenant = tenant

    def now(self) -> datetime:
        """The tenant's virtual now, UTC."""
        return _instant(self._tenant.call("GET", "/_mock/clock")["now"])

    def set(self, now: datetime | str | None = None, *, frozen: bool | None = None) -> datetime:
        """Jump to ``now`` and/or freeze (``frozen=True``) or release it; returns the new now.

        Once the tenant has data its clock only moves forward (the emulator answers 400).
        """
        body: dict[str, Any] = {}
        if now is not None:
            body["now"] = format_utc(now) if isinstance(now, datetime) else now
        if frozen is not None:
            body["frozen"] = frozen
        return _instant(self._tenant.call("PUT", "/_mock/clock", json=body)["now"])

    def advance(self, seconds: float | timedelta) -> datetime:
        """Move forward, running the polls and push completions that fall due; returns the new now."""
        amount = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
        return _instant(self._tenant.call("POST", "/_mock/clock/advance", json={"seconds": amount})["now"])


class MockFaults:
    """Fault injection for this tenant (``/_mock/faults``): make chosen public calls fail or slow down."""

    def __init__(self, tenant: MockTenant) -> None:
        self._tenant = tenant

    def add(
        self,
        *,
        status: int | None = None,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        retry_after: float | None = None,
        latency_ms: float | None = None,
        times: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """Add a rule and return it as the emulator holds it (with its ``id``).

        Calls matching ``operation_id`` (or ``path``, a concrete path or a template such as
        ``/companies/{companyId}``, with an optional ``method``) answer ``status`` (408, 429, 500 or
        503; ``retry_after`` seconds in the Retry-After header) and/or wait ``latency_ms`` first; on
        every matching call, the next ``times`` of them, or with a ``probability`` drawn from ``seed``.
        Rules apply in the order added; the emulator answers 400 to a rule it cannot use.
        """
        rule = {
            "status": status,
            "operationId": operation_id,
            "method": method,
            "path": path,
            "retryAfter": retry_after,
            "latencyMs": latency_ms,
            "times": times,
            "probability": probability,
            "seed": seed,
        }
        answer = self._tenant.call("POST", "/_mock/faults", json={k: v for k, v in rule.items() if v is not None})
        added: dict[str, Any] = answer["rules"][-1]
        return added

    def rules(self) -> list[dict[str, Any]]:
        """The rules in force, each with how often it has fired (``fired``) and may still fire (``remaining``)."""
        return list(self._tenant.call("GET", "/_mock/faults")["rules"])

    def clear(self) -> None:
        """Remove every rule: calls answer normally again."""
        self._tenant.call("DELETE", "/_mock/faults")


class MockWebhooks:
    """The tenant's webhooks (``/_mock/webhooks``): endpoints, messages and replays; and, once
    :meth:`receive` attached an inbox (the ``bankfeeds_mock`` fixture and ``BankFeedsMock.tenant()``
    do), what arrived there, verified with Svix's library."""

    def __init__(self, tenant: MockTenant) -> None:
        self._tenant = tenant
        self.inbox: Inbox | None = None

    def subscribe(
        self, url: str, *, secret: str | None = None, event_types: list[str] | None = None
    ) -> dict[str, Any]:
        """Send the tenant's events (every type, or ``event_types``) to ``url``; returns the endpoint
        with its ``secret`` (a new one unless given)."""
        body: dict[str, Any] = {"url": url}
        if secret is not None:
            body["secret"] = secret
        if event_types is not None:
            body["eventTypes"] = event_types
        endpoint: dict[str, Any] = self._tenant.call("POST", "/_mock/webhooks/endpoints", json=body)
        return endpoint

    def endpoints(self) -> list[dict[str, Any]]:
        return list(self._tenant.call("GET", "/_mock/webhooks/endpoints")["endpoints"])

    def unsubscribe(self, endpoint_id: str) -> None:
        self._tenant.call("DELETE", f"/_mock/webhooks/endpoints/{endpoint_id}")

    def messages(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Every message, oldest first, with its body and attempts (``GET /_mock/webhooks/messages``)."""
        params = {"eventType": event_type} if event_type is not None else None
        return list(self._tenant.call("GET", "/_mock/webhooks/messages", params=params)["messages"])

    def replay(self, message_id: str) -> dict[str, Any]:
        """Send a message once more, now."""
        message: dict[str, Any] = self._tenant.call("POST", f"/_mock/webhooks/messages/{message_id}/replay")
        return message

    def receive(self, inbox: Inbox) -> dict[str, Any]:
        """Subscribe ``inbox`` (a :class:`~mock_server.devkit.receiver.WebhookReceiver`'s) to every
        event, and make it the one :meth:`wait_for` reads."""
        endpoint = self.subscribe(inbox.url, secret=inbox.secret)
        self.inbox = inbox
        return endpoint

    def wait_for(
        self, event_type: str, timeout: float = 10.0, *, where: Any = None
    ) -> dict[str, Any]:
        """The body of the next ``event_type`` delivery the inbox received (see
        :meth:`Inbox.wait_for <mock_server.devkit.receiver.Inbox.wait_for>`), waiting up to ``timeout`` s."""
        if self.inbox is None:
            raise RuntimeError("No webhook receiver is attached to this tenant: call receive(inbox) first.")
        return self.inbox.wait_for(event_type, timeout, where=where)

    def received(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Bodies the inbox received so far (of one type), in arrival order."""
        return self.inbox.events(event_type) if self.inbox is not None else []


class MockTenant:
    """A tenant (one API key) of the emulator at ``url``, with helpers for the control API.

    ``client`` is an :class:`httpx.Client` on ``url`` that sends the tenant's ``Authorization``
    header: use it for raw calls to the public API. Close the tenant (or use it as a context
    manager) to close the client it made.
    """

    def __init__(self, url: str, api_key: str, *, client: httpx.Client | None = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.auth_header = basic_auth(api_key)
        self._owns_client = client is None
        self.client = client or httpx.Client(base_url=self.url, timeout=timeout)
        self.client.headers["Authorization"] = self.auth_header
        self.clock = MockClock(self)
        self.faults = MockFaults(self)
        self.webhooks = MockWebhooks(self)

    # -- plumbing ---------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One call with the tenant's key; the parsed JSON answer (None when empty) or :class:`ControlError`."""
        response = self.client.request(method, self.url + path, json=json, params=params, content=content, headers=headers)
        body: Any = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = response.text
        if response.is_error:
            raise ControlError(method, path, response.status_code, body)
        return body

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> MockTenant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the SMB user and QBO ---------------------------------------------------------------------

    def link(
        self, company_id: str, connection_id: str, *account_ids: str, feed_start_date: date | str | None = None
    ) -> dict[str, Any]:
        """Play the SMB user linking source accounts in QBO: generate a set of bank-feed credentials,
        then enter them in QBO choosing ``account_ids`` and a feed start date (default: seven days
        before the tenant's today, the most history QBO takes). Returns the link answer.
        """
        if not account_ids:
            raise ValueError("link() needs at least one source account id")
        if feed_start_date is None:
            feed_start_date = self.clock.now().date() - timedelta(days=HISTORY_DAYS)
        start = feed_start_date.isoformat() if isinstance(feed_start_date, date) else feed_start_date
        accounts = f"/companies/{company_id}/connections/{connection_id}/connectionInfo/bankFeedAccounts"
        credentials = self.call("POST", accounts + "/credentials", json={})
        body = {
            "username": credentials["username"],
            "password": credentials["password"],
            "accounts": [{"sourceAccountId": account, "feedStartDate": start} for account in account_ids],
        }
        linked: dict[str, Any] = self.call("POST", "/_mock/qbo/link", json=body)
        return linked

    def poll(self, company_id: str | None = None) -> int:
        """QBO pulls every waiting transaction now (of one company, or all); returns how many."""
        body = {"companyId": company_id} if company_id is not None else {}
        return int(self.call("POST", "/_mock/qbo/poll", json=body)["pulled"])

    def feed(self, company_id: str, account_id: str) -> dict[str, Any]:
        """What QBO holds for a source account: its transactions (as polled), balance and pending count."""
        feed: dict[str, Any] = self.call("GET", f"/_mock/qbo/companies/{company_id}/accounts/{account_id}/transactions")
        return feed

    # -- the emulator -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything of this tenant (companies, pushes, feeds, webhook endpoints and
        messages, idempotency keys); its clock starts over and its daily quota is whole again. An
        inbox attached with ``webhooks.receive`` is subscribed again."""
        self.call("POST", "/_mock/reset")
        if self.webhooks.inbox is not None:
            self.webhooks.receive(self.webhooks.inbox)

    def rate_limit(self) -> dict[str, Any]:
        """The tenant's daily quota (``GET /_mock/rate-limit``): ``dailyQuota``, ``used``,
        ``quotaRemaining``, ``nextReset`` and the public calls ``inFlight``. Reading it counts nothing."""
        quota: dict[str, Any] = self.call("GET", "/_mock/rate-limit")
        return quota

    def state(self) -> dict[str, Any]:
        """The tenant's whole state as a scenario (``GET /_mock/state``): save it, replay it with :meth:`load_state`."""
        state: dict[str, Any] = self.call("GET", "/_mock/state")
        return state

    def load_state(self, scenario: Path | Mapping[str, Any]) -> None:
        """Replace the tenant's state with a scenario: a YAML or JSON file, or what :meth:`state` returned.

        A scenario the emulator cannot load raises :class:`ControlError` naming each problem and its line.
        """
        if isinstance(scenario, Path):
            kind = "application/json" if scenario.suffix == ".json" else "application/yaml"
            self.call("PUT", "/_mock/state", content=scenario.read_bytes(), headers={"Content-Type": kind})
        else:
            self.call("PUT", "/_mock/state", json=dict(scenario))

    def requests(
        self,
        *,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
    ) -> list[dict[str, Any]]:
        """The tenant's request journal (``GET /_mock/requests``), newest first, optionally filtered."""
        filters = {"operationId": operation_id, "method": method, "path": path, "status": status}
        answer = self.call("GET", "/_mock/requests", params={k: v for k, v in filters.items() if v is not None})
        return list(answer["requests"])

    def clear_requests(self) -> None:
        """Empty the tenant's request journal, e.g. once a test's setup is done."""
        self.call("DELETE", "/_mock/requests")
