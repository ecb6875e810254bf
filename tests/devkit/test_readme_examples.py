"""The README's in-process examples run as written (the fixture example runs in tests/testing/test_installed_elsewhere.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def _examples() -> list[str]:
    section = README.read_text().split("## Using it in your tests", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_bankfeeds_mock_example_creates_a_company_through_the_sdk() -> None:
    scope: dict[str, Any] = {}
    exec(_examples()[1], scope)

    assert scope["company"].name == "Elaborate Events, Inc"
    assert not scope["mock"].running


def test_the_asgi_example_creates_a_company_without_a_server(capsys: pytest.CaptureFixture[str]) -> None:
    # A whole script: it runs its own event loop and prints the new company's id.
    exec(_examples()[2], {"__name__": "__main__"})

    printed = capsys.readouterr().out.strip()
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", printed)


def _webhook_examples() -> list[str]:
    section = README.read_text().split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_plain_receiver_example_verifies_and_acknowledges_a_delivery(capsys: pytest.CaptureFixture[str]) -> None:
    import threading
    import time
    from http.server import ThreadingHTTPServer

    from mock_server import BankFeedsMock

    scope: dict[str, Any] = {"__name__": "readme"}
    exec(_webhook_examples()[0], scope)
    server = ThreadingHTTPServer(("127.0.0.1", 0), scope["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with BankFeedsMock() as mock, mock.tenant(webhooks=False) as tenant:
            tenant.webhooks.subscribe(f"http://127.0.0.1:{server.server_address[1]}/", secret=scope["SECRET"])
            company = tenant.client.post("/companies", json={"name": "Toft stores"}).json()["id"]
            tenant.client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"})
            deadline = time.monotonic() + 10
            while not [m for m in tenant.webhooks.messages() if m["status"] == "succeeded"]:
                assert time.monotonic() < deadline, tenant.webhooks.messages()
                time.sleep(0.02)
            [message] = tenant.webhooks.messages()
    finally:
        server.shutdown()
        server.server_close()

    assert message["attempts"][0]["statusCode"] == 204
    assert f"connection.created {message['body']['id']}" in capsys.readouterr().out


def test_the_fixture_webhook_example_passes_against_a_subscribed_tenant() -> None:
    from mock_server import BankFeedsMock

    scope: dict[str, Any] = {}
    exec(_webhook_examples()[1], scope)
    with BankFeedsMock() as mock, mock.tenant() as tenant:  # what the fixture hands a test
        scope["test_linking_the_account_tells_the_integration"](tenant)
