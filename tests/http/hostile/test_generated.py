"""Generated hostile requests over every route of the app, straight into ASGI (see harness.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import CONTROL_DOCUMENT, PUBLIC_DOCUMENT
from mock_server.http.schemas import load
from tests.http.hostile.budget import ASGI_EXAMPLES, DERANDOMIZE
from tests.http.hostile.harness import KEY, HostileWorld, judge
from tests.http.hostile.requests import RawRequest, hostile_requests


@pytest.fixture(scope="module")
def world() -> Iterator[HostileWorld]:
    w = HostileWorld()
    yield w
    print(f"\nhostile ASGI requests sent: {w.sent}")
    w.close()


def test_every_documented_operation_is_among_the_routes_generated_over(world: HostileWorld) -> None:
    served = {route.name for route in world.routes}
    for name in (PUBLIC_DOCUMENT, CONTROL_DOCUMENT):
        documented = {op["operationId"] for item in load(name)["paths"].values() for op in item.values() if isinstance(op, dict) and "operationId" in op}
        assert documented <= served, documented - served
    assert any(route.path.startswith("/ui") for route in world.routes) and any(route.path.startswith("/link") for route in world.routes)


@settings(max_examples=ASGI_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True, database=None, derandomize=DERANDOMIZE)
@given(data=st.data())
def test_no_hostile_request_gets_a_5xx_or_changes_state_when_refused(world: HostileWorld, data: st.DataObject) -> None:
    request: RawRequest = data.draw(hostile_requests(world.routes, world.ids, KEY))
    judge(world, request)
