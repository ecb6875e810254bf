"""The README's in-process examples run as written (the fixture example runs in test_installed_elsewhere)."""

from __future__ import annotations

import asyncio
import re
import textwrap
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def _examples() -> list[str]:
    section = README.read_text().split("## Using it in your tests", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_bankfeeds_mock_example_creates_a_company_through_the_sdk() -> None:
    from codat_bankfeeds import CodatBankFeeds
    from codat_bankfeeds.models import shared

    scope: dict[str, Any] = {"CodatBankFeeds": CodatBankFeeds, "shared": shared}  # imported by the first example
    exec(_examples()[1], scope)

    assert scope["company"].name == "Elaborate Events, Inc"
    assert not scope["mock"].running


def test_the_asgi_example_creates_a_company_without_a_server() -> None:
    scope: dict[str, Any] = {}
    # The example awaits at top level, as in a notebook or an async test: run it as a coroutine's body.
    exec("async def example():\n" + textwrap.indent(_examples()[2], "    ") + "\n    return company\n", scope)

    company = asyncio.run(scope["example"]())

    assert company["name"] == "Elaborate Events, Inc"
