"""Hypothesis strategies for what an integrator writes to QuickBooks Online bank feeds.

Two facts decide whether QBO takes a batch of bank transactions: *today* (the emulator's virtual
clock, as a UTC date) and the :class:`AccountState` of the source account written to (status, feed
start date, latest transaction, ids already used). Every strategy takes them as arguments and
generates requests whose verdict is known in advance:

- :func:`valid_batches`, :func:`bodies`, :func:`transactions`: what QBO accepts.
- :func:`breaking`: a request that breaks exactly one rule of the rule book, named by its
  ``validatorName`` (all of them are in :data:`RULES`), and nothing else.
- :func:`spellings`, :func:`zone_offsets`, :func:`window_edges`, :func:`dates_around_window_edges`:
  dates as clients write them. Dates are *local*: QBO keeps the wall clock and ignores any zone
  offset, so ``2026-03-18T23:59:59-05:00`` is 18 March, not the 19th.
- :func:`account_states`: states of a source account that can happen in QBO.
- :func:`source_accounts`: create-source-account bodies, v1 or v2.

Example::

    from datetime import date
    from hypothesis import given
    from mock_server.testing import strategies as qbo

    TODAY = date(2026, 3, 18)

    @given(qbo.valid_batches(TODAY))
    def test_my_client_sends_what_qbo_takes(batch): ...

    @given(qbo.breaking("FutureDate", TODAY))
    def test_my_client_surfaces_the_rejection(request): ...

Big batches (up to :data:`MAX_BATCH` items) reuse a dozen drawn timestamps and field sets, so a
batch of 1000 costs about as much to generate as one of 12.

Import everything from here: the submodules hold the strategies by what they build (``model``: the
account state and request types; ``dates``; ``batches``; ``accounts``; ``rule_breaking``), and their
other names may change.
"""

from __future__ import annotations

from mock_server.core.rules import HISTORY_DAYS, MAX_BATCH, TRANSACTION_TYPES
from mock_server.testing.strategies.accounts import account_states, source_accounts
from mock_server.testing.strategies.batches import amounts, bodies, transactions, valid_batches
from mock_server.testing.strategies.dates import (
    dates_around_window_edges,
    local_datetimes,
    spellings,
    window_edges,
    zone_offsets,
)
from mock_server.testing.strategies.model import RULES, AccountState, PushRequest, accepts_date
from mock_server.testing.strategies.rule_breaking import breakable, breaking

__all__ = [
    "HISTORY_DAYS",
    "MAX_BATCH",
    "RULES",
    "TRANSACTION_TYPES",
    "AccountState",
    "PushRequest",
    "accepts_date",
    "account_states",
    "amounts",
    "bodies",
    "breakable",
    "breaking",
    "dates_around_window_edges",
    "local_datetimes",
    "source_accounts",
    "spellings",
    "transactions",
    "valid_batches",
    "window_edges",
    "zone_offsets",
]

