"""schemathesis' pytest integration against the ASGI app, in-process: every operation, every check.

The app runs on a frozen clock with instant pushes, so QBO's date rules and push states are the
same on every run; the configuration is the contract kit's own (``contracts.runner.config_for``),
bounded to a few examples per operation.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from contracts.runner import RunOptions, authorization, config_for
from mock_server import Settings, create_app
from tests.support import NOW

MAX_EXAMPLES = 8
API_KEY = "in-process"

# Every generated call on one tenant: a quota no run reaches, so the answers stay the operations'
# own (rate-limit headers included).
app = create_app(Settings(clock=NOW, background_ticks=False, seed=7, push_delay=0, daily_quota_base=10**9))
config = config_for(RunOptions(base_url="http://in-process", api_key=API_KEY, max_examples=MAX_EXAMPLES, seed=7))
del config["base-url"]  # the ASGI app is the server
schema = schemathesis.openapi.from_asgi("/openapi.yaml", app, config=schemathesis.Config.from_dict(config))

BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# One test per operation, each with its own node id: schema.parametrize() gives all of them one
# id, and pytest-xdist then runs only the first (make test runs with -n 2).
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.xdist_group("contracts")
@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_every_operation_answers_as_documented(operation: Any) -> None:
    @given(case=operation.as_strategy())
    @BOUNDED
    def answers_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"Authorization": authorization(API_KEY)})

    answers_as_documented()


# Stateful: journeys built from the document's links (company, connection, source account,
# credentials; a push and its operation), every answer checked on the way.
TestJourneysFollowTheDocumentedLinks = pytest.mark.xdist_group("contracts")(schema.as_state_machine().TestCase)
TestJourneysFollowTheDocumentedLinks.settings = settings(BOUNDED, stateful_step_count=8)
