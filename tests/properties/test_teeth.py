"""The property suite has teeth: break the engine on purpose and the properties fail.

Each test monkeypatches ``mock_server.core.rules`` (no file is edited), then runs a property of
test_engine.py directly, with a small example budget, and expects it to fail.

- One rule switched off at a time: the engine never reports that validatorName, as if the rule
  were not written. (This is the mildest way to lose a rule: only its own reports go, while a
  rule cut out of the loop would also let its item fall through to the other checks.)
- Off-by-one boundaries, through the module's own constants and helpers: a batch limit of 999 or
  1001, a history of six or eight days, a zone offset that is honoured, "today" in the wrong zone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from mock_server.core import rules
from mock_server.core.rules import Violation
from mock_server.testing.strategies import PushRequest
from tests.properties.generators import ENGINE_RULES
from tests.properties.test_engine import (
    EXACTLY_1000,
    FIRST_SECOND_OF_TOMORROW,
    NOW,
    NOW_IN_A_ZONE_AHEAD,
    OLD_FEED_START,
    any_requests,
    check_accepted,
    check_breaks_exactly_its_rule,
    check_engine_agrees_with_oracle,
    requests_breaking,
    valid_requests,
)

Case = tuple[datetime, PushRequest]

# Failing examples of 1001 transactions are long to print, and only their failing matters here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def fails(
    strategy: st.SearchStrategy[Case],
    check: Callable[[datetime, PushRequest], None],
    budget: int,
    explicit: Sequence[Case] = (),
) -> bool:
    """Whether the property ``check`` over ``strategy`` (and the ``explicit`` examples its test in
    test_engine.py carries) fails within ``budget`` examples.

    Derandomized, so the answer is the same on every run; no shrinking, no database: only
    whether a counterexample turns up.
    """

    @settings(
        max_examples=budget,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def prop(case: Case) -> None:
        check(*case)

    for case in explicit:
        prop = example(case)(prop)
    try:
        prop()
    except AssertionError:
        return True
    return False


def without(rule: str) -> Callable[..., list[Violation]]:
    """The engine as if it had no ``rule``: that validatorName is never reported."""
    engine = rules.check_batch

    def check_batch(*args: Any, **kwargs: Any) -> list[Violation]:
        return [v for v in engine(*args, **kwargs) if v.validator_name != rule]

    return check_batch


# --- each rule switched off --------------------------------------------------------------------


@pytest.mark.parametrize("rule", ENGINE_RULES)
def test_the_break_one_rule_property_fails_when_the_rule_is_switched_off(
    rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not fails(requests_breaking(rule), check_breaks_exactly_its_rule, budget=5)
    monkeypatch.setattr(rules, "check_batch", without(rule))
    assert fails(requests_breaking(rule), check_breaks_exactly_its_rule, budget=5)


@pytest.mark.parametrize("rule", ENGINE_RULES)
def test_the_engine_parts_from_the_oracle_when_a_rule_is_switched_off(
    rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The generic generator, not one aimed at the rule: it must reach every rule by itself. Its
    # draws shift with the modules a worker has loaded (Hypothesis mixes in constants it reads from
    # the project's code), so the budget leaves a margin: the rarest rule to tell apart,
    # OlderThanLatest, took 8 to 324 examples across twenty seeds, and missed 400 twice.
    monkeypatch.setattr(rules, "check_batch", without(rule))
    assert fails(any_requests(), check_engine_agrees_with_oracle, budget=1000)


# --- boundaries off by one ---------------------------------------------------------------------


@pytest.mark.parametrize("limit", [rules.MAX_BATCH - 1, rules.MAX_BATCH + 1])
def test_a_batch_limit_off_by_one_is_caught(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "MAX_BATCH", limit)
    caught = fails(valid_requests(), check_accepted, budget=100, explicit=[(NOW, EXACTLY_1000)]) or fails(
        requests_breaking("BatchSize"), check_breaks_exactly_its_rule, budget=50
    )
    assert caught


@pytest.mark.parametrize("days", [rules.HISTORY_DAYS - 1, rules.HISTORY_DAYS + 1])
def test_a_history_window_off_by_one_day_is_caught(days: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "HISTORY_DAYS", days)
    # The property's own boundary example: a day just past the seven and one just within, on an
    # account whose feed started earlier still. The search alone finds it only by luck.
    explicit = [(NOW, OLD_FEED_START)]
    assert fails(any_requests(), check_engine_agrees_with_oracle, budget=400, explicit=explicit)


def test_a_zone_offset_taken_into_account_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    parse = rules.parse_local

    def in_utc(value: object) -> datetime | None:
        # The mistake the rule book warns about: reading the offset instead of ignoring it.
        local = parse(value)
        if local is None or not isinstance(value, str) or len(value) < 25 or value[-6] not in "+-":
            return local
        return datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None)

    monkeypatch.setattr(rules, "parse_local", in_utc)
    assert fails(any_requests(), check_engine_agrees_with_oracle, budget=400)


def test_today_taken_in_the_clock_zone_instead_of_utc_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def wall_date(now: datetime) -> date:
        return now.date()

    monkeypatch.setattr(rules, "_today", wall_date)
    explicit = [(NOW_IN_A_ZONE_AHEAD, FIRST_SECOND_OF_TOMORROW)]
    assert fails(any_requests(), check_engine_agrees_with_oracle, budget=400, explicit=explicit)
