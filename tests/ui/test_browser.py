"""The SMB user's journey in a real browser (headless Chromium driven by Playwright), over real HTTP.

Each page is saved as a screenshot under ``artifacts/screenshots/`` to look at. Skips, saying why,
where Playwright or Debian's ``chromium`` is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from mock_server import Settings, create_app
from tests.support import API_KEY, NOW, auth_header, txn

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install -e '.[dev]')")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip(
        "No Chromium found: install Debian's chromium package (apt-get install chromium) or set CHROMIUM",
        allow_module_level=True,
    )

# One worker runs the whole journey, so one browser starts.
pytestmark = pytest.mark.xdist_group("browser")

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The emulator on a free loopback port, frozen at NOW, polling only on Update."""
    app = create_app(Settings(clock=NOW, seed=7, poll_interval=0, background_ticks=False))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the emulator did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, server: str) -> Iterator[Any]:
    context = chromium.new_context(base_url=server, viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _setup_over_the_api(api: httpx.Client) -> tuple[str, str, str]:
    company = api.post("/companies", json={"name": "Elaborate Events, Inc"}).json()["id"]
    connection = api.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()
    accounts = f"/companies/{company}/connections/{connection['id']}/connectionInfo/bankFeedAccounts"
    for account_id, name, number in (("acc-1", "Business Checking", "12345670"), ("acc-2", "Savings", "99887766")):
        body = {"id": account_id, "accountName": name, "accountType": "checking", "accountNumber": number, "currency": "USD", "balance": 1000.0}
        assert api.post(accounts, json=body).status_code == 200
    return company, connection["id"], connection["linkUrl"]


def test_the_smb_user_links_an_account_and_sees_pushed_transactions_after_update(page: Any, server: str) -> None:
    expect = sync_api.expect
    with httpx.Client(base_url=server, headers=auth_header(API_KEY)) as api:
        company, connection, link_url = _setup_over_the_api(api)

        # The Link UI, from the linkUrl the API handed out.
        page.goto(link_url)
        expect(page.get_by_role("heading", name="Connect to QuickBooks Online Bank Feeds")).to_be_visible()
        shot(page, "01-link-review")
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_role("heading", name="Set up QuickBooks")).to_be_visible()
        shot(page, "02-link-setup")
        page.get_by_role("button", name="Get credentials").click()
        username = page.get_by_role("textbox", name="Username").input_value()
        password = page.get_by_role("textbox", name="Password").input_value()
        page.get_by_role("button", name="Copy password").click()
        expect(page.get_by_role("status")).to_have_text("Copied the password.")
        assert page.evaluate("navigator.clipboard.readText()") == password
        expect(page.get_by_role("button", name="Revoke credentials")).to_be_visible()
        shot(page, "03-link-credentials")
        page.goto(link_url)
        expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
        shot(page, "04-link-used")

        # QuickBooks: choose the tenant by keyboard alone, then Link account.
        page.goto("/ui/qbo/link")
        expect(page.get_by_role("heading", name="Choose a tenant")).to_be_visible()
        page.keyboard.type(API_KEY)  # the key field has the focus
        shot(page, "05-login")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Link account")).to_be_visible()
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("QuickBooks refused the credentials")
        shot(page, "06-qbo-wrong-credentials")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Business Checking").check()
        page.locator("select[name='type-acc-1']").select_option("Bank")
        page.locator("input[name='start-acc-1']").fill("2026-02-01")
        shot(page, "07-qbo-choose-accounts")
        page.get_by_role("button", name="Connect").click()
        expect(page.get_by_role("heading", name="Bank transactions")).to_be_visible()
        expect(page.get_by_text("you chose 2026-02-01; moved up to seven days back")).to_be_visible()
        assert api.get(f"/companies/{company}/connections/{connection}").json()["status"] == "Linked"

        # The application writes transactions; they wait until QuickBooks polls.
        batch = [
            txn("t1", "2026-03-16T10:00:00", 250.0),
            txn("t2", "2026-03-17T11:00:00", -40.5, 1209.5),
            txn("t3", "2026-03-18T08:00:00", -9.5),
        ]
        push = api.post(
            f"/companies/{company}/connections/{connection}/push/bankAccounts/acc-1/bankTransactions",
            json={"accountId": "acc-1", "transactions": batch},
        )
        assert push.status_code == 200, push.text

        page.goto("/ui")
        expect(page.get_by_text("Pending", exact=True)).to_be_visible()
        shot(page, "08-dashboard-pending")
        page.get_by_role("button", name="+1 hour").click()
        expect(page.locator("#clock-now")).to_have_text("2026-03-18 10:00:00 UTC")
        expect(page.get_by_text("Success", exact=True)).to_be_visible()
        shot(page, "09-dashboard")

        page.get_by_role("link", name="QuickBooks bank transactions").click()
        feed = page.get_by_role("region", name="Business Checking")
        expect(feed.get_by_test_id("pending")).to_have_text("3")
        shot(page, "10-qbo-feed-before-update")
        page.get_by_role("button", name="Update").click()
        expect(page.get_by_text("Update pulled 3 transactions.")).to_be_visible()
        expect(feed.get_by_test_id("pending")).to_have_text("0")
        rows = feed.locator("tbody tr")
        expect(rows).to_have_count(3)
        assert [rows.nth(i).locator("td").all_inner_texts() for i in range(3)] == [
            ["2026-03-16", "Payment t1", "250.00", "1,250.00"],
            ["2026-03-17", "Payment t2", "-40.50", "1,209.50"],
            ["2026-03-18", "Payment t3", "-9.50", "1,200.00"],
        ]
        shot(page, "11-qbo-feed")

        # Readable at phone width: nothing wider than the screen but the tables' own scroller.
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "12-qbo-feed-phone")

        page.goto(link_url)
        expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
        shot(page, "13-link-expired")
