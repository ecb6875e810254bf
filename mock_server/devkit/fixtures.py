"""Scenario files loaded at start (``--fixtures``): each into the tenant it names.

Several files may name the same tenant: their companies add up (ids must not clash, clocks must
agree). A file that cannot be loaded stops the start with every problem, file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mock_server.core.store import Store
from mock_server.devkit.scenarios.load import import_into, scenario_key
from mock_server.devkit.scenarios.problems import ScenarioError
from mock_server.devkit.scenarios.text import files, read


def load_fixtures(store: Store, paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """Load every file (a directory: its scenario files); returns each file with its tenant key."""
    loaded = []
    for path in files(paths):
        doc = read(path)
        key = scenario_key(doc)
        if store.settings.api_keys and key not in store.settings.api_keys:
            raise ScenarioError(
                str(path),
                [doc.problem(("apiKey",), f"loads tenant '{key}', which the accepted API keys (--api-key) leave out")],
            )
        import_into(store.tenant(key), doc)
        loaded.append((path, key))
    return loaded

