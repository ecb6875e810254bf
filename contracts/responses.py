"""Check responses against an OpenAPI document: used by the test suite on every call it makes.

``ResponseChecker(spec).check(method, path, status, body)`` finds the documented operation for the
request, then the documented response for the status, and returns every way the answer departs
from it (an undocumented status, a body that breaks the schema). Schemas are compiled on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Mismatch:
    operation: str
    status: int
    message: str

    def __str__(self) -> str:
        return f"{self.operation} -> {self.status}: {self.message}"


@dataclass(frozen=True)
class _Operation:
    operation_id: str
    method: str
    pattern: re.Pattern[str]
    literal_segments: int
    responses: dict[str, Any]


class ResponseChecker:
    """Checks answers against ``spec``.

    ``formats``: check the string formats (the document's own, or as rewritten by
    :mod:`contracts.clients`). ``undocumented_errors``: a ``$ref`` that an error answer (4xx, 5xx)
    with a status the document does not list is checked against, instead of being reported: a
    client takes any such answer as an error, but still reads its envelope.
    """

    def __init__(self, spec: dict[str, Any], *, formats: bool = False, undocumented_errors: str | None = None) -> None:
        self._components = spec.get("components", {})
        self._formats = formats
        self._undocumented_errors = undocumented_errors
        self._operations: list[_Operation] = []
        for path, item in spec.get("paths", {}).items():
            pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
            literal = sum(1 for part in path.split("/") if part and not part.startswith("{"))
            for method in _METHODS:
                if method in item:
                    operation = item[method]
                    self._operations.append(
                        _Operation(operation.get("operationId", f"{method} {path}"), method, pattern, literal, operation.get("responses", {}))
                    )
        # Literal segments win over templates (/syncs/latest before /syncs/{syncId}).
        self._operations.sort(key=lambda op: -op.literal_segments)
        self._compiled: dict[tuple[str, str], Any] = {}

    def operation(self, method: str, path: str) -> _Operation | None:
        method = method.lower()
        return next((op for op in self._operations if op.method == method and op.pattern.match(path)), None)

    def _validator(self, operation: _Operation, key: str, schema: Any) -> Any:
        cache_key = (operation.operation_id, key)
        if cache_key not in self._compiled:
            self._compiled[cache_key] = jsonschema_rs.Draft202012Validator(
                {"components": self._components, "allOf": [schema]}, validate_formats=self._formats
            )
        return self._compiled[cache_key]

    def check(self, method: str, path: str, status: int, body: Any, content_type: str = "application/json") -> list[Mismatch]:
        """Every departure from the document; [] when the answer is as documented."""
        operation = self.operation(method, path)
        if operation is None:
            return []  # not part of this document (another document's path)
        key = str(status)
        documented = operation.responses.get(key) or operation.responses.get(f"{key[0]}XX") or operation.responses.get("default")
        if documented is None and self._undocumented_errors and status >= 400:
            documented = {"content": {"application/json": {"schema": {"$ref": self._undocumented_errors}}}}
        if documented is None:
            return [Mismatch(operation.operation_id, status, f"status {status} is not documented ({', '.join(operation.responses)})")]
        if "$ref" in documented:
            documented = self._resolve(documented["$ref"])
        content = documented.get("content") or {}
        if not content:
            if body not in (None, b"", ""):
                return [Mismatch(operation.operation_id, status, "a body was sent where none is documented")]
            return []
        # An answer documented in several media types (JSON or YAML) is checked against the one sent.
        media_type = content_type.split(";")[0].strip().lower()
        if media_type not in content and "application/json" in content:
            return [Mismatch(operation.operation_id, status, f"content type {content_type!r}, documented {', '.join(content)}")]
        chosen = media_type if media_type in content else next(iter(content))
        schema = content[chosen].get("schema")
        if schema is None:
            return []
        validator = self._validator(operation, f"{key} {chosen}", schema)
        return [
            Mismatch(operation.operation_id, status, f"{'/'.join(map(str, error.instance_path)) or 'body'}: {error.message}")
            for error in validator.iter_errors(body)
        ]

    def _resolve(self, ref: str) -> dict[str, Any]:
        node: Any = {"components": self._components}
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return dict(node)
