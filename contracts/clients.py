"""An OpenAPI document as Codat's generated SDKs read it: the strictest honest reading of an answer's shape.

Codat's SDKs (Python, TypeScript zod models, C#, Go) are generated from its document, and they read
it more narrowly than its authors may have meant:

- ``nullable: true`` beside a ``$ref`` counts for nothing (in OpenAPI 3.0 everything beside a
  ``$ref`` is ignored), so such a property is "a value when present", never ``null``. Only a
  ``nullable: true`` on a schema of its own (not a bare ``$ref``) lets ``null`` through.
- ``additionalProperties: false`` holds: the Go SDK refuses properties a closed schema does not list.
- ``oneOf`` is judged as a union: the TypeScript models take the first branch that parses, the Go
  and C# ones the branch that fits; none refuses an answer that fits two branches. So it reads
  as ``anyOf``.
- Of the string formats only ``date-time`` is checked (the TypeScript models parse it as an
  RFC 3339 instant with an offset); ``uuid``, ``uri`` and the like are plain strings to them.

:func:`as_generated_clients_read` rewrites a document into plain JSON Schema (2020-12) with those
readings, ready for :class:`contracts.responses.ResponseChecker`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CHECKED_FORMATS = frozenset({"date-time"})
# Values of these keywords are data, not schemas: copied as they are.
_DATA_KEYWORDS = frozenset({"example", "examples", "enum", "const", "default", "description", "required"})
# Values of these keywords map names to schemas: a property may well be called "description" or "properties".
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "definitions", "$defs", "schemas"})


def as_generated_clients_read(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose schemas say what a generated client accepts."""
    rewritten: dict[str, Any] = _rewrite(spec)
    return rewritten


def _rewrite(node: Any) -> Any:
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    if isinstance(node.get("$ref"), str):
        return {"$ref": node["$ref"]}  # whatever sits beside it is ignored, nullable included
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DATA_KEYWORDS:
            out[key] = value
        elif key in _NAMED_SCHEMAS and isinstance(value, Mapping):
            out[key] = {name: _rewrite(schema) for name, schema in value.items()}
        elif key == "oneOf":
            out["anyOf"] = _rewrite(value)
        elif key == "format" and isinstance(value, str):
            if value in CHECKED_FORMATS:
                out[key] = value
        elif key == "nullable" and isinstance(value, bool):
            continue
        else:
            out[key] = _rewrite(value)
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, out]}
    return out


__all__ = ["CHECKED_FORMATS", "as_generated_clients_read"]
