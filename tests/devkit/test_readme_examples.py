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
