"""``bankfeeds-mock serve --webhook-url``: every tenant subscribed, signed with the given or printed secret."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import httpx
import pytest

from mock_server.cli import build_parser, settings_from
from mock_server.devkit.receiver import WebhookReceiver
from mock_server.devkit.server import wait_until_healthy
from mock_server.testing.client import basic_auth


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_subscribes_every_tenant_and_prints_the_secret_it_generated() -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKFEEDS_MOCK_")}
    with WebhookReceiver() as receiver:
        inbox = receiver.inbox()
        command = [sys.executable, "-m", "mock_server", "serve", "--port", str(port), "--webhook-url", inbox.url, "--log-level", "warning"]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            assert inbox.url in line
            inbox.secret = line.strip().rsplit(" ", 1)[-1]  # the receiver verifies with the printed secret
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(url, 20)
            for key in ("tenant-a", "tenant-b"):
                headers = {"Authorization": basic_auth(key)}
                company = httpx.post(url + "/companies", json={"name": key}, headers=headers).json()
                httpx.post(f"{url}/companies/{company['id']}/connections", json={"platformKey": "hcws"}, headers=headers)

            names = {inbox.wait_for("connection.created")["payload"]["referenceCompany"]["name"] for _ in range(2)}
            assert names == {"tenant-a", "tenant-b"}
            assert inbox.rejected == []
        finally:
            server.terminate()
            server.wait(10)


def test_webhook_urls_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANKFEEDS_MOCK_WEBHOOK_URL", "http://a.example/h,https://b.example/h")
    monkeypatch.setenv("BANKFEEDS_MOCK_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

    settings = settings_from(build_parser().parse_args(["serve", "--webhook-url", "http://c.example/h"]))

    assert settings.webhook_urls == ("http://a.example/h", "https://b.example/h", "http://c.example/h")
    assert settings.webhook_secret == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize("option", [["--webhook-url", "ftp://x"], ["--webhook-secret", "secret"], ["--webhook-timeout", "0"]])
def test_an_unusable_webhook_option_is_a_usage_error(option: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["serve", *option])
    assert exited.value.code == 2
    assert "--webhook" in capsys.readouterr().err
