"""The rule engine against the oracle, and against requests built to pass or to break one rule.

The engine is called through its module (``rules.check_batch``) so that test_teeth.py can switch
a rule off and watch these properties fail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mock_server.core import rules
from mock_server.testing import strategies as qbo
from mock_server.testing.strategies import AccountState, PushRequest
from tests.properties import oracle
from tests.properties.budget import examples
from tests.properties.generators import ENGINE_RULES, instants_on, mixed_requests, todays

Found = list[tuple[str, str | None]]


def engine_verdict(request: PushRequest, now: datetime) -> Found:
    state = request.account
    view = rules.AccountView(
        state.account_id, state.status, state.writable, state.feed_start_date, state.latest, state.known_ids
    )
    violations = rules.check_batch(request.path_account_id, request.body.get("accountId"), request.transactions, view, now)
    return [(v.validator_name, v.item_id) for v in violations]


def oracle_verdict(request: PushRequest, today: date) -> Found:
    state = request.account
    account = oracle.Account(
        status=state.status,
        writable=state.writable,
        feed_start=state.feed_start_date.isoformat() if state.feed_start_date else None,
        latest=state.latest.isoformat(timespec="microseconds") if state.latest else None,
        known_ids=state.known_ids,
    )
    return oracle.verdict(
        request.path_account_id, request.body.get("accountId"), request.transactions, account, today.isoformat()
    )


def utc_date(now: datetime) -> date:
    return now.astimezone(UTC).date()


# --- the properties, as plain checks (test_teeth.py runs them with a rule switched off) ----------


def check_engine_agrees_with_oracle(now: datetime, request: PushRequest) -> None:
    engine, expected = engine_verdict(request, now), oracle_verdict(request, utc_date(now))
    assert Counter(engine) == Counter(expected), f"engine {engine}\noracle {expected}"


def check_breaks_exactly_its_rule(now: datetime, request: PushRequest) -> None:
    engine = {name for name, _ in engine_verdict(request, now)}
    assert engine == {request.breaks}, f"built to break {request.breaks}, the engine reports {engine}"


def check_accepted(now: datetime, request: PushRequest) -> None:
    assert engine_verdict(request, now) == []


def any_requests() -> st.SearchStrategy[tuple[datetime, PushRequest]]:
    return todays().flatmap(lambda today: st.tuples(instants_on(today), mixed_requests(today)))


def requests_breaking(*names: str) -> st.SearchStrategy[tuple[datetime, PushRequest]]:
    return todays().flatmap(
        lambda today: st.tuples(instants_on(today), st.sampled_from(names).flatmap(lambda name: qbo.breaking(name, today)))
    )


def valid_requests() -> st.SearchStrategy[tuple[datetime, PushRequest]]:
    def on(today: date) -> st.SearchStrategy[tuple[datetime, PushRequest]]:
        states = qbo.account_states(today)
        requests = states.flatmap(
            lambda state: qbo.bodies(today, state).map(lambda body: PushRequest(state, state.account_id, body))
        )
        return st.tuples(instants_on(today), requests)

    return todays().flatmap(on)


# --- boundaries the issue names, always tried first -----------------------------------------------

NOW = datetime(2026, 3, 18, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
LINKED = AccountState(feed_start_date=date(2026, 3, 11))


def _batch(*dates: str, state: AccountState = LINKED) -> PushRequest:
    items = [{"id": f"tx-{n}", "date": when, "description": "Coffee", "amount": -4.5} for n, when in enumerate(dates)]
    return PushRequest(state, state.account_id, {"accountId": state.account_id, "transactions": items})


EXACTLY_1000 = _batch(*[(datetime(2026, 3, 11) + timedelta(minutes=n)).isoformat() for n in range(1000)])
LAST_SECOND_IN_ANOTHER_OFFSET = _batch("2026-03-18T23:59:59-05:00", "2026-03-18T23:59:59.999999+14:00")
FIRST_SECOND_OF_TOMORROW = _batch("2026-03-19T00:00:00-12:00")
# A feed start date chosen more than seven days ago: the seven-day limit still binds.
OLD_FEED_START = _batch("2026-03-10T23:59:59+14:00", "2026-03-11", state=AccountState(feed_start_date=date(2026, 3, 1)))
# "Now" written in a zone whose own date is already tomorrow: today is still the UTC date.
NOW_IN_A_ZONE_AHEAD = datetime(2026, 3, 18, 23, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=14)))


# --- the tests ------------------------------------------------------------------------------------


@settings(max_examples=examples(300))
@given(any_requests())
@example((NOW, EXACTLY_1000))
@example((NOW, LAST_SECOND_IN_ANOTHER_OFFSET))
@example((NOW, FIRST_SECOND_OF_TOMORROW))
@example((NOW, OLD_FEED_START))
@example((NOW_IN_A_ZONE_AHEAD, FIRST_SECOND_OF_TOMORROW))
def test_engine_gives_the_oracle_verdict_on_any_request(case: tuple[datetime, PushRequest]) -> None:
    check_engine_agrees_with_oracle(*case)


@pytest.mark.parametrize("rule", ENGINE_RULES)
@settings(max_examples=examples(25))
@given(data=st.data())
def test_a_batch_built_to_break_one_rule_is_rejected_with_exactly_that_validatorName(
    rule: str, data: st.DataObject
) -> None:
    now, request = data.draw(requests_breaking(rule))
    check_breaks_exactly_its_rule(now, request)
    # The oracle reads the rule book the same way: the strategy did build what it says.
    assert {name for name, _ in oracle_verdict(request, utc_date(now))} == {rule}


@settings(max_examples=examples(100))
@given(valid_requests())
@example((NOW, EXACTLY_1000))
@example((NOW, LAST_SECOND_IN_ANOTHER_OFFSET))
def test_valid_batches_are_accepted(case: tuple[datetime, PushRequest]) -> None:
    check_accepted(*case)
    assert oracle_verdict(case[1], utc_date(case[0])) == []


@settings(max_examples=examples(100))
@given(data=st.data(), today=todays())
def test_a_date_near_the_window_edges_is_judged_by_its_local_wall_clock(data: st.DataObject, today: date) -> None:
    state = data.draw(qbo.account_states(today))
    local = data.draw(qbo.window_edges(today, state))
    written = data.draw(qbo.spellings(local))
    request = _batch(written, state=replace(state, known_ids=frozenset()))
    now = data.draw(instants_on(today))

    names = {name for name, _ in engine_verdict(request, now)}

    assert (names == set()) == qbo.accepts_date(local, today, state), f"{written} on {state}: {names}"
    assert names <= {"FutureDate", "OlderThanLatest", "FeedStartWindow"}


def test_the_oracle_reads_the_rule_book_examples() -> None:
    # QBO-RULES.md: "2026-03-18T23:30:00-05:00 is 18 March, 23:30".
    assert oracle.local_key("2026-03-18T23:30:00-05:00") == "2026-03-18T23:30:00.000000"
    assert oracle.local_key("2026-03-18") == "2026-03-18T00:00:00.000000"
    assert oracle.local_key("2026-02-29") is None
    assert oracle.local_key("2024-02-29T10:00:00.5Z") == "2024-02-29T10:00:00.500000"
    late = datetime.combine(TODAY, time(23, 59, 59))
    assert oracle_verdict(_batch(late.isoformat() + "-05:00"), TODAY) == []
