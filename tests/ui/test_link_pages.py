"""The Link UI at a connection's linkUrl: opened with its one-time password, no API key."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import API_KEY, World, auth_header
from tests.ui.support import Browser, path_of, readonly_values, tenant_of, visible_text


def _ids(link_url: str) -> tuple[str, str, str]:
    path, otp = path_of(link_url).split("?otp=")
    _, _, company, connection = path.split("/")
    return company, connection, otp


def test_link_url_opens_the_review_page_naming_the_company_and_its_accounts(browser: Browser, link_url: str) -> None:
    page = browser.get(path_of(link_url))

    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Connect to QuickBooks Online Bank Feeds" in text
    assert "Elaborate Events, Inc" in text and "Checking 0202" in text and "ending 5670" in text
    assert 'name="viewport"' in page.text


def test_get_credentials_shows_a_set_that_quickbooks_accepts(client: TestClient, browser: Browser, link_url: str) -> None:
    username, password = browser.get_credentials(link_url)

    linked = client.post(
        "/_mock/qbo/link",
        json={"username": username, "password": password, "accounts": [{"sourceAccountId": "acc-1", "feedStartDate": "2026-03-17"}]},
    )
    assert linked.status_code == 200
    company, connection, _ = _ids(link_url)
    assert client.get(f"/companies/{company}/connections/{connection}").json()["status"] == "Linked"


def test_the_credentials_page_offers_copy_buttons_and_revoke(browser: Browser, link_url: str) -> None:
    company, connection, otp = _ids(link_url)
    browser.get_credentials(link_url)

    page = browser.get(f"/link/{company}/{connection}/setup?otp={otp}")

    assert 'data-copy="username"' in page.text and 'data-copy="password"' in page.text
    assert "Revoke credentials" in page.text
    assert '<label for="username">Username</label>' in page.text


def test_revoke_credentials_makes_quickbooks_refuse_them(client: TestClient, browser: Browser, link_url: str) -> None:
    company, connection, otp = _ids(link_url)
    username, password = browser.get_credentials(link_url)

    shown = browser.follow(browser.post(f"/link/{company}/{connection}/revoke", {"otp": otp}))

    assert "have been revoked" in visible_text(shown.text)
    assert readonly_values(shown.text) == []
    refused = client.post(
        "/_mock/qbo/link",
        json={"username": username, "password": password, "accounts": [{"sourceAccountId": "acc-1", "feedStartDate": "2026-03-17"}]},
    )
    assert refused.status_code == 401


def test_a_link_whose_credentials_were_generated_says_it_was_used(browser: Browser, link_url: str) -> None:
    browser.get_credentials(link_url)

    again = browser.get(path_of(link_url))

    assert again.status_code == 410
    assert "This link has already been used" in visible_text(again.text)
    assert readonly_values(again.text) == []


def test_a_used_link_gives_no_second_set(client: TestClient, browser: Browser, link_url: str) -> None:
    company, connection, otp = _ids(link_url)
    browser.get_credentials(link_url)

    second = browser.post(f"/link/{company}/{connection}/credentials", {"otp": otp})

    assert second.status_code == 410
    tenant = tenant_of(client)
    assert len(tenant.connection(company, connection).credentials) == 1


def test_an_expired_link_says_so_and_gives_nothing(client: TestClient, browser: Browser, link_url: str) -> None:
    company, connection, otp = _ids(link_url)
    client.post("/_mock/clock/advance", json={"seconds": 3600})

    page = browser.get(path_of(link_url))
    pressed = browser.post(f"/link/{company}/{connection}/credentials", {"otp": otp})

    assert page.status_code == 410
    assert "This link has expired" in visible_text(page.text)
    assert "2026-03-18 10:00:00 UTC" in visible_text(page.text)
    assert pressed.status_code == 410
    tenant = tenant_of(client)
    assert tenant.connection(company, connection).credentials == {}


def test_a_link_replaced_by_a_new_one_time_password_is_not_valid(client: TestClient, browser: Browser, link_url: str) -> None:
    company, connection, _ = _ids(link_url)
    client.post(f"/companies/{company}/connections/{connection}/bankFeeds/otp")

    page = browser.get(path_of(link_url))

    assert page.status_code == 410
    assert "This link is not valid" in visible_text(page.text)


def test_a_wrong_one_time_password_opens_nothing(browser: Browser, link_url: str) -> None:
    company, connection, otp = _ids(link_url)
    wrong = "000000" if otp != "000000" else "111111"

    assert browser.get(f"/link/{company}/{connection}?otp={wrong}").status_code == 410
    assert browser.get(f"/link/{company}/{connection}").status_code == 410
    assert browser.post(f"/link/{company}/{connection}/credentials", {"otp": wrong}).status_code == 410


def test_an_unknown_connection_link_is_a_clear_404_page(browser: Browser) -> None:
    page = browser.get("/link/no-company/no-connection?otp=123456")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "This link does not exist" in visible_text(page.text)


def test_a_link_opens_its_own_tenants_connection_whichever_tenant_the_browser_chose(client: TestClient) -> None:
    other = TestClient(client.app, headers=auth_header("other-key"))
    theirs = World(other)
    company = theirs.company("Theirs Ltd")
    connection = theirs.connection(company)
    their_url = other.get(f"/companies/{company}/connections/{connection}").json()["linkUrl"]
    browser = Browser(client)
    browser.sign_in(API_KEY)

    page = browser.get(path_of(their_url))

    assert page.status_code == 200
    assert "Theirs Ltd" in visible_text(page.text)


def test_the_company_redirect_asks_for_the_connection_link(client: TestClient, browser: Browser, world: World) -> None:
    redirect = client.get(f"/companies/{world.company()}").json()["redirect"]

    page = browser.get(path_of(redirect))

    assert page.status_code == 200
    assert "Elaborate Events" not in page.text
