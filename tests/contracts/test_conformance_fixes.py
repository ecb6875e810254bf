"""Non-conformance schemathesis found in the emulator, pinned: each answer here is what the document says."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.support import World, txn


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("page=2147483648", "page"),  # int32, as the document's format says
        ("page=0", "page"),
        ("pageSize=5001", "pageSize"),
        ("pageSize=", "pageSize"),  # an empty integer is not a default
        ("page=two", "page"),
    ],
)
def test_list_query_outside_the_documented_bounds_is_a_400_naming_the_parameter(
    client: TestClient, query: str, named: str
) -> None:
    response = client.get(f"/companies?{query}")

    assert response.status_code == 400
    assert f"'{named}'" in response.json()["error"]


def test_query_parameters_the_document_does_not_list_are_ignored(client: TestClient, world: World) -> None:
    world.company()

    response = client.get("/companies?colour=blue&page=1")

    assert response.status_code == 200
    assert response.json()["totalResults"] == 1


def test_timeout_that_is_not_a_whole_number_is_refused_before_the_batch_is_read(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    path = world.push_path(company, connection, account) + "?timeoutInMinutes=1.5"

    response = client.post(path, json={"accountId": account, "transactions": [txn("t1", "2026-03-17")]})

    assert response.status_code == 400
    assert "'timeoutInMinutes'" in response.json()["error"]
    assert client.get(f"/companies/{company}/push").json()["totalResults"] == 0


def test_page_size_above_2000_is_served_as_pages_of_2000_as_the_answer_schema_caps_it(client: TestClient) -> None:
    response = client.get("/companies?pageSize=5000")

    assert response.status_code == 200
    assert response.json()["pageSize"] == 2000
    assert "pageSize=2000" in response.json()["_links"]["current"]["href"]


def test_method_not_allowed_lists_every_method_of_the_path_in_allow(client: TestClient) -> None:
    response = client.request("TRACE", "/companies")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"


def test_allow_follows_the_literal_path_not_the_template_that_also_matches_it(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)

    response = client.request("PUT", world.accounts_path(company, connection) + "/credentials")

    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, POST"


@pytest.mark.parametrize("body", [b"null", b"false", b"0", b"[]", b'""'])
def test_patch_with_a_body_that_is_not_an_object_is_refused_and_changes_nothing(
    client: TestClient, world: World, body: bytes
) -> None:
    company = world.company("Before")

    response = client.patch(f"/companies/{company}", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert client.get(f"/companies/{company}").json()["name"] == "Before"


def test_patch_without_a_body_changes_nothing_and_succeeds(client: TestClient, world: World) -> None:
    company = world.company("Before")

    response = client.patch(f"/companies/{company}")

    assert response.status_code == 200
    assert response.json()["name"] == "Before"


def test_unlink_with_a_body_that_is_not_an_object_is_refused(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)

    response = client.patch(
        f"/companies/{company}/connections/{connection}", content=b"[]", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert client.get(f"/companies/{company}/connections/{connection}").json()["status"] == "PendingAuth"


def test_credentials_without_the_required_body_are_refused(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)

    response = client.post(world.accounts_path(company, connection) + "/credentials")

    assert response.status_code == 400
    assert world.credentials(company, connection)["username"]  # with a body ({}) they are issued


def test_a_batch_that_breaks_the_documented_shape_is_refused_whole(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    path = world.accounts_path(company, connection)
    good = {"id": "good", "accountName": "A", "accountType": "checking", "accountNumber": "1", "currency": "USD", "balance": 1}

    response = client.post(path + "/batch", json=[good, {"id": "bad", "modifiedDate": {}}])

    assert response.status_code == 400
    assert client.get(path).json() == []
