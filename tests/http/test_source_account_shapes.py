"""Source accounts: v1 and v2 bodies, updates limited to what Codat allows, credentials."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import World

V1 = {
    "id": "acc-002",
    "accountName": "Account 002",
    "accountNumber": "12345670",
    "accountType": "Debit",
    "balance": 6531.4,
    "currency": "GBP",
    "sortCode": "123456",
}
V2 = {
    "id": "acc-001",
    "accountName": "account-081",
    "accountType": "checking",
    "accountNumber": "12345670",
    "routingInfo": {"bankCode": "021001088", "type": "bankcode"},
    "currency": "GBP",
    "balance": 99.99,
    "accountInfo": {"nickname": "account 123", "accountOpenDate": "2023-05-06", "availableBalance": 10},
}


def _setup(world: World) -> tuple[str, str, str]:
    company = world.company()
    connection = world.connection(company)
    return company, connection, world.accounts_path(company, connection)


def test_v1_body_is_answered_in_the_v1_shape(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)

    created = client.post(path, json=V1).json()

    assert {k: created[k] for k in V1} == V1
    assert created["status"] == "pending"
    # v1 types feedStartDate as a bare $ref: a date when present, so an unlinked account has none.
    assert "feedStartDate" not in created
    assert "routingInfo" not in created


def test_v2_body_is_answered_in_the_v2_shape(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)

    created = client.post(path, json=V2).json()

    assert created["routingInfo"] == V2["routingInfo"] and created["accountInfo"] == V2["accountInfo"]
    # v2 types feedStartDate as a nullable string of its own: null until linked, as Codat sends it.
    assert created["status"] == "pending" and created["feedStartDate"] is None


def test_v2_account_type_without_every_v2_field_is_taken_as_v1_as_the_sdks_send_it(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)
    body = {"id": "x", "accountName": "S", "accountType": "savings", "accountNumber": "1", "currency": "USD"}

    response = client.post(path, json=body)

    assert response.status_code == 200
    # v1's own nullable fields stay null when unset; its bare-$ref feedStartDate is left out.
    assert response.json() == {
        **body, "sortCode": None, "balance": None, "modifiedDate": response.json()["modifiedDate"], "status": "pending"
    }
    assert client.get(path).json() == [response.json()]


def test_routing_info_without_the_rest_of_the_v2_fields_is_400_naming_them(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)

    response = client.post(path, json={"id": "x", "accountType": "savings", "accountName": "S", "routingInfo": V2["routingInfo"]})

    assert response.status_code == 400
    error = response.json()["error"]
    assert "accountNumber" in error and "currency" in error and "balance" in error
    assert client.get(path).json() == []


def test_an_account_of_the_other_shape_is_refused_so_the_list_keeps_one_shape(client: TestClient, world: World) -> None:
    company, _, path = _setup(world)
    client.post(path, json=V2)

    refused = client.post(path, json=V1)
    batch = client.post(f"{path}/batch", json=[{**V2, "id": "acc-003"}, V1])

    assert refused.status_code == 400 and "v2 source accounts" in refused.json()["error"]
    assert batch.status_code == 207
    assert [r["result"]["statusCode"] for r in batch.json()] == [201, "400"]
    listed = client.get(path).json()
    assert [a["id"] for a in listed] == ["acc-001", "acc-003"] and all("routingInfo" in a for a in listed)
    other_connection = world.accounts_path(company, world.connection(company))
    assert client.post(other_connection, json=V1).status_code == 200


def test_the_shape_is_free_again_once_the_connection_holds_no_account(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)
    client.post(path, json=V2)
    client.delete(f"{path}/acc-001")

    assert client.post(path, json=V1).status_code == 200


def test_update_of_a_v2_account_answers_the_v1_shape_codat_documents(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)
    client.post(path, json=V2)

    updated = client.patch(f"{path}/acc-001", json={"id": "acc-001", "accountName": "Renamed"})

    assert updated.status_code == 200
    assert updated.json()["accountName"] == "Renamed" and updated.json()["accountType"] == "checking"
    assert "routingInfo" not in updated.json() and "accountInfo" not in updated.json()
    assert "feedStartDate" not in updated.json()
    assert client.get(path).json()[0]["routingInfo"] == V2["routingInfo"], "the account keeps its v2 fields"


def test_duplicate_account_id_is_400(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)
    client.post(path, json=V2)

    assert client.post(path, json=V2).status_code == 400
    assert len(client.get(path).json()) == 1


def test_update_changes_the_name_and_accepts_unchanged_fields_the_sdk_echoes(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)
    created = client.post(path, json=V1).json()

    updated = client.patch(f"{path}/acc-002", json={**created, "accountName": "Renamed"})

    assert updated.status_code == 200
    assert updated.json()["accountName"] == "Renamed"


def test_update_of_another_field_is_400_naming_it(client: TestClient, world: World) -> None:
    _, _, path = _setup(world)
    client.post(path, json=V1)

    response = client.patch(f"{path}/acc-002", json={"id": "acc-002", "currency": "USD"})

    assert response.status_code == 400
    assert "'currency'" in response.json()["error"]
    assert client.get(path).json()[0]["currency"] == "GBP"


def test_balance_of_a_connected_account_cannot_be_updated(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    path = world.accounts_path(company, connection)

    refused = client.patch(f"{path}/{account}", json={"id": account, "balance": 1.0})
    _, _, pending_path = _setup(world)
    client.post(pending_path, json=V1)
    allowed = client.patch(f"{pending_path}/acc-002", json={"id": "acc-002", "balance": 1.0})

    assert refused.status_code == 400
    assert allowed.status_code == 200 and allowed.json()["balance"] == 1.0


def test_status_can_only_become_disconnected(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()
    path = world.accounts_path(company, connection)

    assert client.patch(f"{path}/{account}", json={"id": account, "status": "pending"}).status_code == 400
    done = client.patch(f"{path}/{account}", json={"id": account, "status": "disconnected"})

    assert done.json()["status"] == "disconnected"
    assert client.get(f"/companies/{company}/connections/{connection}").json()["status"] == "Unlinked"


def test_every_call_gives_new_credentials_and_all_stay_valid_until_revoked(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection, "a1")
    first, second = world.credentials(company, connection), world.credentials(company, connection)
    link = {"accounts": [{"sourceAccountId": "a1", "feedStartDate": "2026-03-17"}]}

    assert first != second
    assert client.post("/_mock/qbo/link", json={**first, **link}).status_code == 200
    assert client.post("/_mock/qbo/link", json={**second, **link}).status_code == 200
    assert client.delete(f"{world.accounts_path(company, connection)}/credentials").status_code == 204
    assert client.post("/_mock/qbo/link", json={**second, **link}).status_code == 401


def test_generate_credentials_accepts_the_json_string_the_sdk_sends(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)

    response = client.post(
        f"{world.accounts_path(company, connection)}/credentials",
        content=b'"{}"',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 200
    assert set(response.json()) == {"username", "password"}


def test_wrong_password_is_refused_by_qbo(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection, "a1")
    credentials = world.credentials(company, connection)

    response = client.post(
        "/_mock/qbo/link",
        json={"username": credentials["username"], "password": "guess", "accounts": [{"sourceAccountId": "a1", "feedStartDate": "2026-03-17"}]},
    )

    assert response.status_code == 401
    assert client.get(world.accounts_path(company, connection)).json()[0]["status"] == "pending"


def test_feed_start_date_older_than_seven_days_is_clamped(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection, "a1")
    credentials = world.credentials(company, connection)

    linked = client.post(
        "/_mock/qbo/link",
        json={**credentials, "accounts": [{"sourceAccountId": "a1", "feedStartDate": "2026-01-01"}]},
    ).json()

    assert linked["accounts"][0]["feedStartDate"] == "2026-03-11"
    assert linked["accounts"][0]["requestedFeedStartDate"] == "2026-01-01"
    assert client.get(world.accounts_path(company, connection)).json()[0]["feedStartDate"] == "2026-03-11"
