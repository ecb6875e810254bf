"""A bug of ours: Codat's envelope with status 500, the call journaled and logged, the error raised on
to the server, whether or not the request announced a body (the app takes two ways in)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from mock_server import Settings, create_app
from mock_server.logs import REQUEST_LOGGER
from tests.support import NOW, auth_header


class Bug(Exception):
    pass


async def broken(request: Request) -> Response:
    await request.body()
    raise Bug("the handler tripped")


def _app() -> Any:
    route = Route("/companies/{companyId}/broken", broken, methods=["GET", "POST"], name="broken-handler")
    return create_app(Settings(clock=NOW, background_ticks=False, seed=7), extra_routes=[route])


@pytest.mark.parametrize(("method", "body"), [("GET", None), ("POST", b'{"some": "body"}')])
def test_a_bug_answers_500_in_codat_envelope_and_is_journaled(
    method: str, body: bytes | None, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(_app(), headers=auth_header(), raise_server_exceptions=False)

    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        answer = client.request(method, "/companies/c1/broken", content=body)

    assert answer.status_code == 500
    error = answer.json()
    assert error["statusCode"] == 500
    assert error["error"] == "Internal error in the emulator: Bug: the handler tripped"
    assert "x-rate-limit-limit" not in answer.headers  # answered outside the rate-limited call
    [logged] = [vars(r)["request"] for r in caplog.records if r.name == REQUEST_LOGGER]
    assert (logged["status"], logged["correlationId"]) == (500, error["correlationId"])
    [entry] = client.get("/_mock/requests").json()["requests"]
    assert (entry["method"], entry["status"], entry["operationId"]) == (method, 500, "broken-handler")
    assert entry["correlationId"] == error["correlationId"]
    assert entry["response"]["bodyBytes"] == 0  # the 500 went out after the entry was written
    assert entry["request"]["bodyBytes"] == len(body or b"")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_bug_is_raised_on_to_the_server(method: str) -> None:
    client = TestClient(_app(), headers=auth_header())

    with pytest.raises(Bug):
        client.request(method, "/companies/c1/broken", content=b"{}" if method == "POST" else None)
