"""What an idle emulator holds: what it does not need until a request asks is not imported at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: Loaded by the first request that needs each: the YAML parser (a document whose parse is not
#: kept yet, a YAML scenario), the JSON Schema validator (a body or query to check), the scenario
#: kit (``--fixtures``, ``/_mock/state``) and the browser pages.
FIRST_USE = ("yaml", "jsonschema_rs", "mock_server.devkit.scenarios.text", "mock_server.ui.dashboard", "jinja2")

SCRIPT = (
    "import sys\n"
    "from mock_server.http.app import create_app\n"
    "create_app()\n"
    f"print(sorted(m for m in {FIRST_USE!r} if m in sys.modules))\n"
)


def _loaded_by_a_fresh_start(cache: Path) -> str:
    env = {**os.environ, "BANKFEEDS_MOCK_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def test_an_idle_emulator_loads_none_of_what_waits_for_first_use(tmp_path: Path) -> None:
    assert _loaded_by_a_fresh_start(tmp_path) == "['yaml']"  # the first start parses the YAML documents
    assert _loaded_by_a_fresh_start(tmp_path) == "[]"  # later ones read the kept parse
