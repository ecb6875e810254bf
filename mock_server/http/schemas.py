"""Request shapes, checked against our OpenAPI document: the one place shapes are written down.

The document is read when the app is built: a document that does not parse, or whose request
bodies refer to a component it lacks, fails at start. Each operation's request-body and
query-parameter schemas are compiled (jsonschema-rs) the first time a request needs them, in a
millisecond or two, and kept: an idle emulator holds neither the compiled validators nor the
library. ``tests/http/test_schemas.py`` compiles every one of them, so a schema jsonschema-rs
refuses fails the suite rather than a request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from contracts import CONTROL_DOCUMENT, PUBLIC_DOCUMENT, document
from mock_server.core.errors import BadRequest
from mock_server.core.rules import Violation
from mock_server.http.documents import parsed

_METHODS = ("get", "put", "post", "delete", "patch")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
# OpenAPI's integer formats are bounds a JSON Schema validator does not know about.
_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


@dataclass(frozen=True)
class _QueryParameter:
    """One documented query parameter: how to read its text, and the check of the value (compiled on first use)."""

    name: str
    kind: str  # the schema's type: "integer", "number", "boolean" or "string"
    required: bool
    #: What the value must satisfy, as JSON text: its schema and the bounds its format implies.
    parts: str

    @property
    def validator(self) -> Any:
        return _parameter_validator(self.parts)

    def violation(self, raw: str) -> str | None:
        """What is wrong with this value, or None."""
        value: Any = raw
        if self.kind == "integer":
            if not _WHOLE_NUMBER.fullmatch(raw):
                return f"Query parameter '{self.name}' must be a whole number, got '{raw}'."
            value = int(raw)
        elif self.kind == "number":
            try:
                value = float(raw)
            except ValueError:
                return f"Query parameter '{self.name}' must be a number, got '{raw}'."
        elif self.kind == "boolean":
            if raw.lower() not in ("true", "false"):
                return f"Query parameter '{self.name}' must be true or false, got '{raw}'."
            value = raw.lower() == "true"
        error = next(iter(self.validator.iter_errors(value)), None)
        return None if error is None else f"Query parameter '{self.name}' is out of range: {error.message}."


def load(name: str = PUBLIC_DOCUMENT) -> dict[str, Any]:
    """The document, parsed afresh (not kept: the app keeps only what it checks requests with)."""
    return parsed(name)


@cache
def document_text(name: str = PUBLIC_DOCUMENT) -> str:
    return document(name).read_text(encoding="utf-8")


class RequestSchemas:
    """The request-body and query-parameter checks of one document, by operationId."""

    def __init__(self, spec: dict[str, Any]) -> None:
        components = spec.get("components", {})
        self._query: dict[str, tuple[_QueryParameter, ...]] = {}
        bodies: dict[str, Any] = {}
        for item in spec.get("paths", {}).values():
            for method in _METHODS:
                operation = item.get(method)
                if not operation or "operationId" not in operation:
                    continue
                self._query[operation["operationId"]] = _query_parameters(components, item, operation)
                content = operation.get("requestBody", {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema:
                    bodies[operation["operationId"]] = schema
        # Each body with only the components it reaches, directly or through one another (the
        # responses' schemas, three quarters of the document, are never compiled), ready to compile
        # on first use. Found now, so a $ref to a missing component fails at start.
        self._roots: dict[str, dict[str, Any]] = {
            name: {"components": _reachable(components, {name: body}), "$defs": {name: body}}
            for name, body in bodies.items()
        }
        self._validators: dict[str, Any] = {}
        schemas = components.get("schemas", {})
        self._fields = {name: _properties(schemas, name) for name in schemas}

    def record_fields(self, schema_name: str) -> frozenset[str]:
        """Top-level property names of a documented record (through ``allOf`` and ``$ref``)."""
        return self._fields[schema_name]

    def operations(self) -> frozenset[str]:
        """The operationIds with a request body or query parameters to check."""
        return frozenset(self._roots) | {name for name, parameters in self._query.items() if parameters}

    def compile(self, operation_id: str) -> None:
        """Compile the operation's checks now rather than on the first request that needs them."""
        self._validator(operation_id)
        for parameter in self._query.get(operation_id, ()):
            _parameter_validator(parameter.parts)

    def _validator(self, operation_id: str) -> Any:
        validator = self._validators.get(operation_id)
        if validator is None and operation_id in self._roots:
            import jsonschema_rs  # a library of 15 MB, loaded with the first body there is to check

            compiled = jsonschema_rs.validator_map_for(self._roots[operation_id])
            validator = self._validators[operation_id] = compiled.get(f"#/$defs/{operation_id}")
        return validator

    def problems(self, operation_id: str, body: Any) -> list[Violation]:
        """Every place the body departs from the documented shape, as ``Schema`` violations."""
        validator = self._validator(operation_id)
        if validator is None or validator.is_valid(body):
            return []
        return [
            Violation("Schema", _path(error.instance_path), f"{_path(error.instance_path) or 'body'}: {error.message}")
            for error in validator.iter_errors(body)
        ]

    def check(self, operation_id: str, body: Any) -> None:
        """Raise BadRequest listing every place the body departs from the documented shape."""
        violations = self.problems(operation_id, body)
        if not violations:
            return
        raise BadRequest(
            "The request body does not match the documented shape: " + "; ".join(v.message for v in violations[:5]),
            violations=violations,
        )

    def check_query(self, operation_id: str, params: Mapping[str, str]) -> None:
        """Raise BadRequest naming each documented query parameter whose value the document forbids.

        Parameters the document does not list are ignored, as Codat ignores them.
        """
        problems: list[str] = []
        for parameter in self._query.get(operation_id, ()):
            raw = params.get(parameter.name)
            if raw is None:
                if parameter.required:
                    problems.append(f"Query parameter '{parameter.name}' is required.")
                continue
            problem = parameter.violation(raw)
            if problem:
                problems.append(problem)
        if problems:
            raise BadRequest(" ".join(problems), violations=[Violation("Query", None, p) for p in problems])


