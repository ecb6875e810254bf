"""The dashboard: a tenant chosen by API key in a cookie, everything it holds, and its clock."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, World, auth_header, make_client, txn
from tests.ui.support import Browser, tenant_of, visible_text


def test_the_root_and_the_dashboard_send_a_new_browser_to_choose_a_tenant(browser: Browser) -> None:
    root = browser.get("/")
    dashboard = browser.get("/ui")

    assert (root.status_code, root.headers["location"]) == (303, "/ui")
    assert dashboard.status_code == 303 and dashboard.headers["location"].startswith("/ui/login")
    login = browser.get(dashboard.headers["location"])
    assert '<label for="api_key">API key</label>' in login.text


def test_the_tenant_cookie_is_http_only_and_same_site_lax(browser: Browser) -> None:
    response = browser.sign_in()

    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert response.headers["location"] == "/ui"


def test_signing_in_never_redirects_off_site(browser: Browser) -> None:
    response = browser.post("/ui/login", {"api_key": "k", "next": "//evil.example/ui"})

    assert response.headers["location"] == "/ui"


def test_a_key_the_emulator_does_not_accept_is_refused_on_the_page() -> None:
    settings = Settings(clock=NOW, background_ticks=False, seed=7, api_keys=("good",))
    with make_client(settings, key="good") as client:
        browser = Browser(client)

        refused = browser.sign_in("bad")

        assert refused.status_code == 401
        assert "does not accept that API key" in visible_text(refused.text)
        assert browser.get("/ui").status_code == 303


def test_the_dashboard_shows_companies_connections_accounts_and_push_operations(
    client: TestClient, browser: Browser, world: World
) -> None:
    company, connection, account = world.linked_account()
    world.push(company, connection, account, [txn("t1", "2026-03-17", 10.0)])
    browser.sign_in()

    text = visible_text(browser.get("/ui").text)

    assert "Elaborate Events, Inc" in text and connection in text and "Linked" in text
    assert "acc-1 Checking 0202 checking connected 110.00 2026-03-11 1" in text
    assert "Pending 202" in text
    assert "2026-03-18 09:00:00 UTC" in text


def test_one_tenant_sees_nothing_of_another(client: TestClient, browser: Browser, world: World) -> None:
    company, _, _ = world.linked_account()
    browser.sign_in("someone-else")

    dashboard = visible_text(browser.get("/ui").text)
    feed = browser.get(f"/ui/qbo/companies/{company}")

    assert "Elaborate Events" not in dashboard and company not in dashboard
    assert "no companies yet" in dashboard
    assert feed.status_code == 404


def test_a_token_of_another_tenant_changes_nothing(client: TestClient, browser: Browser) -> None:
    browser.sign_in("someone-else")
    foreign = browser.csrf()
    browser.sign_in()

    refused = browser.post("/ui/clock/advance", {"csrf": foreign, "seconds": "3600"})
    missing = browser.post("/ui/clock/advance", {"seconds": "3600"})

    assert refused.status_code == 403 and missing.status_code == 403
    assert client.get("/_mock/clock").json()["now"] == "2026-03-18T09:00:00.000Z"


def test_clock_buttons_advance_by_an_hour_a_day_or_a_custom_amount(client: TestClient, browser: Browser) -> None:
    browser.sign_in()
    token = browser.csrf()

    browser.post("/ui/clock/advance", {"csrf": token, "seconds": "3600"})
    browser.post("/ui/clock/advance", {"csrf": token, "seconds": "86400"})
    page = browser.follow(browser.post("/ui/clock/advance", {"csrf": token, "amount": "30", "unit": "minutes"}))

    assert client.get("/_mock/clock").json()["now"] == "2026-03-19T10:30:00.000Z"
    assert "2026-03-19 10:30:00 UTC" in visible_text(page.text)


def test_advancing_the_clock_completes_due_pushes(client: TestClient, browser: Browser, world: World) -> None:
    company, connection, account = world.linked_account()
    key = world.push(company, connection, account, [txn("t1", "2026-03-17")]).json()["pushOperationKey"]
    browser.sign_in()

    browser.post("/ui/clock/advance", {"csrf": browser.csrf(), "seconds": "3600"})

    assert client.get(f"/companies/{company}/push/{key}").json()["status"] == "Success"


def test_a_bad_custom_advance_is_refused_and_moves_nothing(client: TestClient, browser: Browser) -> None:
    browser.sign_in()
    token = browser.csrf()

    for amount, unit in (("-1", "hours"), ("soon", "hours"), ("1", "weeks"), ("inf", "days"), ("1e9", "days")):
        page = browser.post("/ui/clock/advance", {"csrf": token, "amount": amount, "unit": unit})
        assert page.status_code == 400, (amount, unit)

    assert client.get("/_mock/clock").json()["now"] == "2026-03-18T09:00:00.000Z"


def test_new_link_replaces_the_one_time_password(client: TestClient, browser: Browser, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    old = client.get(f"/companies/{company}/connections/{connection}").json()["linkUrl"]
    browser.sign_in()

    browser.post("/ui/connections/otp", {"csrf": browser.csrf(), "company": company, "connection": connection})

    new = client.get(f"/companies/{company}/connections/{connection}").json()["linkUrl"]
    assert new != old
    assert new.replace("http://testserver", "") in browser.get("/ui").text


def test_switch_tenant_forgets_the_cookie(browser: Browser) -> None:
    browser.sign_in()

    out = browser.post("/ui/logout", {})

    assert out.headers["location"] == "/ui/login"
    assert browser.get("/ui").status_code == 303


def test_pages_and_api_share_one_tenant_per_key(client: TestClient) -> None:
    # The same key through the header and through the cookie is the same tenant.
    World(client).company("Shared Co")
    other = TestClient(client.app, headers=auth_header("k2"))
    World(other).company("Other Co")
    browser = Browser(client)
    browser.sign_in("k2")

    text = visible_text(browser.get("/ui").text)

    assert "Other Co" in text and "Shared Co" not in text


def test_viewing_the_dashboard_leaves_an_expired_link_as_it_is(client: TestClient, browser: Browser, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    tenant = tenant_of(client)
    otp = tenant.connection(company, connection).otp
    client.post("/_mock/clock/advance", json={"seconds": 3600})
    browser.sign_in()

    page = browser.get("/ui")

    assert "expired at 2026-03-18 10:00:00 UTC" in visible_text(page.text)
    assert tenant.connection(company, connection).otp == otp


def test_pages_are_never_cached(browser: Browser) -> None:
    browser.sign_in()

    assert browser.get("/ui").headers["cache-control"] == "no-store"
    assert browser.get("/ui/login").headers["cache-control"] == "no-store"


def test_the_dashboard_lists_webhook_endpoints_and_messages_with_their_attempts() -> None:
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once released
    with make_client(Settings(clock=NOW, background_ticks=False, seed=7)) as client:  # with its sender
        browser = Browser(client)
        world = World(client)
        hook = client.post("/_mock/webhooks/endpoints", json={"url": f"http://127.0.0.1:{closed}/hook"}).json()
        world.connection(world.company())
        deadline = time.monotonic() + 10
        while not client.get("/_mock/webhooks/messages").json()["messages"][0]["attempts"]:
            assert time.monotonic() < deadline, "the attempt never happened"
            time.sleep(0.02)
        browser.sign_in()

        text = visible_text(browser.get("/ui").text)

    assert hook["id"] in text and f"http://127.0.0.1:{closed}/hook" in text
    assert "connection.created" in text and "pending" in text
    assert "2026-03-18 09:00:00 UTC: ConnectError" in text
    assert "2026-03-18 09:00:05 UTC" in text  # the first retry
