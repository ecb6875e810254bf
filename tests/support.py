"""What the tests share: an app of their own, a client that checks every answer against the document,
and a World that builds the usual starting points through the API."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jsonschema_rs
import yaml
from starlette.testclient import TestClient

from contracts.clients import as_generated_clients_read
from contracts.responses import Mismatch, ResponseChecker
from mock_server import Settings, create_app
from mock_server.http.schemas import load

if TYPE_CHECKING:
    from mock_server.devkit.server import BankFeedsMock
    from mock_server.testing.client import MockTenant

# A fixed Wednesday morning; tests that need another instant set their own clock.
NOW = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
API_KEY = "test-key"
# Codat's own document sits beside the repository (never copied into it); a worktree sits at the same depth.
CODAT_DOCUMENT = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "Codat-Bank-Feeds.yaml"


def auth_header(key: str = API_KEY) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}


_checkers: dict[str, ResponseChecker] = {}


def checker() -> ResponseChecker:
    """One checker over both documents, compiled once for the whole run."""
    if not _checkers:
        public, control = load("bankfeeds.openapi.yaml"), load("control.openapi.yaml")
        merged = {"paths": {**public["paths"], **control["paths"]}, "components": public.get("components", {})}
        for name, schema in control.get("components", {}).get("schemas", {}).items():
            merged["components"].setdefault("schemas", {}).setdefault(name, schema)
        _checkers["both"] = ResponseChecker(merged)
    return _checkers["both"]


@cache
def codat_as_clients_read() -> dict[str, Any] | None:
    """Codat's document as its generated SDKs read it (see contracts.clients); None when it is not beside the repo."""
    if not CODAT_DOCUMENT.is_file():
        return None
    return as_generated_clients_read(yaml.safe_load(CODAT_DOCUMENT.read_text(encoding="utf-8")))


@cache
def strict_checker() -> ResponseChecker | None:
    spec = codat_as_clients_read()
    return None if spec is None else ResponseChecker(spec, formats=True, undocumented_errors="#/components/schemas/ErrorMessage")


def strict_webhook_mismatches(event_type: str, body: Any) -> list[str]:
    """How a webhook body breaks Codat's schema for its event type, read as the SDKs read it.

    [] without Codat's document, or for an event type it does not document.
    """
    spec = codat_as_clients_read()
    webhook = (spec or {}).get("webhooks", {}).get(event_type)
    if spec is None or webhook is None:
        return []
    schema = webhook["post"]["requestBody"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.Draft202012Validator({"components": spec["components"], "allOf": [schema]}, validate_formats=True)
    return [f"{'/'.join(map(str, e.instance_path)) or 'body'}: {e.message}" for e in validator.iter_errors(body)]


def strict_mismatches(method: str, path: str, status: int, body: Any) -> list[Mismatch]:
    """How an answer of the public API would fail in a generated Codat SDK; [] without Codat's document."""
    strict = strict_checker()
    return [] if strict is None else strict.check(method, path, status, body)


def _check_response(response: httpx.Response) -> None:
    """Every answer the suite sees must be documented (status and body), and readable by Codat's SDKs."""
    response.read()
    body: Any = None
    content_type = response.headers.get("content-type", "")
    if response.content:
        body = response.json() if content_type.startswith("application/json") else response.text
    if response.request.url.path.endswith(".yaml"):
        return
    method, path, status = response.request.method, response.request.url.path, response.status_code
    mismatches = checker().check(method, path, status, body, content_type)
    assert not mismatches, "Response departs from the OpenAPI document:\n" + "\n".join(map(str, mismatches))
    if content_type.startswith("application/json"):
        strict = strict_mismatches(method, path, status, body)
        assert not strict, "Response would fail in Codat's generated SDKs:\n" + "\n".join(map(str, strict))


@contextmanager
def checked_tenant(mock: BankFeedsMock) -> Iterator[MockTenant]:
    """A fresh tenant of a running ``mock`` whose every answer is checked as the API tests' are."""
    with mock.tenant() as handle:
        handle.client.event_hooks["response"] = [_check_response]
        yield handle


async def _check_async_response(response: httpx.Response) -> None:
    await response.aread()
    _check_response(response)


def make_async_client(app: Any, key: str = API_KEY) -> httpx.AsyncClient:
    """An async client on ``app`` over ASGI (no lifespan), checking every answer like :func:`make_client`,
    for tests that need requests in flight at the same time."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers=auth_header(key),
        event_hooks={"response": [_check_async_response]},
        timeout=30.0,
    )


def make_client(settings: Settings | None = None, key: str = API_KEY, *, app: Any = None) -> TestClient:
    """A client of a new app made from ``settings``, or of ``app`` (several tenants on one emulator)."""
    if app is None:
        app = create_app(settings or Settings(clock=NOW, background_ticks=False, seed=7))
    client = TestClient(app, headers=auth_header(key), raise_server_exceptions=False)
    client.event_hooks["response"] = [_check_response]
    return client


class World:
    """Builds the usual starting points through the public and control API, as a user would."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def company(self, name: str = "Elaborate Events, Inc") -> str:
        response = self.client.post("/companies", json={"name": name})
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def connection(self, company_id: str) -> str:
        response = self.client.post(f"/companies/{company_id}/connections", json={"platformKey": "hcws"})
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def account(self, company_id: str, connection_id: str, account_id: str = "acc-1", balance: float = 100.0) -> str:
        body = {
            "id": account_id,
            "accountName": "Checking 0202",
            "accountType": "checking",
            "accountNumber": "12345670",
            "currency": "USD",
            "balance": balance,
        }
        response = self.client.post(f"{self.accounts_path(company_id, connection_id)}", json=body)
        assert response.status_code == 200, response.text
        return account_id

    @staticmethod
    def accounts_path(company_id: str, connection_id: str) -> str:
        return f"/companies/{company_id}/connections/{connection_id}/connectionInfo/bankFeedAccounts"

    def credentials(self, company_id: str, connection_id: str) -> dict[str, str]:
        response = self.client.post(f"{self.accounts_path(company_id, connection_id)}/credentials", json={})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def link(self, company_id: str, connection_id: str, *accounts: str, feed_start: str = "2026-03-11") -> None:
        credentials = self.credentials(company_id, connection_id)
        response = self.client.post(
            "/_mock/qbo/link",
            json={**credentials, "accounts": [{"sourceAccountId": a, "feedStartDate": feed_start} for a in accounts]},
        )
        assert response.status_code == 200, response.text

    def linked_account(self, account_id: str = "acc-1") -> tuple[str, str, str]:
        company_id = self.company()
        connection_id = self.connection(company_id)
        self.account(company_id, connection_id, account_id)
        self.link(company_id, connection_id, account_id)
        return company_id, connection_id, account_id

    @staticmethod
    def push_path(company_id: str, connection_id: str, account_id: str) -> str:
        return f"/companies/{company_id}/connections/{connection_id}/push/bankAccounts/{account_id}/bankTransactions"

    def push(self, company_id: str, connection_id: str, account_id: str, transactions: list[dict[str, Any]]) -> httpx.Response:
        return self.client.post(
            self.push_path(company_id, connection_id, account_id),
            json={"accountId": account_id, "transactions": transactions},
        )


def txn(id: str, date: str, amount: float = 10.0, balance: float | None = None, **extra: Any) -> dict[str, Any]:
    """A QBO-valid transaction unless the test says otherwise."""
    body: dict[str, Any] = {"id": id, "date": date, "description": f"Payment {id}", "amount": amount}
    if balance is not None:
        body["balance"] = balance
    body.update(extra)
    return body
