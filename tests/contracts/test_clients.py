"""Codat's document as its generated SDKs read it: the strict check every API test's answers go through.

The first tests read small documents made for them; the rest read Codat's own document, beside the
repository, and put back into real answers the kinds of departure the SDKs refuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.clients import as_generated_clients_read
from contracts.responses import ResponseChecker
from mock_server import Settings
from tests.support import CODAT_DOCUMENT, NOW, World, make_client, strict_mismatches, strict_webhook_mismatches, txn


def _checker(schema: dict[str, Any], schemas: dict[str, Any] | None = None) -> ResponseChecker:
    operation = {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}}
    spec = {"openapi": "3.1.0", "paths": {"/thing": {"get": operation}}, "components": {"schemas": schemas or {}}}
    return ResponseChecker(as_generated_clients_read(spec), formats=True)


def _fits(checker: ResponseChecker, body: Any) -> bool:
    return not checker.check("GET", "/thing", 200, body)


WHEN = {"When": {"type": "string"}}


def test_nullable_beside_a_ref_counts_for_nothing() -> None:
    checker = _checker({"type": "object", "properties": {"at": {"$ref": "#/components/schemas/When", "nullable": True}}}, WHEN)

    assert _fits(checker, {"at": "2026-03-18"}) and _fits(checker, {})
    assert not _fits(checker, {"at": None})


def test_nullable_on_a_schema_of_its_own_lets_null_through() -> None:
    checker = _checker({"type": "object", "properties": {"name": {"type": "string", "nullable": True, "enum": ["a"]}}})

    assert _fits(checker, {"name": None}) and _fits(checker, {"name": "a"})
    assert not _fits(checker, {"name": "b"})


def test_a_closed_schema_refuses_a_property_it_does_not_list() -> None:
    checker = _checker({"type": "object", "additionalProperties": False, "properties": {"id": {"type": "string"}}})

    assert _fits(checker, {"id": "x"})
    assert not _fits(checker, {"id": "x", "routingInfo": {}})


def test_oneof_is_a_union_an_answer_fitting_two_branches_is_read() -> None:
    identified = {"type": "object", "properties": {"id": {"type": "string"}}}
    branches = [identified, {**identified, "required": ["id"]}]
    checker = _checker({"oneOf": branches})

    assert _fits(checker, {"id": "x"})  # fits both: a strict oneOf would refuse it, no SDK does
    assert not _fits(checker, {"id": 1})


def test_only_date_time_is_checked_among_the_formats() -> None:
    checker = _checker({"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}, "id": {"type": "string", "format": "uuid"}}})

    assert _fits(checker, {"at": "2026-03-18T09:00:00Z", "id": "acc-1"})
    assert not _fits(checker, {"at": "2026-03-18 09:00"})


def test_a_property_named_like_a_keyword_is_still_read_as_a_schema() -> None:
    checker = _checker({"type": "object", "properties": {"description": {"$ref": "#/components/schemas/When", "nullable": True}}}, WHEN)

    assert not _fits(checker, {"description": None})


# ---- Codat's own document ---------------------------------------------------------------------

needs_codat = pytest.mark.skipif(
    not CODAT_DOCUMENT.is_file(), reason=f"Codat's document is not beside the repository ({CODAT_DOCUMENT}); the strict check is off"
)


@pytest.fixture
def slow_client() -> Iterator[TestClient]:
    with make_client(Settings(clock=NOW, background_ticks=False, seed=7, push_delay=600)) as client:
        yield client


def _answer(client: TestClient, method: str, path: str, **kwargs: Any) -> tuple[str, Any]:
    response = client.request(method, path, **kwargs)
    assert response.status_code == 200, response.text
    return path, response.json()


@needs_codat
def test_a_null_put_back_into_a_pending_push_fails_the_strict_check(slow_client: TestClient) -> None:
    world = World(slow_client)
    company, connection, account = world.linked_account()
    pushed = world.push(company, connection, account, [txn("t1", "2026-03-17")])
    path, body = pushed.request.url.path, pushed.json()
    assert body["status"] == "Pending" and not strict_mismatches("POST", path, 200, body)

    mismatches = strict_mismatches("POST", path, 200, {**body, "completedOnUtc": None})

    assert [m.message for m in mismatches] == ['completedOnUtc: null is not of type "string"']


@needs_codat
def test_a_null_put_back_into_a_company_fails_and_one_codat_allows_passes(client: TestClient, world: World) -> None:
    path, body = _answer(client, "GET", f"/companies/{world.company()}")
    assert body["createdByUserName"] is None  # a string of its own marked nullable: kept, as Codat sends it

    assert strict_mismatches("GET", path, 200, {**body, "lastSync": None})
    assert strict_mismatches("GET", path, 200, {**body, "description": None})
    assert not strict_mismatches("GET", path, 200, body)


@needs_codat
def test_a_v2_field_in_the_update_answer_fails_the_closed_v1_schema(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)
    world.account(company, connection, "acc-1")
    path, body = _answer(client, "PATCH", f"{world.accounts_path(company, connection)}/acc-1", json={"id": "acc-1", "accountName": "Renamed"})

    assert not strict_mismatches("PATCH", path, 200, body)
    assert strict_mismatches("PATCH", path, 200, {**body, "routingInfo": {"bankCode": "1", "type": "rtn"}})


@needs_codat
def test_a_list_mixing_the_two_shapes_fails_the_strict_check(client: TestClient, world: World) -> None:
    company = world.company()
    v2_connection, v1_connection = world.connection(company), world.connection(company)
    world.account(company, v2_connection, "v2")
    client.post(world.accounts_path(company, v1_connection), json={"id": "v1", "accountName": "Old", "accountType": "Debit", "sortCode": "123456"})
    path, v2_list = _answer(client, "GET", world.accounts_path(company, v2_connection))
    _, v1_list = _answer(client, "GET", world.accounts_path(company, v1_connection))
    v2_list[0]["routingInfo"] = {"bankCode": "021001088", "type": "rtn"}

    assert not strict_mismatches("GET", path, 200, v2_list) and not strict_mismatches("GET", path, 200, v1_list)
    assert strict_mismatches("GET", path, 200, v2_list + v1_list)


@needs_codat
def test_an_error_with_a_status_codat_does_not_list_is_still_read_as_its_envelope(client: TestClient, world: World) -> None:
    path = f"/companies/{world.company()}/connections"
    envelope = {"statusCode": 400, "service": "PublicApi", "error": "No platform key.", "correlationId": "x", "canBeRetried": "Unknown", "detailedErrorCode": 0}

    assert not strict_mismatches("POST", path, 400, envelope)
    assert strict_mismatches("POST", path, 400, {**envelope, "validation": {"errors": [{"itemId": 1}]}})


@needs_codat
def test_a_source_account_webhook_with_a_null_codat_types_as_a_value_fails_the_strict_check() -> None:
    account = {"id": "acc-1", "accountName": "Old", "accountType": "Debit", "currency": "USD", "modifiedDate": "2026-03-18T09:00:00.000Z", "status": "connected", "feedStartDate": "2026-03-11"}
    body = {
        "id": "ba29118f-5406-4e59-b05c-ba307ca38d01",
        "eventType": "bankFeeds.sourceAccount.connected",
        "generatedDate": "2026-03-18T09:00:00.000Z",
        "payload": {"referenceCompany": {"id": "c", "name": "Toft stores"}, "connectionId": "x", "sourceAccount": account},
    }

    assert not strict_webhook_mismatches("bankFeeds.sourceAccount.connected", body)
    assert strict_webhook_mismatches("bankFeeds.sourceAccount.connected", {**body, "payload": {**body["payload"], "sourceAccount": {**account, "feedStartDate": None}}})
