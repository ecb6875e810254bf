"""The README's property-based example runs as written, against a client that does what it says."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tests.properties import oracle

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> str:
    section = README.read_text(encoding="utf-8").split("## Property-based testing", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 1
    return str(blocks[0])


class Refused(Exception):
    pass


def prepare(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A client that stops a batch dated after the README's today, naming the rule."""
    for item in batch:
        key = oracle.local_key(item["date"])
        if key is not None and key[:10] > "2026-03-18":
            raise Refused(f"FutureDate: {item['id']} is dated {item['date']}")
    return batch


def test_the_property_based_example_runs_its_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    my_app = types.ModuleType("my_app")
    my_app.Refused = Refused  # type: ignore[attr-defined]
    my_app.prepare = prepare  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "my_app", my_app)
    scope: dict[str, Any] = {}
    exec(_example(), scope)

    tests = {name: value for name, value in scope.items() if name.startswith("test_")}

    assert sorted(tests) == [
        "test_my_client_lets_through_every_batch_qbo_takes",
        "test_my_client_stops_a_future_dated_batch",
    ]
    for test in tests.values():
        test()  # each runs its Hypothesis examples
