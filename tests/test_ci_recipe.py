"""The README's CI recipe with a real background process: serve, wait until healthy, use, stop."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock_server.cli import main
from tests.support import auth_header
from tests.test_cli_wait import _closed_port

pytestmark = pytest.mark.xdist_group("devkit")


def test_serve_in_the_background_then_wait_then_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = _closed_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "bankfeeds-mock.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "mock_server", "serve", "--port", str(port), "--push-delay", "0"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        assert main(["wait", "--url", url, "--timeout", "60"]) == 0, log.read_text()

        assert httpx.post(url + "/companies", json={"name": "CI"}, headers=auth_header()).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert main(["wait", "--url", url, "--timeout", "0.2"]) == 1
    assert "No healthy emulator" in capsys.readouterr().err
