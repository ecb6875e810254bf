"""The typed records of a push body against the OpenAPI document, field by field.

The document is the one place shapes are written down; ``Txn``, ``DetailedTxn``, ``Batch`` and
``DetailedBatch`` restate the create-bank-transactions body so msgspec can check it while it
decodes. These tests hold the two together: the same names, the document's types (narrowed only
where a QBO rule refuses the rest), the same required fields and enums. A change to either side
that the other does not follow fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
import yaml

from mock_server.core import rules
from mock_server.core.model import Batch, DetailedBatch, DetailedTxn, Txn

DOCUMENT = Path(__file__).resolve().parents[2] / "contracts" / "bankfeeds.openapi.yaml"
SCHEMAS: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))["components"]["schemas"]

#: Fields the rules require of every transaction (RequiredField): never absent, null or empty.
RULE_REQUIRED = {"id", "date", "description", "amount"}
#: transactionType: the document lists every type Codat knows; QBO takes three (TransactionType).
RULE_ENUMS = {"transactionType": rules.TRANSACTION_TYPES}


def resolved(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return resolved(SCHEMAS[ref.rsplit("/", 1)[-1]]) if isinstance(ref, str) else node


def document_types(node: dict[str, Any]) -> set[str]:
    kind = resolved(node)["type"]
    return set(kind) if isinstance(kind, list) else {kind}


def struct_types(info: mi.Type) -> set[str]:
    """The JSON types a msgspec field type admits."""
    names = {
        mi.StrType: "string",
        mi.IntType: "integer",
        mi.FloatType: "number",
        mi.BoolType: "boolean",
        mi.NoneType: "null",
    }
    parts = info.types if isinstance(info, mi.UnionType) else (info,)
    found: set[str] = set()
    for part in parts:
        if isinstance(part, mi.LiteralType):
            found.add("string")
        else:
            found.add(names[type(part)])
    # JSON Schema's number includes the integers: int | float is exactly "number".
    return {"number"} if found >= {"integer", "number"} else found


def literal_values(info: mi.Type) -> set[Any] | None:
    parts = info.types if isinstance(info, mi.UnionType) else (info,)
    literals = [part for part in parts if isinstance(part, mi.LiteralType)]
    return set(literals[0].values) if literals else None


def fields_of(struct: type[msgspec.Struct]) -> dict[str, mi.Field]:
    info = mi.type_info(struct)
    assert isinstance(info, mi.StructType)
    return {f.encode_name: f for f in info.fields}


TRANSACTION = SCHEMAS["BankTransaction"]["properties"]
DETAILED = fields_of(DetailedTxn)


def test_a_detailed_transaction_has_exactly_the_documented_fields() -> None:
    assert set(DETAILED) == set(TRANSACTION)


def test_a_plain_transaction_is_the_detailed_one_without_the_echo_only_fields() -> None:
    plain = fields_of(Txn)
    assert set(DETAILED) - set(plain) == {"counterparty", "reference", "reconciled"}
    for name, field in plain.items():
        assert field.type == DETAILED[name].type and field.required == DETAILED[name].required, name


@pytest.mark.parametrize("name", sorted(TRANSACTION))
def test_each_transaction_field_has_the_documented_type(name: str) -> None:
    field, documented = DETAILED[name], TRANSACTION[name]
    expected = document_types(documented)
    if name in RULE_REQUIRED:
        expected -= {"null"}  # RequiredField: null is refused
    assert struct_types(field.type) == expected
    assert field.required == (name in RULE_REQUIRED or name in SCHEMAS["BankTransaction"].get("required", ()))
    if name in RULE_REQUIRED and isinstance(field.type, mi.StrType):
        assert field.type.min_length == 1  # RequiredField: empty is refused


@pytest.mark.parametrize("name", sorted(TRANSACTION))
def test_each_transaction_field_has_the_documented_enum(name: str) -> None:
    documented = resolved(TRANSACTION[name]).get("enum")
    values = literal_values(DETAILED[name].type)
    if name in RULE_ENUMS:
        assert documented is not None and values == set(RULE_ENUMS[name])
        assert values <= set(documented)
    else:
        assert documented is None and values is None


@pytest.mark.parametrize("struct", [Batch, DetailedBatch])
def test_a_batch_has_the_documented_fields_and_required(struct: type[msgspec.Struct]) -> None:
    documented = SCHEMAS["CreateBankTransactions"]
    fields = fields_of(struct)
    assert set(fields) == set(documented["properties"])
    assert {name for name, f in fields.items() if f.required} == set(documented["required"])
    assert struct_types(fields["accountId"].type) == document_types(documented["properties"]["accountId"])
    items = fields["transactions"].type
    assert isinstance(items, mi.ListType) and isinstance(items.item_type, mi.StructType)
    assert document_types(documented["properties"]["transactions"]) == {"array"}


def test_the_batch_limit_is_the_documented_one() -> None:
    assert SCHEMAS["BankTransactions"]["maxItems"] == rules.MAX_BATCH


@pytest.mark.parametrize("struct", [Txn, DetailedTxn, Batch, DetailedBatch])
def test_an_undocumented_field_is_not_decoded_but_left_to_the_precise_path(struct: type[msgspec.Struct]) -> None:
    assert struct.__struct_config__.forbid_unknown_fields


def test_a_documented_body_decodes_and_an_undocumented_one_does_not() -> None:
    body = b'{"accountId": "a", "transactions": [{"id": "t", "date": "2026-03-18", "description": "d", "amount": 1}]}'
    assert msgspec.json.decode(body, type=Batch).transactions[0].amount == 1
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(body.replace(b'"amount": 1', b'"amount": 1, "memo": "x"'), type=DetailedBatch)
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(body.replace(b'"amount": 1', b'"amount": true'), type=Batch)
