"""Runs pytest in a child process, as a project of its own would: its own directory, no settings of ours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Bounded: a child that hangs fails the test instead of the run.
TIMEOUT = 120


def run_pytest(
    cwd: Path, *args: str, python: str = sys.executable, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m pytest -q ARGS`` in ``cwd``, with none of this run's pytest or emulator settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "BANKFEEDS_MOCK_"))}
    env = {**clean, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