def _query_parameters(
    components: dict[str, Any], item: dict[str, Any], operation: dict[str, Any]
) -> tuple[_QueryParameter, ...]:
    """The operation's query parameters (its own over its path's), each with its resolved schema."""
    found: dict[str, dict[str, Any]] = {}
    for raw in (*item.get("parameters", ()), *operation.get("parameters", ())):
        parameter = _resolve(components, raw)
        if parameter.get("in") == "query":
            found[parameter["name"]] = parameter
    compiled = []
    for name, parameter in found.items():
        schema = _resolve(components, parameter.get("schema", {}))
        kind = schema.get("type", "string")
        kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
        parts = [schema]
        if schema.get("format") in _FORMAT_BOUNDS:
            low, high = _FORMAT_BOUNDS[schema["format"]]
            parts.append({"minimum": low, "maximum": high})
        compiled.append(_QueryParameter(name, kind, bool(parameter.get("required")), json.dumps(parts, sort_keys=True)))
    return tuple(compiled)


@cache
def _parameter_validator(parts: str) -> Any:
    # Parameter schemas are plain once resolved: no components to carry, and the same page,
    # pageSize or query schema on forty operations compiles once.
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator({"allOf": json.loads(parts)})


def _resolve(components: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``#/components/...`` reference (one level is all our documents use)."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    target: Any = {"components": components}
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return dict(target)


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@cache
def public_schemas() -> RequestSchemas:
    return RequestSchemas(load(PUBLIC_DOCUMENT))


@cache
def control_schemas() -> RequestSchemas:
    return RequestSchemas(load(CONTROL_DOCUMENT))


def record_fields(schema_name: str, name: str = PUBLIC_DOCUMENT) -> frozenset[str]:
    """Top-level property names of a documented record (through ``allOf`` and ``$ref``).

    A list's ``query`` and ``orderBy`` may name only these: an unknown one is a malformed query
    even when the list is empty.
    """
    schemas = public_schemas() if name == PUBLIC_DOCUMENT else control_schemas()
    return schemas.record_fields(schema_name)


def _properties(schemas: dict[str, Any], schema_name: str) -> frozenset[str]:
    # A loop rather than a closure that calls itself: that closure is a reference cycle, which
    # kept the whole parsed document alive until the next full collection.
    found: set[str] = set()
    pending: list[dict[str, Any]] = [schemas[schema_name]]
    while pending:
        node = pending.pop()
        ref = node.get("$ref")
        if isinstance(ref, str):
            pending.append(schemas[ref.rsplit("/", 1)[-1]])
        found.update(node.get("properties", {}))
        pending.extend(node.get("allOf", ()))
    return frozenset(found)


def _reachable(components: dict[str, Any], roots: dict[str, Any]) -> dict[str, Any]:
    """The components that ``roots`` refer to, directly or through one another."""
    found: dict[str, dict[str, Any]] = {}
    pending: list[Any] = [roots]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                kind, name = ref.split("/")[2:4]
                if name not in found.setdefault(kind, {}):
                    found[kind][name] = components[kind][name]
                    pending.append(components[kind][name])
            pending.extend(node.values())
    return found
