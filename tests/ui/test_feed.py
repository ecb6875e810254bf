"""The running balance QuickBooks' register shows, as a pure function."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.ui.feed import running_balances


def test_carried_balances_are_shown_as_given() -> None:
    assert running_balances([(25.0, 125.0), (-5.0, 120.0)], closing=None) == [125.0, 120.0]


def test_a_missing_balance_is_the_previous_one_plus_the_amount() -> None:
    assert running_balances([(25.0, 125.0), (-5.0, None), (0.1, None)], closing=None) == [125.0, 120.0, 120.1]


def test_rows_before_the_first_carried_balance_are_worked_back_from_it() -> None:
    assert running_balances([(10.0, None), (25.0, None), (-5.0, 120.0)], closing=999.0) == [100.0, 125.0, 120.0]


def test_without_any_carried_balance_the_last_row_is_the_closing_balance() -> None:
    assert running_balances([(10.0, None), (-2.5, None)], closing=107.5) == [110.0, 107.5]


def test_no_rows_no_balances() -> None:
    assert running_balances([], closing=100.0) == []


amounts = st.lists(st.integers(-10**6, 10**6).map(lambda cents: cents / 100), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(amounts, st.integers(-10**6, 10**6).map(lambda cents: cents / 100))
def test_without_carried_balances_each_row_differs_from_the_last_by_its_amount(values: list[float], closing: float) -> None:
    balances = running_balances([(a, None) for a in values], closing)

    assert balances[-1] == closing
    for before, after, amount in zip(balances, balances[1:], values[1:], strict=False):
        assert round(after - before, 2) == round(amount, 2)
