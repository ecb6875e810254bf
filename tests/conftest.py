"""Fixtures: each test gets its own app, frozen at NOW, and a client that checks every answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, World, make_client


@pytest.fixture
def settings() -> Settings:
    return Settings(clock=NOW, background_ticks=False, seed=7)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with make_client(settings) as c:
        yield c


@pytest.fixture
def world(client: TestClient) -> World:
    return World(client)
