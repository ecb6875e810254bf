"""The drift check: our document against Codat's, and the comparison itself on documents made for the test."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts import PUBLIC_DOCUMENT, document
from contracts.cli import main
from contracts.drift import Allowance, DriftInputError, compare, load_allowances

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = REPO.parent / "shared" / "reference" / "Codat-Bank-Feeds.yaml"


def ours() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(document(PUBLIC_DOCUMENT).read_text(encoding="utf-8"))
    return loaded


def one_operation(schema: dict[str, Any], *, parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A document with one operation answering ``schema`` with 200."""
    operation: dict[str, Any] = {
        "operationId": "get-thing",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}},
    }
    if parameters:
        operation["parameters"] = parameters
    return {"openapi": "3.1.0", "paths": {"/thing": {"get": operation}}}


@pytest.mark.skipif(not UPSTREAM.exists(), reason=f"Codat's document is not beside the repository ({UPSTREAM})")
def test_our_document_has_no_unexplained_drift_from_codats(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["drift", "--upstream", str(UPSTREAM)])

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "RESULT: clean" in printed


def test_a_copy_of_our_document_with_one_enum_value_removed_is_reported() -> None:
    theirs = ours()
    account_types = theirs["components"]["schemas"]["SourceAccountV2AccountType"]["enum"]
    account_types.remove("loan")

    report = compare(upstream=theirs, ours=ours(), allowances=[])

    assert report.unexplained, "an enum value less must show"
    assert {(d.kind, d.attribute) for d in report.unexplained} == {("changed", "enum")}
    assert all("loan" in (d.ours or "") and "loan" not in (d.upstream or "") for d in report.unexplained)
    assert any(d.key == "create-source-account > request > body<1>.accountType: enum" for d in report.unexplained)


def test_an_identical_document_has_no_drift() -> None:
    report = compare(upstream=ours(), ours=copy.deepcopy(ours()), allowances=[])

    assert report.clean and not report.explained


def test_nullable_true_and_a_type_array_with_null_are_the_same_fact() -> None:
    theirs = one_operation({"type": "object", "properties": {"at": {"type": "string", "nullable": True}}})
    mine = one_operation({"type": "object", "properties": {"at": {"type": ["string", "null"]}}})

    assert compare(upstream=theirs, ours=mine, allowances=[]).clean


def test_nullable_beside_a_ref_counts_for_nothing_as_generated_clients_read_it() -> None:
    components = {"schemas": {"When": {"type": "string", "format": "date-time"}}}
    theirs = one_operation({"$ref": "#/components/schemas/When", "nullable": True}) | {"components": components}
    plain = one_operation({"$ref": "#/components/schemas/When"}) | {"components": components}
    nullable = one_operation({"anyOf": [{"$ref": "#/components/schemas/When"}, {"type": "null"}]}) | {"components": components}

    assert compare(upstream=theirs, ours=plain, allowances=[]).clean
    [difference] = compare(upstream=theirs, ours=nullable, allowances=[]).unexplained
    assert (difference.attribute, difference.upstream, difference.ours) == ("type", "string", "null | string")


def test_a_null_branch_of_anyof_and_nullable_on_a_schema_of_its_own_are_the_same_fact() -> None:
    components = {"schemas": {"When": {"type": "string", "format": "date-time"}}}
    theirs = one_operation({"type": "string", "format": "date-time", "nullable": True})
    mine = one_operation({"anyOf": [{"$ref": "#/components/schemas/When"}, {"type": "null"}]}) | {"components": components}

    assert compare(upstream=theirs, ours=mine, allowances=[]).clean


def test_a_parameter_bound_that_differs_is_reported_with_both_values() -> None:
    theirs = one_operation({"type": "object"}, parameters=[{"name": "pageSize", "in": "query", "schema": {"type": "integer", "maximum": 5000}}])
    mine = one_operation({"type": "object"}, parameters=[{"name": "pageSize", "in": "query", "schema": {"type": "integer", "maximum": 2000}}])

    [difference] = compare(upstream=theirs, ours=mine, allowances=[]).unexplained

    assert difference.key == "get-thing > parameter query:pageSize: maximum"
    assert (difference.upstream, difference.ours) == ("5000", "2000")


def test_a_missing_operation_is_reported_once_not_field_by_field() -> None:
    theirs = ours()
    mine = ours()
    del mine["paths"]["/companies/{companyId}/accessToken"]

    report = compare(upstream=theirs, ours=mine, allowances=[])

    assert [d.describe() for d in report.unexplained] == ["missing  get-company-access-token"]


def test_a_required_field_dropped_from_a_response_is_reported() -> None:
    theirs = ours()
    mine = ours()
    mine["components"]["schemas"]["Company"]["required"].remove("redirect")

    keys = {d.key for d in compare(upstream=theirs, ours=mine, allowances=[]).unexplained}

    assert "get-company > status 200 > body: required redirect" in keys


def test_an_allowance_explains_what_it_matches_and_one_matching_nothing_fails_the_check() -> None:
    theirs = one_operation({"type": "object", "properties": {"n": {"type": "integer"}}})
    mine = one_operation({"type": "object", "properties": {"n": {"type": "number"}}})
    used = Allowance("get-thing > status 200 > body.n: type", "numbers may have decimals here", "changed")
    stale = Allowance("nothing > like > this", "an old excuse")

    report = compare(upstream=theirs, ours=mine, allowances=[used, stale])

    assert not report.unexplained
    assert [allowance for _, allowance in report.explained] == [used]
    assert report.unused == [stale] and not report.clean


def test_an_allowance_of_another_kind_does_not_explain(tmp_path: Path) -> None:
    theirs = one_operation({"type": "object"})
    mine = copy.deepcopy(theirs)
    mine["paths"]["/thing"]["get"]["responses"]["404"] = {"description": "gone"}

    report = compare(upstream=theirs, ours=mine, allowances=[Allowance("* > status 404", "not found", "missing")])

    assert [d.describe() for d in report.unexplained] == ["extra    get-thing > status 404"]


def test_every_allow_entry_needs_a_one_line_reason(tmp_path: Path) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text("allow:\n  - key: 'get-thing > status 404'\n", encoding="utf-8")

    with pytest.raises(DriftInputError, match="reason"):
        load_allowances(allow)


def test_drift_command_exits_1_and_lists_the_unexplained_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    theirs = ours()
    theirs["components"]["schemas"]["PushOperationStatus"]["enum"].append("Cancelled")
    upstream, allow = tmp_path / "upstream.yaml", tmp_path / "allow.yaml"
    upstream.write_text(yaml.safe_dump(theirs), encoding="utf-8")
    allow.write_text("allow: []\n", encoding="utf-8")

    code = main(["drift", "--upstream", str(upstream), "--allow", str(allow)])

    printed = capsys.readouterr().out
    assert code == 1
    assert "changed  get-create-operation > status 200 > body.status: enum" in printed
    assert "RESULT: DRIFT" in printed


def test_drift_command_exits_2_when_the_upstream_document_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["drift", "--upstream", str(tmp_path / "absent.yaml")])

    assert code == 2
    assert "cannot read" in capsys.readouterr().err
