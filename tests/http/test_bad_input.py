"""Bad input gets a clear 4xx in Codat's envelope, and changes nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, World, make_client, txn


def test_malformed_json_is_400_and_creates_nothing(client: TestClient) -> None:
    response = client.post("/companies", content=b'{"name": ', headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]
    assert client.get("/companies").json()["totalResults"] == 0


def test_wrong_type_is_400_naming_the_field(client: TestClient) -> None:
    response = client.post("/companies", json={"name": 42})

    assert response.status_code == 400
    errors = response.json()["validation"]["errors"]
    assert errors[0]["itemId"] == "name" and errors[0]["validatorName"] == "Schema"


def test_missing_required_field_is_400(client: TestClient) -> None:
    response = client.post("/companies", json={"description": "no name"})

    assert response.status_code == 400
    assert "name" in response.json()["error"]


def test_body_over_the_limit_is_413_and_stores_nothing(world: World) -> None:
    settings = Settings(clock=NOW, background_ticks=False, max_body_bytes=2048)
    with make_client(settings) as small:
        w = World(small)
        company, connection, account = w.linked_account()
        big = [txn(f"t{i}", "2026-03-17") for i in range(100)]

        response = w.push(company, connection, account, big)

        assert response.status_code == 413
        assert response.json()["statusCode"] == 413
        assert small.get(f"/companies/{company}/push").json()["totalResults"] == 0


def test_unknown_ids_are_404(client: TestClient, world: World) -> None:
    company = world.company()

    assert client.get("/companies/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get(f"/companies/{company}/connections/nope").status_code == 404
    assert client.get(f"/companies/{company}/push/nope").status_code == 404
    missing = client.get(f"/companies/{company}/connections/nope").json()
    assert missing["error"] == "Data connection nope not found"


def test_other_platform_keys_are_refused_naming_the_supported_one(client: TestClient, world: World) -> None:
    company = world.company()

    response = client.post(f"/companies/{company}/connections", json={"platformKey": "gbol"})

    assert response.status_code == 400
    assert "hcws" in response.json()["error"]
    assert client.get(f"/companies/{company}/connections").json()["totalResults"] == 0


def test_unknown_route_and_wrong_method_answer_in_the_envelope(client: TestClient) -> None:
    missing = client.get("/no/such/thing")
    wrong = client.put("/companies")

    assert missing.status_code == 404 and missing.json()["statusCode"] == 404
    assert wrong.status_code == 405 and wrong.json()["statusCode"] == 405


def test_transactions_body_that_is_not_an_object_is_400(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()

    response = client.post(world.push_path(company, connection, account), json=[txn("t1", "2026-03-17")])

    assert response.status_code == 400
    assert client.get(f"/companies/{company}/push").json()["totalResults"] == 0


def test_a_server_url_with_a_trailing_slash_still_reaches_the_api(client: TestClient) -> None:
    # What the SDK sends for server_url="http://host/": the path starts with two slashes.
    created = client.post("http://testserver//companies", json={"name": "Slash Ltd"})

    assert created.status_code == 200
    assert client.get(f"http://testserver//companies/{created.json()['id']}").json()["name"] == "Slash Ltd"
