"""The serve command's options reach the emulator's settings, from the command line or the environment."""

from __future__ import annotations

import pytest

from mock_server.cli import build_parser, settings_from


def test_rate_limit_options_default_to_codats_and_can_be_set() -> None:
    default = settings_from(build_parser().parse_args(["serve"]))
    given = settings_from(build_parser().parse_args(["serve", "--rate-limit", "off", "--daily-quota-base", "5"]))

    assert (default.rate_limit, default.daily_quota_base) == ("codat", 1000)
    assert (given.rate_limit, given.daily_quota_base) == ("off", 5)


def test_rate_limit_options_come_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANKFEEDS_MOCK_RATE_LIMIT", "off")
    monkeypatch.setenv("BANKFEEDS_MOCK_DAILY_QUOTA_BASE", "7")

    settings = settings_from(build_parser().parse_args(["serve"]))

    assert (settings.rate_limit, settings.daily_quota_base) == ("off", 7)


@pytest.mark.parametrize("argv", [["--rate-limit", "strict"], ["--daily-quota-base", "0"], ["--daily-quota-base", "many"]])
def test_a_bad_rate_limit_option_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["serve", *argv])

    assert exit_.value.code == 2
    assert argv[0] in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--push-delay", "inf"], "not a finite number"),
        (["--poll-interval", "nan"], "not a finite number"),
        (["--push-delay", "1e30"], "at most 31,622,400 seconds"),
        (["--disconnect-lag-days", "367"], "at most 366 days"),
    ],
)
def test_a_delay_past_a_year_or_not_finite_is_a_usage_error(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["serve", *argv])

    assert exit_.value.code == 2
    assert complaint in capsys.readouterr().err


def test_the_longest_delays_reach_the_settings() -> None:
    argv = ["serve", "--push-delay", "31622400", "--poll-interval", "31622400", "--disconnect-lag-days", "366"]
    settings = settings_from(build_parser().parse_args(argv))

    assert (settings.push_delay, settings.poll_interval, settings.disconnect_lag_days) == (31622400, 31622400, 366)
