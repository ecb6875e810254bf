"""The hot path's judge against the precise engine: ``accepts`` never says yes where ``check_batch``
finds a violation, and it says yes to the valid batches clients commonly send.

Bodies go through what the HTTP shell does with them: JSON bytes, decoded by msgspec into the typed
records (a body that does not decode takes the precise path, so it is no case for ``accepts``).
"""

from __future__ import annotations

import re
from datetime import datetime

import msgspec
import orjson
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mock_server.core import rules
from mock_server.core.model import Batch, DetailedBatch
from mock_server.testing.strategies import PushRequest
from tests.properties.budget import examples
from tests.properties.generators import ENGINE_RULES
from tests.properties.test_engine import (
    EXACTLY_1000,
    LAST_SECOND_IN_ANOTHER_OFFSET,
    NOW,
    OLD_FEED_START,
    any_requests,
    requests_breaking,
    valid_requests,
)

# The date forms clients send: a date, or a date-time to the second with an optional fraction and
# Z or a +hh:mm offset.
COMMON_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?)?")


def decoded(request: PushRequest) -> Batch | DetailedBatch | None:
    try:
        data = orjson.dumps(request.body)
    except TypeError:  # a value JSON cannot carry (a Decimal, NaN): never a request body
        return None
    for struct in (Batch, DetailedBatch):
        try:
            batch: Batch | DetailedBatch = msgspec.json.decode(data, type=struct)
        except msgspec.DecodeError:
            continue
        return batch
    return None


def verdicts(now: datetime, request: PushRequest) -> tuple[Batch | DetailedBatch, bool, list[rules.Violation]]:
    batch = decoded(request)
    assume(batch is not None)
    assert batch is not None
    state = request.account
    view = rules.AccountView(
        state.account_id, state.status, state.writable, state.feed_start_date, state.latest, state.known_ids
    )
    typed = rules.accepts(request.path_account_id, batch.account_id, batch.transactions, view, now)
    precise = rules.check_batch(
        request.path_account_id, request.body.get("accountId"), request.transactions, view, now
    )
    return batch, typed, precise


@settings(max_examples=examples(300))
@given(any_requests())
@example((NOW, LAST_SECOND_IN_ANOTHER_OFFSET))
@example((NOW, OLD_FEED_START))
def test_accepts_never_accepts_a_batch_the_engine_rejects(case: tuple[datetime, PushRequest]) -> None:
    _, typed, precise = verdicts(*case)
    if typed:
        assert precise == [], f"accepts said yes, the engine found {precise}"


@settings(max_examples=examples(100))
@given(valid_requests())
@example((NOW, EXACTLY_1000))
@example((NOW, LAST_SECOND_IN_ANOTHER_OFFSET))
def test_accepts_a_valid_batch_in_the_common_date_forms(case: tuple[datetime, PushRequest]) -> None:
    batch, typed, precise = verdicts(*case)
    assert precise == []
    if all(COMMON_DATE.fullmatch(t.date) for t in batch.transactions):
        assert typed, "a valid batch in the common forms went to the precise path"


# Their breaches are type faults: the decoder itself refuses them, so accepts never sees them.
REFUSED_BY_THE_DECODER = {"RequiredField", "TransactionType"}


@pytest.mark.parametrize("rule", ENGINE_RULES)
@settings(max_examples=examples(25))
@given(data=st.data())
def test_accepts_refuses_a_batch_built_to_break_any_rule(rule: str, data: st.DataObject) -> None:
    now, request = data.draw(requests_breaking(rule))
    if rule in REFUSED_BY_THE_DECODER:
        assert decoded(request) is None
        return
    _, typed, precise = verdicts(now, request)
    assert precise != [] and not typed
