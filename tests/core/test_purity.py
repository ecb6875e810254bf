"""The core stays pure: no web framework, no HTTP client, no server, no file, socket or clock I/O.

Every module under ``mock_server/core`` is read as source and each of its imports checked, so a
new dependency on the outside world fails here rather than in a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mock_server.core

CORE = Path(mock_server.core.__file__).parent
MODULES = sorted(CORE.rglob("*.py"))

#: What the core may import from outside itself: the standard library's pure parts, the settings
#: dataclass, and libraries that only compute.
ALLOWED_ROOTS = {
    "__future__", "bisect", "collections", "dataclasses", "datetime", "decimal", "enum", "functools",
    "hashlib", "heapq", "hmac", "itertools", "math", "operator", "random", "re", "string", "typing",
    "uuid", "base64", "binascii", "secrets", "json", "copy", "types", "abc", "numbers", "weakref",
    "contextlib", "zlib",
    "jsonschema_rs", "orjson", "msgspec",
}
ALLOWED_PROJECT = ("mock_server.core", "mock_server.settings")
#: Calls that read the world: builtins that do I/O, and the standard library's own clocks (the
#: virtual clock's ``now()`` is fine: it is handed in).
FORBIDDEN_CALLS = {"open", "input", "print", "datetime.now", "datetime.utcnow", "datetime.today", "date.today"}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("mock_server.core")  # a relative import stays inside the core
            elif node.module:
                found.append(node.module)
    return found


def calls_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.append(func.id)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                names.append(f"{func.value.id}.{func.attr}")
    return names


def test_the_core_has_modules_to_check() -> None:
    assert len(MODULES) >= 10


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_a_core_module_imports_nothing_that_touches_the_world(path: Path) -> None:
    outside = [
        name
        for name in imports_of(path)
        if not name.startswith(ALLOWED_PROJECT) and name.split(".")[0] not in ALLOWED_ROOTS
    ]
    assert outside == [], f"{path.name} imports {outside}: the core takes time and I/O as arguments"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_a_core_module_reads_no_clock_and_no_file(path: Path) -> None:
    called = sorted(set(calls_of(path)) & FORBIDDEN_CALLS)
    assert called == [], f"{path.name} calls {called}: time comes in as an argument, files through the shell"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import socket\nfrom starlette.requests import Request\nfrom datetime import datetime\n")
    assert [n for n in imports_of(module) if n.split(".")[0] not in ALLOWED_ROOTS] == ["socket", "starlette.requests"]
    module.write_text("x = datetime.now()\ny = clock.now()\n")
    assert set(calls_of(module)) & FORBIDDEN_CALLS == {"datetime.now"}
