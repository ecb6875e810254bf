"""BankFeedsMock: a real emulator in a background thread, from a ``with`` block."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from mock_server import BankFeedsMock, Settings
from mock_server.devkit.server import StartupError
from tests.support import NOW, auth_header


def test_serves_the_api_on_a_free_loopback_port_until_the_block_ends() -> None:
    with BankFeedsMock() as mock:
        url = mock.url
        assert url.startswith("http://127.0.0.1:") and mock.port > 0
        assert httpx.get(url + "/_mock/health").json() == {"status": "ok"}
        created = httpx.post(url + "/companies", json={"name": "Elaborate Events, Inc"}, headers=auth_header())
        assert created.status_code == 200 and created.json()["name"] == "Elaborate Events, Inc"

    assert not mock.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/_mock/health", timeout=2)


def test_settings_shape_the_emulator_it_runs() -> None:
    with BankFeedsMock(Settings(clock=NOW)) as mock:
        clock = httpx.get(mock.url + "/_mock/clock", headers=auth_header()).json()

    assert clock == {"now": "2026-03-18T09:00:00.000Z", "frozen": True}


def test_two_emulators_run_side_by_side_with_their_own_data() -> None:
    with BankFeedsMock() as first, BankFeedsMock() as second:
        httpx.post(first.url + "/companies", json={"name": "Only in the first"}, headers=auth_header())

        assert first.port != second.port
        assert httpx.get(first.url + "/companies", headers=auth_header()).json()["totalResults"] == 1
        assert httpx.get(second.url + "/companies", headers=auth_header()).json()["totalResults"] == 0


def test_stopping_leaves_no_server_thread_behind() -> None:
    before = set(threading.enumerate())
    with BankFeedsMock():
        pass

    assert set(threading.enumerate()) <= before


def test_a_port_already_taken_is_a_startup_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(StartupError, match=f"127.0.0.1:{port}"):
            BankFeedsMock(port=port).start()


def test_url_before_start_says_how_to_start_it() -> None:
    with pytest.raises(RuntimeError, match="context manager"):
        _ = BankFeedsMock().url


def test_tenant_handle_calls_with_its_own_key() -> None:
    with BankFeedsMock() as mock, mock.tenant("key-a") as a, mock.tenant() as fresh:
        a.client.post("/companies", json={"name": "A"})

        assert a.client.get("/companies").json()["totalResults"] == 1
        assert fresh.api_key != "key-a"
        assert fresh.client.get("/companies").json()["totalResults"] == 0
