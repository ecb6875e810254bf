"""``bankfeeds-mock wait``: the health gate of a CI script."""

from __future__ import annotations

import socket

import pytest

from mock_server import BankFeedsMock
from mock_server.cli import main


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_wait_exits_0_once_the_emulator_answers(capsys: pytest.CaptureFixture[str]) -> None:
    with BankFeedsMock() as mock:
        code = main(["wait", "--url", mock.url, "--timeout", "10"])

    assert code == 0
    assert capsys.readouterr().out == f"bankfeeds-mock is up at {mock.url}\n"


def test_wait_exits_1_and_says_why_when_nothing_answers_in_time(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"

    code = main(["wait", "--url", url, "--timeout", "0.3"])

    assert code == 1
    err = capsys.readouterr().err
    assert f"No healthy emulator at {url} within 0.3 s" in err and "ConnectError" in err


def test_wait_reads_the_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with BankFeedsMock() as mock:
        monkeypatch.setenv("BANKFEEDS_MOCK_URL", mock.url)

        assert main(["wait", "--timeout", "10"]) == 0


def test_wait_refuses_a_negative_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["wait", "--timeout", "-1"])

    assert exited.value.code == 2
    assert "must be 0 or more" in capsys.readouterr().err
