"""Logs: one line per request, with the correlation id an error body carries; JSON for machines."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mock_server.logs import REQUEST_LOGGER, JsonFormatter
from tests.support import auth_header

START_TIMEOUT = 30


def _requests(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The request fields of each line the emulator logged."""
    return [vars(r)["request"] for r in caplog.records if r.name == REQUEST_LOGGER]


def test_each_request_is_logged_once_with_its_status_duration_and_correlation_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        client.post("/companies", json={"name": "Acme"})
        missing = client.get("/companies/not-a-company", params={"x": "1"})

    logged = _requests(caplog)
    assert [(r["method"], r["path"], r["status"]) for r in logged] == [
        ("POST", "/companies", 200),
        ("GET", "/companies/not-a-company?x=1", 404),
    ]
    assert logged[1]["correlationId"] == missing.json()["correlationId"]
    assert logged[1]["durationMs"] >= 0
    message = caplog.records[-1].getMessage()
    assert message.startswith("GET /companies/not-a-company?x=1 404 ")
    assert message.endswith("correlationId=" + missing.json()["correlationId"])


def test_control_calls_are_logged_too(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        client.get("/_mock/clock")

    assert [r["operationId"] for r in _requests(caplog)] == ["mock-get-clock"]


def test_the_json_format_is_one_object_per_line_with_the_request_fields(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        client.get("/companies")

    line = JsonFormatter().format(caplog.records[-1])

    assert "\n" not in line
    fields = json.loads(line)
    assert {k: fields[k] for k in ("level", "logger", "method", "path", "status", "operationId")} == {
        "level": "info",
        "logger": REQUEST_LOGGER,
        "method": "GET",
        "path": "/companies",
        "status": 200,
        "operationId": "list-companies",
    }
    assert re.fullmatch(r"[0-9a-f]{32}", fields["correlationId"])


@pytest.fixture
def json_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``bankfeeds-mock serve --log-format json`` on a free port, as a user would start it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKFEEDS_MOCK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--log-format", "json", "--clock", "2026-03-18T09:00:00Z"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    # A server that never says where it listens fails the test instead of hanging the run.
    watchdog = threading.Timer(START_TIMEOUT, process.kill)
    watchdog.start()
    try:
        assert process.stderr is not None
        for line in process.stderr:
            found = re.search(r"running on (http://\S+)", json.loads(line)["message"])
            if found:
                yield found.group(1), process
                break
        else:
            pytest.fail("the server stopped before saying where it listens")
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=10)


def test_serve_writes_json_lines_and_no_access_log_of_uvicorn(json_server: tuple[str, subprocess.Popen[str]]) -> None:
    url, process = json_server

    answer = httpx.get(url + "/companies/not-a-company", headers=auth_header())
    assert process.stderr is not None
    line = json.loads(process.stderr.readline())

    assert (line["method"], line["path"], line["status"]) == ("GET", "/companies/not-a-company", 404)
    assert line["correlationId"] == answer.json()["correlationId"]
    assert line["logger"] == REQUEST_LOGGER and line["level"] == "info"
