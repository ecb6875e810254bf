"""Done when: a project of its own installs the package and its tests get the ``bankfeeds_mock`` fixture.

The package is built from a copy of this repository and installed into a directory of its own. A
fresh virtual environment sees that directory, and this environment's installed dependencies (pytest,
httpx, the SDK...) through links, less this checkout's editable install and its metadata. So the
plugin can only come from the installed copy, found through its ``pytest11`` entry point; the
project's test checks that it did.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from textwrap import dedent

import pytest

from tests.testing.runner import TIMEOUT, run_pytest

pytestmark = pytest.mark.xdist_group("devkit")

REPO = Path(__file__).resolve().parents[2]

MY_APP = '''
    """A small integration on Codat's SDK, as a bank's backend would write it."""
    from datetime import date, timedelta


    def onboard(codat, name, account_id):
        company = codat.companies.create(request={"name": name})
        connection = codat.connections.create(request={"company_id": company.id, "request_body": {"platform_key": "hcws"}})
        account = {"id": account_id, "account_name": "Checking", "account_type": "checking",
                   "account_number": "0001", "currency": "USD", "balance": 0}
        codat.source_accounts.create(request={"company_id": company.id, "connection_id": connection.id, "request_body": account})
        return company.id, connection.id


    def sync_yesterday(codat, company_id, connection_id, account_id):
        day = (date.today() - timedelta(days=1)).isoformat()
        transaction = {"id": "t-1", "date_": day + "T08:30:00", "description": "Coffee", "amount": -3.5}
        codat.transactions.create(request={
            "company_id": company_id, "connection_id": connection_id, "account_id": account_id,
            "create_bank_transactions": {"account_id": account_id, "transactions": [transaction]},
        })
'''

FROM_THE_INSTALLED_COPY = '''
    import os
    from pathlib import Path

    import mock_server.testing.pytest_plugin as plugin


    def test_the_plugin_is_the_installed_copy():
        assert Path(plugin.__file__).is_relative_to(os.environ["INSTALLED_AT"])
'''


def _readme_example() -> str:
    """The first Python block of the README's "Using it in your tests": the docs are what runs."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Using it in your tests", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found, "README: no Python example under 'Using it in your tests'"
    return found.group(1)


def _run(*command: str | Path) -> None:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"


def _install(tmp_path: Path) -> Path:
    """Build and install the package from a copy of the sources; returns where it landed."""
    source, installed = tmp_path / "source", tmp_path / "installed"
    for part in ("mock_server", "contracts"):
        shutil.copytree(REPO / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / part, source / part)
    # No build isolation and no index: the build tools come from the dev extras, nothing is downloaded.
    _run(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-build-isolation", "--no-index", "--target", installed, source)
    return installed


def _fresh_venv(tmp_path: Path, installed: Path) -> Path:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=TIMEOUT,
    ).stdout.strip()
    Path(purelib, "elsewhere.pth").write_text(f"{installed}\n{_dependencies(tmp_path / 'dependencies')}\n")
    return python


def _dependencies(target: Path) -> Path:
    """This environment's packages, linked one by one, without this checkout's own install."""
    target.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if entry.name.startswith(("bankfeeds_mock", "__editable__", "mock_server", "contracts")) or entry.suffix == ".pth":
            continue
        (target / entry.name).symlink_to(entry)
    return target


def test_a_separate_project_gets_the_fixture_from_the_installed_package(tmp_path: Path) -> None:
    installed = _install(tmp_path)
    python = _fresh_venv(tmp_path, installed)
    project = tmp_path / "project"
    project.mkdir()
    (project / "my_app.py").write_text(dedent(MY_APP))
    (project / "test_my_app.py").write_text(_readme_example())
    (project / "test_plugin_origin.py").write_text(dedent(FROM_THE_INSTALLED_COPY))

    result = run_pytest(project, python=str(python), env={"INSTALLED_AT": str(installed)})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
