"""GET of one company answers what the company is now, after any change to it or its connections.

A plain GET is answered from the encoded answer kept since the tenant last changed; a GET with a
query string goes through the router and builds the view afresh. After each change the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from tests.support import World


def _both(client: TestClient, company: str, host: str = "testserver") -> tuple[Any, Any]:
    direct = client.get(f"/companies/{company}", headers={"Host": host})
    routed = client.get(f"/companies/{company}?fresh=1", headers={"Host": host})
    assert direct.status_code == routed.status_code == 200, (direct.text, routed.text)
    return direct.json(), routed.json()


def test_a_plain_get_follows_every_change_to_the_company_and_its_connections(world: World, client: TestClient) -> None:
    company = world.company("Before")
    seen: list[Any] = []

    def check(change: Callable[[], object]) -> None:
        change()
        direct, routed = _both(client, company)
        assert direct == routed
        seen.append(direct)

    connection = ""

    def connect() -> None:
        nonlocal connection
        connection = world.connection(company)

    def link() -> None:
        world.account(company, connection)
        world.link(company, connection, "acc-1")

    check(lambda: None)
    check(lambda: client.patch(f"/companies/{company}", json={"name": "Renamed", "tags": {"region": "uk"}}))
    check(lambda: client.put(f"/companies/{company}", json={"name": "Replaced", "description": "all of it"}))
    check(connect)
    check(lambda: client.post(f"/companies/{company}/connections/{connection}/bankFeeds/otp"))
    check(link)
    check(lambda: client.post("/_mock/qbo/poll", json={}))  # lastSync of the company and its connection
    check(lambda: client.patch(f"/companies/{company}/connections/{connection}", json={"status": "Unlinked"}))
    check(lambda: client.delete(f"/companies/{company}/connections/{connection}"))

    names = [body["name"] for body in seen]
    assert names[:3] == ["Before", "Renamed", "Replaced"]
    statuses = [[c["status"] for c in body["dataConnections"]] for body in seen]
    assert statuses[3:] == [["PendingAuth"], ["PendingAuth"], ["Linked"], ["Linked"], ["Unlinked"], []]
    assert "lastSync" not in seen[5] and "lastSync" in seen[6]
    otp_links = [body["dataConnections"][0]["linkUrl"] for body in seen[3:5]]
    assert otp_links[0] != otp_links[1]  # a new one-time password, a new link


def test_a_plain_get_links_to_the_host_it_was_asked_at(world: World, client: TestClient) -> None:
    company = world.company()

    first, _ = _both(client, company, host="one.example")
    second, routed = _both(client, company, host="two.example")

    assert first["redirect"].startswith("http://one.example/")
    assert second == routed and second["redirect"].startswith("http://two.example/")


def test_a_plain_get_of_a_deleted_or_reset_company_answers_404(world: World, client: TestClient) -> None:
    deleted, reset = world.company("Gone"), world.company("Reset")
    _both(client, deleted), _both(client, reset)

    client.delete(f"/companies/{deleted}")
    assert client.get(f"/companies/{deleted}").status_code == 404
    assert client.post("/_mock/reset").status_code in (200, 204)
    assert client.get(f"/companies/{reset}").status_code == 404


def test_a_plain_get_follows_a_status_that_turns_with_time(world: World, client: TestClient) -> None:
    company, connection, account = world.linked_account()
    before, _ = _both(client, company)
    disconnect = {"companyId": company, "connectionId": connection, "sourceAccountId": account}
    assert client.post("/_mock/qbo/disconnect", json=disconnect).status_code == 200

    # Codat's status turns once the disconnect lag (10 days by default) has passed.
    assert client.post("/_mock/clock/advance", json={"seconds": 11 * 86400}).status_code == 200
    after, routed = _both(client, company)

    assert before["dataConnections"][0]["status"] == "Linked"
    assert after == routed and after["dataConnections"][0]["status"] == "Unlinked"
