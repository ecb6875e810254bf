"""The plugin seen from a project's own pytest run: options, ini settings, a tenant per test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from tests.testing.runner import run_pytest

pytestmark = pytest.mark.xdist_group("devkit")

TENANT_PER_TEST = """
    KEYS = []

    def test_first_sees_an_empty_tenant(bankfeeds_mock):
        KEYS.append(bankfeeds_mock.api_key)
        assert bankfeeds_mock.client.get("/companies").json()["totalResults"] == 0
        bankfeeds_mock.client.post("/companies", json={"name": "Left behind"})

    def test_second_gets_another_empty_tenant_on_the_same_server(bankfeeds_mock, bankfeeds_mock_server):
        assert bankfeeds_mock.api_key not in KEYS
        assert bankfeeds_mock.url == bankfeeds_mock_server.url
        assert bankfeeds_mock.client.get("/companies").json()["totalResults"] == 0
"""

CLOCK_AND_DELAY = """
    from datetime import datetime, timezone

    def test_clock_starts_frozen_where_asked_and_pushes_complete_at_once(bankfeeds_mock):
        assert bankfeeds_mock.clock.now() == datetime(2026, 3, 18, 9, 0, tzinfo=timezone.utc)
        c = bankfeeds_mock.client
        company = c.post("/companies", json={"name": "E"}).json()["id"]
        connection = c.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()["id"]
        accounts = f"/companies/{company}/connections/{connection}/connectionInfo/bankFeedAccounts"
        c.post(accounts, json={"id": "a", "accountName": "A", "accountType": "checking",
                               "accountNumber": "1", "currency": "USD", "balance": 0})
        bankfeeds_mock.link(company, connection, "a")
        push = c.post(f"/companies/{company}/connections/{connection}/push/bankAccounts/a/bankTransactions",
                      json={"accountId": "a", "transactions": [
                          {"id": "t1", "date": "2026-03-17", "description": "d", "amount": 1.0}]}).json()
        assert push["status"] == "Success"
"""


RATE_LIMITS = """
    def test_the_quota_base_applies_to_each_tests_tenant(bankfeeds_mock):
        answers = [bankfeeds_mock.client.get("/companies") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[0].headers["x-rate-limit-limit"] == "2"
        assert bankfeeds_mock.rate_limit()["quotaRemaining"] == 0

    def test_another_test_starts_with_a_whole_quota(bankfeeds_mock):
        assert bankfeeds_mock.client.get("/companies").headers["x-rate-limit-remaining"] == "1"
"""

NO_RATE_LIMITS = """
    def test_no_quota_and_no_headers(bankfeeds_mock):
        answers = [bankfeeds_mock.client.get("/companies") for _ in range(3)]
        assert [a.status_code for a in answers] == [200] * 3
        assert "x-rate-limit-limit" not in answers[0].headers
"""


SCENARIOS = """
    import pytest

    @pytest.mark.bankfeeds_mock_scenario("scenarios/linked.yaml")
    def test_a_path_next_to_the_test(bankfeeds_mock):
        assert bankfeeds_mock.client.get("/companies").json()["totalResults"] == 1

    @pytest.mark.bankfeeds_mock_scenario("linked")
    def test_a_name_from_the_projects_fixtures_directory(bankfeeds_mock):
        assert bankfeeds_mock.client.get("/companies").json()["totalResults"] == 1

    @pytest.mark.bankfeeds_mock_scenario("no-such-scenario")
    def test_a_missing_scenario(bankfeeds_mock):
        pass
"""

LINKED = Path(__file__).resolve().parents[2] / "fixtures" / "empty-qbo-linked-company.yaml"


def _project(tmp_path: Path, ini: str | None = None, **files: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        (tmp_path / f"{name}.py").write_text(dedent(source))
    if ini is not None:
        (tmp_path / "pytest.ini").write_text("[pytest]\n" + dedent(ini))
    return tmp_path


def test_one_shared_emulator_a_fresh_tenant_per_test_and_options_that_shape_it(tmp_path: Path) -> None:
    project = _project(tmp_path, test_tenants=TENANT_PER_TEST, test_options=CLOCK_AND_DELAY)

    result = run_pytest(project, "--bankfeeds-mock-clock", "2026-03-18T09:00:00Z", "--bankfeeds-mock-push-delay", "0")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_rate_limit_options_shape_the_sessions_emulator(tmp_path: Path) -> None:
    limited = run_pytest(_project(tmp_path / "limited", test_limits=RATE_LIMITS), "--bankfeeds-mock-daily-quota-base", "2")
    ini = """
        bankfeeds_mock_rate_limit = off
        bankfeeds_mock_daily_quota_base = 1
        """
    unlimited = run_pytest(_project(tmp_path / "unlimited", ini=ini, test_limits=NO_RATE_LIMITS))

    assert limited.returncode == 0, limited.stdout + limited.stderr
    assert "2 passed" in limited.stdout
    assert unlimited.returncode == 0, unlimited.stdout + unlimited.stderr


def test_the_scenario_marker_loads_a_file_by_path_or_by_name_and_says_where_it_looked(tmp_path: Path) -> None:
    project = _project(tmp_path, test_scenarios=SCENARIOS)
    for place in (project / "scenarios", project / "fixtures"):
        place.mkdir()
        (place / "linked.yaml").write_text(LINKED.read_text())

    result = run_pytest(project, "-rE")

    assert "2 passed, 1 error" in result.stdout, result.stdout + result.stderr
    assert "bankfeeds_mock_scenario('no-such-scenario'): no such scenario file" in result.stdout
    assert str(project / "fixtures" / "no-such-scenario.yaml") in result.stdout


def test_the_same_settings_can_live_in_the_projects_ini_file(tmp_path: Path) -> None:
    ini = """
        bankfeeds_mock_clock = 2026-03-18T09:00:00Z
        bankfeeds_mock_push_delay = 0
        """
    project = _project(tmp_path, ini=ini, test_options=CLOCK_AND_DELAY)

    result = run_pytest(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


@pytest.mark.parametrize(
    ("option", "value", "complaint"),
    [
        ("--bankfeeds-mock-clock", "next tuesday", "not an ISO 8601 date-time: 'next tuesday'"),
        ("--bankfeeds-mock-push-delay", "-1", "must be 0 or more"),
        ("--bankfeeds-mock-rate-limit", "strict", "must be one of codat, off, got 'strict'"),
        ("--bankfeeds-mock-daily-quota-base", "0", "must be 1 or more"),
    ],
)
def test_a_bad_option_value_stops_the_run_with_a_usage_error(tmp_path: Path, option: str, value: str, complaint: str) -> None:
    result = run_pytest(_project(tmp_path, test_tenants=TENANT_PER_TEST), option, value)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"{option}: {complaint}" in result.stderr


def test_the_scenario_marker_is_registered(pytestconfig: pytest.Config) -> None:
    markers = pytestconfig.getini("markers")

    assert any(line.startswith("bankfeeds_mock_scenario(name_or_path):") for line in markers)


def test_loading_the_plugin_starts_nothing_and_needs_no_hypothesis() -> None:
    probe = (
        "import sys, threading\n"
        "sys.modules['hypothesis'] = None\n"  # as if the testing extra were not installed
        "import mock_server.testing.pytest_plugin\n"
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "assert 'uvicorn' not in sys.modules\n"
    )

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
