"""The ``bankfeeds_mock`` pytest fixture, registered through the ``pytest11`` entry point.

After ``pip install bankfeeds-mock`` any project's tests can ask for it::

    def test_my_integration_links_an_account(bankfeeds_mock):
        client = CodatBankFeeds(server_url=bankfeeds_mock.url,
                                security={"auth_header": bankfeeds_mock.auth_header})
        ...

One emulator serves the whole session (per xdist worker) on a free loopback port; every test gets a
tenant of its own (a fresh API key), so tests never see each other's companies, clocks or faults.

Importing this module registers hooks and fixtures only: the emulator is built and started the
first time a test asks for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from mock_server.devkit.server import BankFeedsMock
    from mock_server.settings import RateLimitMode
    from mock_server.testing.client import MockTenant

CLOCK_OPTION = "--bankfeeds-mock-clock"
PUSH_DELAY_OPTION = "--bankfeeds-mock-push-delay"
RATE_LIMIT_OPTION = "--bankfeeds-mock-rate-limit"
QUOTA_BASE_OPTION = "--bankfeeds-mock-daily-quota-base"
SCENARIO_MARKER = "bankfeeds_mock_scenario"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bankfeeds-mock", "bankfeeds-mock: a local Codat Bank Feeds (QBO) emulator")
    group.addoption(
        CLOCK_OPTION,
        metavar="ISO8601",
        default=None,
        help="start each test's virtual clock frozen at this instant, e.g. 2026-03-18T09:00:00Z "
        "(default: follow real time; ini: bankfeeds_mock_clock)",
    )
    group.addoption(
        PUSH_DELAY_OPTION,
        metavar="SECONDS",
        default=None,
        help="how long a push operation stays Pending, in virtual seconds; 0 completes at once "
        "(default 2, as the emulator; ini: bankfeeds_mock_push_delay)",
    )
    group.addoption(
        RATE_LIMIT_OPTION,
        metavar="codat|off",
        default=None,
        help="codat: Codat's daily quota, 10 requests in flight per company, 429 with Retry-After and "
        "X-Rate-Limit-* headers; off: none of that (default codat, as the emulator; ini: bankfeeds_mock_rate_limit)",
    )
    group.addoption(
        QUOTA_BASE_OPTION,
        metavar="N",
        default=None,
        help="requests a day per tenant and per active connected company (default 1000, as Codat; "
        "ini: bankfeeds_mock_daily_quota_base)",
    )
    parser.addini("bankfeeds_mock_clock", "default for " + CLOCK_OPTION, default="")
    parser.addini("bankfeeds_mock_push_delay", "default for " + PUSH_DELAY_OPTION, default="")
    parser.addini("bankfeeds_mock_rate_limit", "default for " + RATE_LIMIT_OPTION, default="")
    parser.addini("bankfeeds_mock_daily_quota_base", "default for " + QUOTA_BASE_OPTION, default="")


def pytest_configure(config: pytest.Config) -> None:
    # Checked now, so a bad value stops the run with a usage error rather than failing every test.
    clock_from(config)
    push_delay_from(config)
    rate_limit_from(config)
    quota_base_from(config)
    config.addinivalue_line(
        "markers",
        f"{SCENARIO_MARKER}(name_or_path): load a scenario file (YAML or JSON; a path relative to the test "
        "or the rootdir, or a name from the rootdir's fixtures/ directory) into the test's bankfeeds_mock "
        "tenant before the test runs",
    )


def _option(config: pytest.Config, name: str) -> str | None:
    """The command-line value, else the ini value, else None."""
    value = config.getoption(name)
    if value is None:
        value = config.getini(name.lstrip("-").replace("-", "_")) or None
    return None if value is None else str(value)


def clock_from(config: pytest.Config) -> datetime | None:
    text = _option(config, CLOCK_OPTION)
    if text is None:
        return None
    from mock_server.core.clock import to_utc

    try:
        return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise pytest.UsageError(f"{CLOCK_OPTION}: not an ISO 8601 date-time: {text!r}") from None


def push_delay_from(config: pytest.Config) -> float | None:
    text = _option(config, PUSH_DELAY_OPTION)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise pytest.UsageError(f"{PUSH_DELAY_OPTION}: not a number of seconds: {text!r}") from None
    from mock_server.settings import LONGEST

    longest, unit = LONGEST["push_delay"]
    if not 0 <= value <= longest:  # NaN fails too
        raise pytest.UsageError(f"{PUSH_DELAY_OPTION}: must be 0 or more and at most {longest:,} {unit}, got {text!r}")
    return value


def rate_limit_from(config: pytest.Config) -> RateLimitMode | None:
    text = _option(config, RATE_LIMIT_OPTION)
    if text is None:
        return None
    from mock_server.settings import RATE_LIMIT_MODES

    for mode in RATE_LIMIT_MODES:
        if text == mode:
            return mode
    raise pytest.UsageError(f"{RATE_LIMIT_OPTION}: must be one of {', '.join(RATE_LIMIT_MODES)}, got {text!r}")


def quota_base_from(config: pytest.Config) -> int | None:
    text = _option(config, QUOTA_BASE_OPTION)
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        raise pytest.UsageError(f"{QUOTA_BASE_OPTION}: not a whole number: {text!r}") from None
    if value < 1:
        raise pytest.UsageError(f"{QUOTA_BASE_OPTION}: must be 1 or more, got {text!r}")
    return value


SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def scenario_file(marker: pytest.Mark, request: pytest.FixtureRequest) -> Path:
    """The file a ``bankfeeds_mock_scenario`` marker names: a path (absolute, or relative to the test's
    directory or the rootdir), or a name looked up in the rootdir's ``fixtures/`` directory."""
    if len(marker.args) != 1 or not isinstance(marker.args[0], str | Path) or marker.kwargs:
        pytest.fail(f"{SCENARIO_MARKER} takes one argument, a scenario name or path: got {marker.args!r}", pytrace=False)
    wanted = Path(marker.args[0])
    rootdir = request.config.rootpath
    bases = [request.path.parent, rootdir]
    candidates = [wanted] if wanted.is_absolute() else [base / wanted for base in bases]
    if not wanted.suffix:
        candidates += [rootdir / "fixtures" / (wanted.name + suffix) for suffix in SCENARIO_SUFFIXES]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    pytest.fail(f"{SCENARIO_MARKER}({marker.args[0]!r}): no such scenario file (looked for {looked})", pytrace=False)


