"""The emulator driven through its public and control API, as one tenant (API key) sees it.

The property tests reach state only this way: what a client can do, and what a client can read
back (:meth:`Api.snapshot` is everything a tenant can export over the API).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import httpx
from starlette.testclient import TestClient

from mock_server.testing.strategies import AccountState
from tests.support import auth_header

PAGE = {"pageSize": "5000"}


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def validator_names(response: httpx.Response) -> set[str]:
    body = response.json()
    return {error["validatorName"] for error in (body.get("validation") or {}).get("errors", [])}


class Api:
    """One tenant's view of an emulator reached through ``client`` (every answer is checked
    against our OpenAPI documents by the client's hook, see tests/support.py)."""

    def __init__(self, client: TestClient, key: str) -> None:
        self.client = client
        self.key = key
        self.headers = auth_header(key)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, headers=self.headers, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    # -- building -------------------------------------------------------------------------------

    def company(self, name: str = "Elaborate Events") -> str:
        return str(self.ok("POST", "/companies", json={"name": name})["id"])

    def connection(self, company_id: str) -> str:
        return str(self.ok("POST", f"/companies/{company_id}/connections", json={"platformKey": "hcws"})["id"])

    @staticmethod
    def accounts_path(company_id: str, connection_id: str) -> str:
        return f"/companies/{company_id}/connections/{connection_id}/connectionInfo/bankFeedAccounts"

    def account(self, company_id: str, connection_id: str, body: dict[str, Any]) -> str:
        return str(self.ok("POST", self.accounts_path(company_id, connection_id), json=body)["id"])

    def credentials(self, company_id: str, connection_id: str) -> dict[str, str]:
        return dict(self.ok("POST", self.accounts_path(company_id, connection_id) + "/credentials", json={}))

    def link(self, credentials: dict[str, str], accounts: list[tuple[str, date]]) -> httpx.Response:
        chosen = [{"sourceAccountId": a, "feedStartDate": start.isoformat()} for a, start in accounts]
        return self.call("POST", "/_mock/qbo/link", json={**credentials, "accounts": chosen})

    @staticmethod
    def push_path(company_id: str, connection_id: str, account_id: str) -> str:
        return f"/companies/{company_id}/connections/{connection_id}/push/bankAccounts/{account_id}/bankTransactions"

    def push(
        self, company_id: str, connection_id: str, account_id: str, body: Any, timeout: int | None = None
    ) -> httpx.Response:
        params = {"timeoutInMinutes": str(timeout)} if timeout is not None else None
        return self.call("POST", self.push_path(company_id, connection_id, account_id), json=body, params=params)

    # -- QBO's side and the clock ---------------------------------------------------------------

    def set_clock(self, now: datetime) -> None:
        self.ok("PUT", "/_mock/clock", json={"now": utc_text(now), "frozen": True})

    def advance(self, seconds: float) -> datetime:
        return parse_utc(self.ok("POST", "/_mock/clock/advance", json={"seconds": seconds})["now"])

    def now(self) -> datetime:
        return parse_utc(self.ok("GET", "/_mock/clock")["now"])

    def poll(self) -> int:
        return int(self.ok("POST", "/_mock/qbo/poll")["pulled"])

    def disconnect(self, company_id: str, connection_id: str, account_id: str) -> None:
        body = {"companyId": company_id, "connectionId": connection_id, "sourceAccountId": account_id}
        self.ok("POST", "/_mock/qbo/disconnect", json=body)

    def revoke(self, company_id: str, connection_id: str) -> None:
        self.ok("DELETE", self.accounts_path(company_id, connection_id) + "/credentials")

    def set_status_disconnected(self, company_id: str, connection_id: str, account_id: str) -> None:
        self.ok("PATCH", f"{self.accounts_path(company_id, connection_id)}/{account_id}", json={"id": account_id, "status": "disconnected"})

    def reset(self) -> None:
        self.ok("POST", "/_mock/reset")

    # -- reading back ---------------------------------------------------------------------------

    def companies(self) -> list[dict[str, Any]]:
        return list(self.ok("GET", "/companies", params=PAGE)["results"])

    def connections(self, company_id: str) -> list[dict[str, Any]]:
        return list(self.ok("GET", f"/companies/{company_id}/connections", params=PAGE)["results"])

    def source_accounts(self, company_id: str, connection_id: str) -> list[dict[str, Any]]:
        return list(self.ok("GET", self.accounts_path(company_id, connection_id)))

    def feed(self, company_id: str, account_id: str) -> dict[str, Any]:
        return dict(self.ok("GET", f"/_mock/qbo/companies/{company_id}/accounts/{account_id}/transactions"))

    def pushes(self, company_id: str) -> list[dict[str, Any]]:
        return list(self.ok("GET", f"/companies/{company_id}/push", params=PAGE)["results"])

    def snapshot(self) -> dict[str, Any]:
        """Everything this tenant can read back: its exported state (``GET /_mock/state``), and
        what the API answers of clock, companies, connections, accounts, QBO feeds and pushes."""
        # Connections first: listing them hands out a fresh one-time password when the old one
        # expired, which the company records then show too. Read that way, two snapshots of an
        # unchanged tenant are equal.
        for company in self.companies():
            self.connections(company["id"])
        state: dict[str, Any] = {
            "export": self.ok("GET", "/_mock/state"),
            "clock": self.ok("GET", "/_mock/clock"),
            "companies": self.companies(),
        }
        for company in state["companies"]:
            company_id = company["id"]
            state[company_id] = {"pushes": self.pushes(company_id), "connections": {}}
            for connection in self.connections(company_id):
                accounts = self.source_accounts(company_id, connection["id"])
                feeds = {a["id"]: self.feed(company_id, a["id"]) for a in accounts}
                state[company_id]["connections"][connection["id"]] = {
                    "connection": connection,
                    "accounts": accounts,
                    "feeds": feeds,
                }
        return state


