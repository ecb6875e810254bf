"""Every answer, in every state the lifecycle reaches, is one Codat's generated SDKs can read.

The client's response hook checks each answer against our document and against Codat's, read as
its SDKs read it (tests/support.py). This walk takes a v1 account (the tutorial's body) and a v2
account through pending, linked, pushed, timed out, failed, disconnected, revoked and unlinked, and
reads everything there is to read in each state, so no state's answer escapes the check.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, World, checker, make_client, strict_checker, txn

V1 = {"id": "v1-acc", "accountName": "Tutorial account", "accountType": "Debit", "accountNumber": "12345670", "currency": "USD", "balance": 10.0}
V2 = {
    "id": "v2-acc",
    "accountName": "Checking 0202",
    "accountType": "checking",
    "accountNumber": "02020202",
    "currency": "USD",
    "balance": 99.5,
    "routingInfo": {"bankCode": "021001088", "type": "rtn"},
    "accountInfo": {"nickname": "Main", "accountOpenDate": None},
}
DISCONNECT_LAG_DAYS = 10


@pytest.fixture
def slow_client() -> Iterator[TestClient]:
    """Pushes stay Pending for ten virtual minutes, so each state can be read before the next."""
    with make_client(Settings(clock=NOW, background_ticks=False, seed=7, push_delay=600)) as client:
        yield client


class Walk:
    """One company with a v1 and a v2 connection; reads everything, recording which operations answered."""

    def __init__(self, client: TestClient) -> None:
        self.client, self.world = client, World(client)
        self.called: set[str] = set()
        self.keys: list[str] = []
        client.event_hooks["response"] = [*client.event_hooks["response"], self._record]
        self.company = self.world.company()
        self.connections = {1: self.world.connection(self.company), 2: self.world.connection(self.company)}
        for version, body in ((1, V1), (2, V2)):
            created = client.post(self.accounts(version), json=body)
            assert created.status_code == 200, created.text

    def _record(self, response: httpx.Response) -> None:
        operation = checker().operation(response.request.method, response.request.url.path)
        if operation is not None:
            self.called.add(operation.operation_id)

    def base(self, version: int) -> str:
        return f"/companies/{self.company}/connections/{self.connections[version]}"

    def accounts(self, version: int) -> str:
        return self.base(version) + "/connectionInfo/bankFeedAccounts"

    @staticmethod
    def account(version: int) -> str:
        return str((V1 if version == 1 else V2)["id"])

    def advance(self, seconds: float) -> None:
        assert self.client.post("/_mock/clock/advance", json={"seconds": seconds}).status_code == 200

    def push(self, version: int, transaction_id: str, **params: int) -> httpx.Response:
        path = self.world.push_path(self.company, self.connections[version], self.account(version))
        body = {"accountId": self.account(version), "transactions": [txn(transaction_id, "2026-03-17")]}
        response = self.client.post(path, params=params, json=body)
        if response.status_code == 200:
            self.keys.append(response.json()["pushOperationKey"])
        return response

    def status(self, key: str) -> str:
        return str(self.client.get(f"/companies/{self.company}/push/{key}").json()["status"])

    def read_everything(self) -> None:
        c, company = self.client, self.company
        for path in ("/companies", f"/companies/{company}", f"/companies/{company}/connections", f"/companies/{company}/push"):
            assert c.get(path).status_code == 200, path
        assert c.get(f"/companies/{company}/push", params={"page": 1, "pageSize": 1}).status_code == 200
        for key in self.keys:
            assert c.get(f"/companies/{company}/push/{key}").status_code == 200
        for version in (1, 2):
            base, account = self.base(version), self.account(version)
            for path in (
                base,
                self.accounts(version),
                base + "/bankFeedAccounts/mapping",
                base + "/data/bankAccounts",
                base + "/options/bankAccounts",
                base + "/bankFeeds/info",
                base + f"/options/bankAccounts/{account}/bankTransactions",
            ):
                assert c.get(path).status_code in (200, 404), path
            assert c.get(base + f"/bankFeedAccounts/{account}/managedBankFeeds/syncs/latest").status_code in (200, 204, 404)
            renamed = c.patch(f"{self.accounts(version)}/{account}", json={"id": account, "accountName": f"Account {version}"})
            assert renamed.status_code == 200, renamed.text


def test_every_answer_in_every_lifecycle_state_is_readable_by_codats_sdks(slow_client: TestClient) -> None:
    walk = Walk(slow_client)
    c = slow_client

    # pending: nothing linked yet; a push is refused, a bank account is still being opened
    walk.read_everything()
    assert walk.push(1, "refused").status_code == 400
    opening = c.post(walk.base(1) + "/push/bankAccounts", json={"accountName": "Ops", "accountNumber": "9", "currency": "USD"})
    assert opening.json()["status"] == "Pending" and "completedOnUtc" not in opening.json()
    walk.keys.append(opening.json()["pushOperationKey"])
    walk.read_everything()

    # linked, with pushes Pending
    for version in (1, 2):
        walk.world.link(walk.company, walk.connections[version], walk.account(version))
    assert walk.push(1, "t1").json()["status"] == "Pending"
    assert walk.push(2, "t1").json()["status"] == "Pending"
    walk.read_everything()

    # pushed
    walk.advance(600)
    assert {walk.status(key) for key in walk.keys} == {"Success"}
    walk.read_everything()

    # timed out
    timed_out = walk.push(1, "t2", timeoutInMinutes=1).json()["pushOperationKey"]
    walk.advance(60)
    assert walk.status(timed_out) == "TimedOut"
    walk.read_everything()

    # failed: the feed is disconnected in QBO while a push is pending
    failing = walk.push(2, "t3").json()["pushOperationKey"]
    body = {"companyId": walk.company, "connectionId": walk.connections[2], "sourceAccountId": walk.account(2)}
    assert c.post("/_mock/qbo/disconnect", json=body).status_code == 200
    assert walk.status(failing) == "Failed"
    walk.read_everything()

    # disconnected, once QBO's lag has passed
    walk.advance(DISCONNECT_LAG_DAYS * 86400)
    assert c.get(walk.accounts(2)).json()[0]["status"] == "disconnected"
    walk.read_everything()

    # revoked: the v1 feed's credentials are deleted
    assert c.delete(walk.accounts(1) + "/credentials").status_code == 204
    assert walk.push(1, "t4").status_code == 400
    walk.read_everything()

    # unlinked
    assert c.patch(walk.base(1), json={"status": "Unlinked"}).json()["status"] == "Unlinked"
    walk.read_everything()

    assert {
        "get-company", "list-companies", "get-connection", "list-connections", "list-source-accounts",
        "update-source-account", "get-bank-account-mapping", "list-bank-accounts", "get-create-bankAccounts-model",
        "get-company-information", "get-create-bank-transactions-model", "get-latest-managed-bank-feed-sync",
        "create-bank-transactions", "create-bank-account", "get-create-operation", "list-create-operations",
        "unlink-connection", "delete-bank-feed-credentials",
    } <= walk.called  # fmt: skip


def test_the_walk_is_checked_against_codats_document_when_it_is_beside_the_repository() -> None:
    from tests.support import CODAT_DOCUMENT

    if not CODAT_DOCUMENT.is_file():
        pytest.skip(f"Codat's document is not beside the repository ({CODAT_DOCUMENT}): only our own document is checked")
    assert strict_checker() is not None
