"""Request shapes, checked against our OpenAPI document: the one place shapes are written down.

The document is read and every request-body schema compiled once, when the app is built; checking
a body is then a call into a compiled validator (jsonschema-rs), cheap enough for every request.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs
import yaml

from contracts import CONTROL_DOCUMENT, PUBLIC_DOCUMENT, document
from mock_server.errors import BadRequest
from mock_server.rules import Violation

_METHODS = ("get", "put", "post", "delete", "patch")


@cache
def load(name: str = PUBLIC_DOCUMENT) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(document(name).read_text(encoding="utf-8"))
    return loaded


@cache
def document_text(name: str = PUBLIC_DOCUMENT) -> str:
    return document(name).read_text(encoding="utf-8")


class RequestSchemas:
    """Compiled request-body validators of one document, by operationId."""

    def __init__(self, spec: dict[str, Any]) -> None:
        components = spec.get("components", {})
        self._validators: dict[str, Any] = {}
        for item in spec.get("paths", {}).values():
            for method in _METHODS:
                operation = item.get(method)
                if not operation or "operationId" not in operation:
                    continue
                content = operation.get("requestBody", {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema:
                    # The whole components section travels with each schema so that $refs resolve.
                    root = {"components": components, "allOf": [schema]}
                    self._validators[operation["operationId"]] = jsonschema_rs.Draft202012Validator(root)

    def check(self, operation_id: str, body: Any) -> None:
        """Raise BadRequest listing every place the body departs from the documented shape."""
        validator = self._validators.get(operation_id)
        if validator is None or validator.is_valid(body):
            return
        violations = [
            Violation("Schema", _path(error.instance_path), f"{_path(error.instance_path) or 'body'}: {error.message}")
            for error in validator.iter_errors(body)
        ]
        raise BadRequest(
            "The request body does not match the documented shape: "
            + "; ".join(v.message for v in violations[:5]),
            violations=violations,
        )


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
