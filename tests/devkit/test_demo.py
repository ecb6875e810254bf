"""``bankfeeds-mock demo``: the tutorial's journey with the official SDK, every step printed."""

from __future__ import annotations

import re
import sys

import pytest

from mock_server import BankFeedsMock, Settings
from mock_server.cli import main
from tests.support import NOW

pytestmark = pytest.mark.xdist_group("devkit")

STEPS = [
    "Create a company",
    "Create a QBO Bank Feeds connection",
    "Create a source account",
    "Generate bank feed credentials",
    "The SMB user links the account in QBO",
    "Write seven days of history",
    "Check the push status until Success",
    "QBO polls Codat",
    "See the feed in QBO",
]


def test_demo_walks_every_step_against_a_running_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    with BankFeedsMock(Settings(clock=NOW, push_delay=3)) as mock:
        code = main(["demo", "--url", mock.url])

    out = capsys.readouterr().out
    assert code == 0, out
    assert re.findall(r"^\[\d+\] (.+)$", out, re.MULTILINE) == STEPS
    # What was sent and what came back, for the SDK's calls and the control API's alike.
    assert "  -> POST /companies\n" in out and "  <- 200 OK\n" in out
    assert '"platformKey": "hcws"' in out
    assert "  -> POST /_mock/qbo/link\n" in out and '"feedStartDate": "2026-03-11"' in out
    assert "Still Pending" in out
    assert "=> QBO pulled 7 transactions" in out
    assert "=> 7 transactions in QBO's feed" in out
    assert out.rstrip().endswith("Done: the whole bank-feeds journey ran against the emulator.")


def test_demo_starts_an_emulator_of_its_own_without_url(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("Started an emulator at http://127.0.0.1:")
    assert "Done:" in out


def test_demo_needs_the_api_key_an_emulator_insists_on(capsys: pytest.CaptureFixture[str]) -> None:
    with BankFeedsMock(Settings(api_keys=("only-this-key",))) as mock:
        refused = main(["demo", "--url", mock.url])
        accepted = main(["demo", "--url", mock.url, "--api-key", "only-this-key"])

    out = capsys.readouterr().out
    assert refused == 1 and "FAILED at step 1" in out and "unknown API key" in out
    assert accepted == 0


def test_demo_without_an_emulator_at_url_says_how_to_start_one(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--url", "http://127.0.0.1:9", "--wait", "0"])

    assert code == 2
    assert "bankfeeds-mock serve" in capsys.readouterr().err


def test_demo_without_the_sdk_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "codat_bankfeeds", None)  # makes the import fail, as when not installed

    code = main(["demo"])

    assert code == 2
    assert "pip install 'bankfeeds-mock[demo]'" in capsys.readouterr().err