@pytest.fixture(scope="session")
def bankfeeds_mock_server(pytestconfig: pytest.Config) -> Iterator[BankFeedsMock]:
    """The emulator every ``bankfeeds_mock`` of this session (or xdist worker) talks to."""
    from mock_server.devkit.server import BankFeedsMock
    from mock_server.settings import Settings

    defaults = Settings()
    delay = push_delay_from(pytestconfig)
    rate_limit = rate_limit_from(pytestconfig)
    base = quota_base_from(pytestconfig)
    settings = Settings(
        clock=clock_from(pytestconfig),
        push_delay=defaults.push_delay if delay is None else delay,
        rate_limit=defaults.rate_limit if rate_limit is None else rate_limit,
        daily_quota_base=defaults.daily_quota_base if base is None else base,
    )
    with BankFeedsMock(settings) as server:
        yield server


@pytest.fixture
def bankfeeds_mock(bankfeeds_mock_server: BankFeedsMock, request: pytest.FixtureRequest) -> Iterator[MockTenant]:
    """A tenant of its own on the session's emulator: ``.url``, ``.api_key``, ``.auth_header``, ``.client``
    and the helpers ``link``, ``poll``, ``feed``, ``clock``, ``reset``, ``requests``, ``faults``, ``state``,
    ``rate_limit``, ``webhooks`` (subscribed to every event at an in-process receiver: ``webhooks.wait_for(event_type)``).

    With ``@pytest.mark.bankfeeds_mock_scenario("name-or-path")`` the tenant starts from that scenario.
    """
    from mock_server.testing.client import MockTenant

    tenant = MockTenant(bankfeeds_mock_server.url, f"pytest-{uuid.uuid4().hex}")
    try:
        marker = request.node.get_closest_marker(SCENARIO_MARKER)
        if marker is not None:
            tenant.load_state(scenario_file(marker, request))
        tenant.webhooks.receive(bankfeeds_mock_server.receiver.inbox())
        yield tenant
        # Frees the tenant's data on the shared emulator; its key is never used again.
        tenant.webhooks.inbox = None
        tenant.reset()
    finally:
        tenant.close()
