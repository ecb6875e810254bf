"""``/_mock/webhooks`` refuses what it cannot use with 400 ErrorMessage and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, make_client

ENDPOINTS = "/_mock/webhooks/endpoints"


@pytest.fixture
def client() -> Iterator[TestClient]:
    # No lifespan, so no sender: what is listed is what the calls recorded, before any attempt.
    made = make_client(Settings(clock=NOW, background_ticks=False, seed=7))
    yield made
    made.close()


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/hook"},
        {"url": "example.com/hook"},
        {"url": "https://example.com/hook", "eventTypes": ["bankFeeds.sourceAccount.exploded"]},
        {"url": "https://example.com/hook", "eventTypes": []},
        {"url": "https://example.com/hook", "secret": "not-a-secret"},
        {"url": "https://example.com/hook", "colour": "blue"},
        {"eventTypes": ["connection.created"]},
    ],
)
def test_an_endpoint_the_emulator_cannot_use_is_400_and_nothing_is_subscribed(client: TestClient, body: object) -> None:
    response = client.post(ENDPOINTS, json=body)

    assert response.status_code == 400
    assert response.json()["statusCode"] == 400 and response.json()["error"]
    assert client.get(ENDPOINTS).json() == {"endpoints": []}


def test_an_endpoint_gets_a_secret_and_every_event_type_unless_told(client: TestClient) -> None:
    created = client.post(ENDPOINTS, json={"url": "https://example.com/hook"})

    assert created.status_code == 201
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    assert "bankTransactions.write.successful" in endpoint["eventTypes"] and not endpoint["disabled"]
    assert client.get(ENDPOINTS).json() == {"endpoints": [endpoint]}


def test_a_given_secret_and_event_types_are_kept(client: TestClient) -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = {"url": "http://127.0.0.1:9/h", "secret": secret, "eventTypes": ["connection.created"]}
    endpoint = client.post(ENDPOINTS, json=body).json()

    assert endpoint["secret"] == secret and endpoint["eventTypes"] == ["connection.created"]


def test_deleting_an_endpoint_twice_is_404_the_second_time(client: TestClient) -> None:
    endpoint = client.post(ENDPOINTS, json={"url": "https://example.com/hook"}).json()

    assert client.delete(f"{ENDPOINTS}/{endpoint['id']}").status_code == 204
    assert client.delete(f"{ENDPOINTS}/{endpoint['id']}").status_code == 404
    assert client.get(ENDPOINTS).json() == {"endpoints": []}


def test_replaying_an_unknown_message_is_404(client: TestClient) -> None:
    response = client.post("/_mock/webhooks/messages/msg_nope/replay")
    assert response.status_code == 404
    assert "msg_nope" in response.json()["error"]


def test_messages_are_listed_with_their_body_before_any_attempt(client: TestClient) -> None:
    client.post(ENDPOINTS, json={"url": "http://127.0.0.1:9/h"})
    company = client.post("/companies", json={"name": "Acme"}).json()
    client.post(f"/companies/{company['id']}/connections", json={"platformKey": "hcws"})

    [message] = client.get("/_mock/webhooks/messages", params={"eventType": "connection.created"}).json()["messages"]

    assert message["status"] == "pending" and message["attempts"] == []
    assert message["nextAttempt"] == "2026-03-18T09:00:00.000Z"
    assert message["body"]["payload"]["referenceCompany"]["id"] == company["id"]
    assert client.get("/_mock/webhooks/messages", params={"eventType": "connection.deleted"}).json() == {"messages": []}
