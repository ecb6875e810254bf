"""QuickBooks simulated: Link account with one-time credentials, Bank transactions, Update, Disconnect."""

from __future__ import annotations

import httpx
from starlette.testclient import TestClient

from tests.support import World, txn
from tests.ui.support import Browser, path_of, visible_text


def _connect(browser: Browser, username: str, password: str, **fields: str | list[str]) -> httpx.Response:
    data: dict[str, str | list[str]] = {
        "csrf": browser.csrf(),
        "step": "connect",
        "username": username,
        "password": password,
        "account": ["acc-1"],
        "type-acc-1": "Bank",
        "start-acc-1": "2026-03-17",
    }
    data.update(fields)
    return browser.post("/ui/qbo/link", data)


def _company_of(link_url: str) -> str:
    return path_of(link_url).split("/")[2]


def test_signing_in_with_the_credentials_lists_the_connections_accounts(browser: Browser, link_url: str) -> None:
    username, password = browser.get_credentials(link_url)
    browser.sign_in()

    page = browser.post(
        "/ui/qbo/link", {"csrf": browser.csrf(), "step": "credentials", "username": username, "password": password}
    )

    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Checking 0202" in text and "QuickBooks account type" in text and "Feed start date" in text
    assert 'name="start-acc-1"' in page.text and 'value="2026-03-11"' in page.text


def test_wrong_credentials_are_refused_on_the_page(client: TestClient, browser: Browser, link_url: str) -> None:
    username, _ = browser.get_credentials(link_url)
    browser.sign_in()

    page = browser.post("/ui/qbo/link", {"csrf": browser.csrf(), "step": "credentials", "username": username, "password": "nope"})
    direct = _connect(browser, username, "nope")

    assert page.status_code == 401 and direct.status_code == 401
    assert "QuickBooks refused the credentials" in visible_text(page.text)
    accounts = client.get(World.accounts_path(_company_of(link_url), path_of(link_url).split("/")[3].split("?")[0])).json()
    assert accounts[0]["status"] == "pending"


def test_connect_links_the_account_and_shows_an_old_start_date_clamped(client: TestClient, browser: Browser, link_url: str) -> None:
    username, password = browser.get_credentials(link_url)
    browser.sign_in()

    done = _connect(browser, username, password, **{"start-acc-1": "2026-01-02", "type-acc-1": "Credit Card"})

    assert done.status_code == 303
    page = browser.follow(done)
    text = visible_text(page.text)
    assert "Connected 1 account." in text
    assert "Feed start date 2026-03-11 (you chose 2026-01-02; moved up to seven days back)" in text
    assert "QuickBooks account type Credit Card" in text
    company = _company_of(link_url)
    listed = client.get(f"/companies/{company}/connections").json()["results"][0]
    assert listed["status"] == "Linked"
    account = client.get(World.accounts_path(company, listed["id"])).json()[0]
    assert (account["status"], account["feedStartDate"]) == ("connected", "2026-03-11")


def test_connect_without_a_chosen_account_links_nothing(client: TestClient, browser: Browser, link_url: str) -> None:
    username, password = browser.get_credentials(link_url)
    browser.sign_in()

    page = _connect(browser, username, password, account=[])

    assert page.status_code == 400
    assert "Choose at least one source account" in visible_text(page.text)
    listed = client.get(f"/companies/{_company_of(link_url)}/connections").json()["results"][0]
    assert listed["status"] == "PendingAuth"


def test_a_start_date_that_is_not_a_date_links_nothing(client: TestClient, browser: Browser, link_url: str) -> None:
    username, password = browser.get_credentials(link_url)
    browser.sign_in()

    page = _connect(browser, username, password, **{"start-acc-1": "yesterday"})

    assert page.status_code == 400
    assert "is not a date" in visible_text(page.text)
    assert client.get(f"/companies/{_company_of(link_url)}/connections").json()["results"][0]["status"] == "PendingAuth"


def test_update_pulls_waiting_transactions_into_the_feed_with_running_balances(
    client: TestClient, browser: Browser, world: World, link_url: str
) -> None:
    username, password = browser.get_credentials(link_url)
    browser.sign_in()
    _connect(browser, username, password)
    company = _company_of(link_url)
    connection = client.get(f"/companies/{company}/connections").json()["results"][0]["id"]
    # No balance on the first: worked back from the second's 120.00.
    world.push(company, connection, "acc-1", [txn("t1", "2026-03-17T08:00:00", 25.0), txn("t2", "2026-03-17T09:00:00", -5.0, 120.0)])
    client.post("/_mock/clock/advance", json={"seconds": 5})
    before = visible_text(browser.get(f"/ui/qbo/companies/{company}").text)
    assert "Waiting for Update 2" in before and "No transactions in QuickBooks yet" in before

    after = browser.follow(browser.post(f"/ui/qbo/companies/{company}/update", {"csrf": browser.csrf()}))

    text = visible_text(after.text)
    assert "Update pulled 2 transactions." in text
    assert "2026-03-17 Payment t1 25.00 125.00 2026-03-17 Payment t2 -5.00 120.00" in text
    assert "Waiting for Update 0" in text


def test_disconnect_from_the_feed_page_makes_writes_fail(client: TestClient, browser: Browser, world: World, link_url: str) -> None:
    username, password = browser.get_credentials(link_url)
    browser.sign_in()
    _connect(browser, username, password)
    company = _company_of(link_url)
    connection = client.get(f"/companies/{company}/connections").json()["results"][0]["id"]

    page = browser.follow(
        browser.post(f"/ui/qbo/companies/{company}/disconnect", {"csrf": browser.csrf(), "connection": connection, "account": "acc-1"})
    )

    assert "Disconnected in QuickBooks" in visible_text(page.text)
    refused = world.push(company, connection, "acc-1", [txn("t1", "2026-03-17")])
    assert refused.status_code == 400
    assert {e["validatorName"] for e in refused.json()["validation"]["errors"]} == {"AccountNotConnected"}


def test_an_unknown_company_feed_page_is_an_html_404(browser: Browser) -> None:
    browser.sign_in()

    page = browser.get("/ui/qbo/companies/nope")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "No company was found with ID nope" in visible_text(page.text)


def test_transactions_still_pending_at_codat_are_told_apart_with_a_hint(
    client: TestClient, browser: Browser, world: World, link_url: str
) -> None:
    username, password = browser.get_credentials(link_url)
    browser.sign_in()
    _connect(browser, username, password)
    company = _company_of(link_url)
    connection = client.get(f"/companies/{company}/connections").json()["results"][0]["id"]
    world.push(company, connection, "acc-1", [txn("t1", "2026-03-17T08:00:00", 25.0, 125.0)])

    pending = visible_text(browser.get(f"/ui/qbo/companies/{company}").text)
    client.post("/_mock/clock/advance", json={"seconds": 5})
    ready = visible_text(browser.get(f"/ui/qbo/companies/{company}").text)

    assert "Waiting for Update 1 1 still Pending at Codat" in pending and "Dashboard" in pending
    assert "Waiting for Update 1" in ready and "still Pending at Codat" not in ready
