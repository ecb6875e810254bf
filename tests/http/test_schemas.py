"""Request checks from our documents: read at start, each operation's validators compiled on first use.

A start no longer compiles every validator, so this is where a schema that jsonschema-rs refuses
fails: every operation of both documents is compiled here, and each answers a bad request as the
document says.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contracts import CONTROL_DOCUMENT, PUBLIC_DOCUMENT
from mock_server.core.errors import BadRequest
from mock_server.http.schemas import RequestSchemas, control_schemas, load, public_schemas


def _operations_with_a_body(name: str) -> set[str]:
    """Every operationId of the document whose JSON request body has a schema."""
    return {
        operation["operationId"]
        for item in load(name)["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        and operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    }


@pytest.mark.parametrize(("name", "schemas"), [(PUBLIC_DOCUMENT, public_schemas), (CONTROL_DOCUMENT, control_schemas)])
def test_every_request_check_of_both_documents_compiles(name: str, schemas: Callable[[], RequestSchemas]) -> None:
    checks = schemas()
    operations = checks.operations()

    assert _operations_with_a_body(name) <= operations
    for operation_id in sorted(operations):
        checks.compile(operation_id)  # raises on a schema jsonschema-rs cannot compile


def test_a_body_is_checked_the_same_whether_its_validator_is_new_or_kept() -> None:
    checks = RequestSchemas(load(PUBLIC_DOCUMENT))  # nothing compiled yet
    bad = {"name": 7, "unknown": True}

    first = checks.problems("create-company", bad)
    again = checks.problems("create-company", bad)

    assert first == again
    assert [v.item_id for v in first] == ["name"]
    with pytest.raises(BadRequest) as raised:
        checks.check("create-company", bad)
    assert list(raised.value.violations) == first


def test_a_query_parameter_is_checked_on_first_use_as_the_document_says() -> None:
    checks = RequestSchemas(load(PUBLIC_DOCUMENT))

    with pytest.raises(BadRequest, match="Query parameter 'pageSize' is out of range"):
        checks.check_query("list-companies", {"pageSize": "0"})
    checks.check_query("list-companies", {"pageSize": "10"})


def test_a_body_that_refers_to_a_missing_component_fails_when_the_document_is_read() -> None:
    spec = load(PUBLIC_DOCUMENT)
    del spec["components"]["schemas"]["CompanyRequestBody"]

    with pytest.raises(KeyError, match="CompanyRequestBody"):
        RequestSchemas(spec)