# ---------------------------------------------------------------------------------------------
# An account in a given state, built the way it would come about


@dataclass(frozen=True)
class Where:
    company_id: str
    connection_id: str


def midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def realize(api: Api, state: AccountState, now: datetime, account_body: dict[str, Any]) -> Where:
    """A fresh tenant whose one source account is in ``state`` at ``now``, built over the API.

    The SMB user links it on its feed start date (so the date is kept as chosen), the ids in
    ``state.known_ids`` are written on the day of ``state.latest``, all dated ``state.latest``;
    then the clock moves to ``now`` and the feed is disconnected, revoked or marked disconnected
    as the state says. Needs a state that can come about: see ``qbo.account_states``.
    """
    api.reset()
    start = midnight_utc(state.feed_start_date) if state.feed_start_date else now
    api.set_clock(min(start, now))
    company_id = api.company()
    connection_id = api.connection(company_id)
    api.account(company_id, connection_id, {**account_body, "id": state.account_id})
    where = Where(company_id, connection_id)
    if state.status == "pending":
        api.set_clock(now)
        return where
    assert state.feed_start_date is not None, "a linked account has a feed start date"
    credentials = api.credentials(company_id, connection_id)
    linked = api.link(credentials, [(state.account_id, state.feed_start_date)])
    assert linked.status_code == 200, linked.text
    if state.latest is not None:
        api.set_clock(midnight_utc(state.latest.date()))
        history = [
            {"id": tx_id, "date": state.latest.isoformat(), "description": "Earlier", "amount": 1}
            for tx_id in sorted(state.known_ids)
        ]
        written = api.push(company_id, connection_id, state.account_id, {"accountId": state.account_id, "transactions": history})
        assert written.status_code == 200, written.text
    api.set_clock(now)
    if state.status == "disconnected":
        api.set_status_disconnected(company_id, connection_id, state.account_id)
    elif not state.writable:
        api.disconnect(company_id, connection_id, state.account_id)
    return where
