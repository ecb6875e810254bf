"""Settings built in code fail at once on a wrong value, as the CLI does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mock_server import Settings


def test_the_clock_may_be_given_as_an_iso_string() -> None:
    assert Settings(clock="2026-03-18T09:00:00Z").clock == datetime(2026, 3, 18, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("clock", ["yesterday", 1_800_000_000])
def test_a_clock_that_is_not_an_instant_is_refused(clock: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        Settings(clock=clock)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), 366 * 86400 + 1])
@pytest.mark.parametrize("name", ["poll_interval", "push_delay"])
def test_a_delay_that_is_negative_not_a_number_or_over_a_year_is_refused(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=name):
        Settings(**{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), 367])
def test_a_disconnect_lag_that_is_negative_not_a_number_or_over_a_year_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="disconnect_lag_days"):
        Settings(disconnect_lag_days=value)


def test_a_year_is_the_longest_delay_taken() -> None:
    year = Settings(poll_interval=366 * 86400, push_delay=366 * 86400, disconnect_lag_days=366)
    assert (year.poll_interval, year.push_delay, year.disconnect_lag_days) == (366 * 86400, 366 * 86400, 366)


@pytest.mark.parametrize(("changes", "complaint"), [({"rate_limit": "strict"}, "rate_limit"), ({"daily_quota_base": 0}, "daily_quota_base")])
def test_a_rate_limit_mode_or_quota_base_out_of_range_is_refused(changes: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        Settings(**changes)  # type: ignore[arg-type]
