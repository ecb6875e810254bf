"""Fixtures of the page tests: a browser-like client sharing the test's app with the API client."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.support import World
from tests.ui.support import Browser


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return Browser(client)


@pytest.fixture
def link_url(client: TestClient, world: World) -> str:
    """A company with one connection offering account acc-1; the connection's linkUrl."""
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection)
    return str(client.get(f"/companies/{company}/connections/{connection}").json()["linkUrl"])
