"""The rule book through the public API: one broken rule, one validatorName, and nothing changed.

Each example builds its account state over the API (``realize``), reads back everything the
tenant can see, sends one request, and reads it all back again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server import Settings
from mock_server.testing import strategies as qbo
from tests.properties import oracle
from tests.properties.api import Api, realize, validator_names
from tests.properties.budget import examples
from tests.properties.generators import STRICT_JSON, mixed_requests
from tests.properties.test_engine import oracle_verdict
from tests.support import make_client

KEY = "property-key"


@contextmanager
def emulator() -> Iterator[Api]:
    # Rate limits are tested in tests/http; here they would only refuse generated requests.
    settings_ = Settings(clock=datetime(2026, 3, 18, 9, 0, tzinfo=UTC), background_ticks=False, seed=7, rate_limit="off")
    with make_client(settings_, KEY) as client:
        yield Api(client, KEY)


def days() -> st.SearchStrategy[date]:
    return st.one_of(st.just(date(2026, 3, 18)), st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)))


@st.composite
def moments(draw: st.DrawFn, today: date) -> datetime:
    # Not in the first seconds of the day: realize() writes the history at midnight of the latest
    # transaction's day, and that push must have completed before the account is disconnected.
    return datetime.combine(today, draw(st.times(min_value=time(0, 1))), UTC)


@pytest.mark.parametrize("rule", qbo.RULES)
@settings(max_examples=examples(8))
@given(data=st.data())
def test_a_request_breaking_one_rule_is_refused_with_that_validatorName_and_changes_nothing(
    rule: str, data: st.DataObject
) -> None:
    today = data.draw(days(), label="today")
    now = data.draw(moments(today), label="now")
    request = data.draw(qbo.breaking(rule, today), label="request")
    account_body = data.draw(qbo.source_accounts(), label="source account")
    with emulator() as api:
        where = realize(api, request.account, now, account_body)
        before = api.snapshot()
        connection_id = where.connection_id if request.connection_exists else str(uuid.uuid4())

        response = api.push(where.company_id, connection_id, request.path_account_id, request.body)

        if rule in ("ConnectionNotFound", "AccountNotFound"):
            assert response.status_code == 404, response.text
            assert validator_names(response) == set()
        else:
            assert response.status_code == 400, response.text
            assert validator_names(response) == {rule}
        assert api.snapshot() == before


@settings(max_examples=examples(20))
@given(data=st.data())
def test_a_valid_batch_is_accepted_and_reaches_the_feed_once_after_a_poll(data: st.DataObject) -> None:
    today = data.draw(days(), label="today")
    now = data.draw(moments(today), label="now")
    state = data.draw(qbo.account_states(today), label="account")
    body = data.draw(qbo.bodies(today, state), label="body")
    account_body = data.draw(qbo.source_accounts(), label="source account")
    with emulator() as api:
        where = realize(api, state, now, account_body)
        api.poll()  # the history realize() wrote is in QBO already
        feed_before = api.feed(where.company_id, state.account_id)

        response = api.push(where.company_id, where.connection_id, state.account_id, body)

        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["statusCode"]) == ("Pending", 202)
        api.advance(timedelta(minutes=1).total_seconds())
        api.poll()
        feed = api.feed(where.company_id, state.account_id)
        written = [t["id"] for t in feed["transactions"][len(feed_before["transactions"]) :]]
        assert written == [t["id"] for t in body["transactions"]]
        assert feed["pending"] == 0


@settings(max_examples=examples(30))
@given(data=st.data())
def test_the_api_answers_the_oracle_verdict_and_a_refusal_changes_nothing(data: st.DataObject) -> None:
    today = data.draw(days(), label="today")
    now = data.draw(moments(today), label="now")
    request = data.draw(mixed_requests(today, STRICT_JSON), label="request")
    expected = {name for name, _ in oracle_verdict(request, today)}
    if oracle.shape_fault(request.transactions):
        expected.add("Schema")
    account_body = data.draw(qbo.source_accounts(), label="source account")
    with emulator() as api:
        where = realize(api, request.account, now, account_body)
        before = api.snapshot()

        response = api.push(where.company_id, where.connection_id, request.path_account_id, request.body)

        if expected:
            assert response.status_code == 400, response.text
            assert validator_names(response) == expected
            assert api.snapshot() == before
        else:
            assert response.status_code == 200, response.text
