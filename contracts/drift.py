"""Drift between our OpenAPI document and Codat's: which contract facts differ, and which of those are explained.

Both documents are reduced to *facts*, after every ``$ref`` is resolved and the spellings that mean
the same are made one (``nullable: true`` and ``type: [X, 'null']``; ``anyOf``/``oneOf`` with a
``null`` branch; ``allOf`` merged). A ``$ref`` is read as Codat's generated SDKs read it (see
:mod:`contracts.clients`): whatever sits beside it, ``nullable: true`` included, counts for nothing. A fact is an owner path and an attribute::

    ("create-company", "request", "body.name")          "type"     -> "string"
    ("list-companies", "parameter query:pageSize")      "maximum"  -> "5000"
    ("create-company", "status 400")                    "exists"   -> "yes"

Facts cover operations (method and path), parameters, request bodies, status codes, response
bodies and webhooks; for each schema node: type, format, enum, required fields, closed objects
(``additionalProperties: false``), bounds and patterns, and the combinator of alternatives.
Descriptions, examples, tags, servers and info are not facts: they are ours to word.

A difference is *explained* when an entry of the allow file (``drift-allow.yaml``) matches its
key (a glob over ``owner > path: attribute``) and gives a reason; anything else is drift. An
allow entry that explains nothing is reported too, so the file cannot keep stale excuses.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contracts import PUBLIC_DOCUMENT, document

ALLOW_FILE = "drift-allow.yaml"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Keywords compared as they are written (after $refs are resolved).
_BOUNDS = (
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
    "pattern", "uniqueItems", "default",
)  # fmt: skip
_DEPTH_LIMIT = 12

Owner = tuple[str, ...]
Fact = tuple[Owner, str]


class DriftInputError(Exception):
    """A document or the allow file cannot be read or does not have the expected shape."""


@dataclass(frozen=True)
class Difference:
    """One fact that is not the same in both documents."""

    owner: Owner
    attribute: str
    upstream: str | None  # None: the fact is absent upstream (ours has something extra)
    ours: str | None  # None: the fact is absent from ours (ours misses something)

    @property
    def key(self) -> str:
        path = " > ".join(self.owner)
        return path if self.attribute == "exists" else f"{path}: {self.attribute}"

    @property
    def kind(self) -> str:
        if self.ours is None:
            return "missing"
        if self.upstream is None:
            return "extra"
        return "changed"

    def describe(self) -> str:
        if self.kind == "missing":
            return f"missing  {self.key}" + ("" if self.attribute == "exists" else f"  (upstream: {self.upstream})")
        if self.kind == "extra":
            return f"extra    {self.key}" + ("" if self.attribute == "exists" else f"  (ours: {self.ours})")
        return f"changed  {self.key}  (upstream: {self.upstream}; ours: {self.ours})"


@dataclass(frozen=True)
class Allowance:
    """An expected difference: a glob over difference keys, and why it is expected."""

    key: str
    reason: str
    kind: str | None = None  # only differences of this kind (missing, extra, changed), when set

    def explains(self, difference: Difference) -> bool:
        return fnmatch.fnmatchcase(difference.key, self.key) and self.kind in (None, difference.kind)


@dataclass
class Report:
    """Every difference, split into the explained and the unexplained, plus allowances that matched nothing."""

    upstream: str
    ours: str
    explained: list[tuple[Difference, Allowance]] = field(default_factory=list)
    unexplained: list[Difference] = field(default_factory=list)
    unused: list[Allowance] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.unexplained and not self.unused


# ---- reading -----------------------------------------------------------------------------------


def load_document(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DriftInputError(f"cannot read {path}: {exc}") from None
    if not isinstance(loaded, dict) or "paths" not in loaded:
        raise DriftInputError(f"{path} is not an OpenAPI document (no 'paths')")
    return loaded


def load_allowances(path: Path) -> list[Allowance]:
    """The allow file: ``allow: [{key: GLOB, reason: TEXT, kind?: missing|extra|changed}, ...]``."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DriftInputError(f"cannot read {path}: {exc}") from None
    entries = loaded.get("allow", []) if isinstance(loaded, dict) else None
    if not isinstance(entries, list):
        raise DriftInputError(f"{path}: expected a mapping with an 'allow' list")
    allowances = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            raise DriftInputError(f"{path}: entry {number} needs a 'key' (a glob over difference keys)")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip():
            raise DriftInputError(f"{path}: entry {number} ({entry['key']}) needs a one-line 'reason'")
        kind = entry.get("kind")
        if kind not in (None, "missing", "extra", "changed"):
            raise DriftInputError(f"{path}: entry {number} has kind {kind!r}; use missing, extra or changed")
        allowances.append(Allowance(entry["key"], reason.strip(), kind))
    return allowances


# ---- normalising schemas -----------------------------------------------------------------------


class _Resolver:
    """Follows local ``$ref``s of one document."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec

    def target(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise DriftInputError(f"only local $refs are supported, got {ref!r}")
        node: Any = self.spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                raise DriftInputError(f"unresolvable $ref {ref!r}")
        return node

    def deref(self, node: Any) -> Any:
        """The node itself, or what its ``$ref`` chain points at."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise DriftInputError(f"$ref cycle at {ref!r}")
            seen.add(ref)
            node = self.target(ref)
        return node


def normalise(schema: Any, resolver: _Resolver, stack: tuple[str, ...] = ()) -> dict[str, Any]:
    """One spelling for each meaning: refs inlined, nullability in ``types``, allOf merged.

    The result has only these keys: ``types`` (frozenset), ``format``, ``enum`` (frozenset of
    JSON texts), ``required`` (frozenset), ``closed`` (bool), the bounds, ``properties``,
    ``items``, ``extra`` (an additionalProperties schema), ``alternatives`` and ``combinator``.
    """
    if not isinstance(schema, Mapping):
        return {}
    out: dict[str, Any] = {}
    if isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in stack or len(stack) > _DEPTH_LIMIT:
            return {"recursive": True}  # the same shape again, whatever either document names it
        # Codat writes `nullable: true` beside many a $ref; generated clients ignore it, and so do we.
        return normalise(resolver.target(ref), resolver, (*stack, ref))
    for part in schema.get("allOf", ()):
        _merge(out, normalise(part, resolver, stack))
    types = schema.get("type")
    if types is not None:
        out["types"] = frozenset([types] if isinstance(types, str) else types)
    if schema.get("nullable") is True:
        out["types"] = out.get("types", frozenset()) | {"null"}
    if "format" in schema:
        out["format"] = str(schema["format"])
    if "enum" in schema:
        out["enum"] = frozenset(_text(value) for value in schema["enum"])
    if schema.get("required"):
        out["required"] = frozenset(out.get("required", frozenset()) | set(schema["required"]))
    if schema.get("additionalProperties") is False:
        out["closed"] = True
    elif isinstance(schema.get("additionalProperties"), Mapping):
        out["extra"] = normalise(schema["additionalProperties"], resolver, stack)
    for bound in _BOUNDS:
        if bound in schema:
            out[bound] = _text(schema[bound])
    if isinstance(schema.get("properties"), Mapping):
        properties = dict(out.get("properties", {}))
        for name, child in schema["properties"].items():
            properties[name] = normalise(child, resolver, stack)
        out["properties"] = properties
    if "items" in schema:
        out["items"] = normalise(schema["items"], resolver, stack)
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            _alternatives(out, combinator, [normalise(branch, resolver, stack) for branch in schema[combinator]])
    if "null" in out.get("types", ()) and "enum" in out:
        out["enum"] = out["enum"] | {"null"}
    return out


def _alternatives(out: dict[str, Any], combinator: str, branches: list[dict[str, Any]]) -> None:
    """A ``null`` branch is nullability; a single branch left is no alternative at all."""
    nullable = [b for b in branches if b.get("types") == frozenset({"null"}) and len(b) == 1]
    rest = [b for b in branches if not (b.get("types") == frozenset({"null"}) and len(b) == 1)]
    if nullable:
        out["types"] = out.get("types", frozenset()) | {"null"}
    if len(rest) == 1:
        branch = dict(rest[0])
        if nullable:
            branch["types"] = branch.get("types", frozenset()) | {"null"}
            if "enum" in branch:
                branch["enum"] = branch["enum"] | {"null"}
        _merge(out, branch)
    elif rest:
        out["combinator"] = combinator
        out["alternatives"] = rest


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if key == "properties":
            merged = dict(into.get("properties", {}))
            for name, child in value.items():
                merged[name] = {**merged[name], **child} if name in merged else child
            into["properties"] = merged
        elif key in ("required", "types") and key in into:
            into[key] = into[key] | value
        else:
            into[key] = value


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---- facts ---------------------------------------------------------------------------------------


def facts(spec: Mapping[str, Any]) -> dict[Fact, str]:
    """Every contract fact of a document, keyed by (owner path, attribute)."""
    resolver = _Resolver(spec)
    found: dict[Fact, str] = {}
    for path, item in (spec.get("paths") or {}).items():
        item = resolver.deref(item)
        for method in _METHODS:
            if method in item:
                _operation(found, resolver, method, path, item, item[method])
    for name in spec.get("webhooks") or {}:
        found[(("webhook " + name,), "exists")] = "yes"
    return found


def _operation(
    found: dict[Fact, str], resolver: _Resolver, method: str, path: str, item: Mapping[str, Any], operation: Any
) -> None:
    operation = resolver.deref(operation)
    name = str(operation.get("operationId") or f"{method} {path}")
    owner: Owner = (name,)
    found[(owner, "exists")] = "yes"
    found[(owner, "method and path")] = f"{method.upper()} {path}"
    parameters: dict[str, Any] = {}
    for raw in (*item.get("parameters", ()), *operation.get("parameters", ())):
        parameter = resolver.deref(raw)
        parameters[f"{parameter.get('in')}:{parameter.get('name')}"] = parameter
    for key, parameter in parameters.items():
        where = (*owner, f"parameter {key}")
        found[(where, "exists")] = "yes"
        found[(where, "required")] = _text(bool(parameter.get("required", False)))
        _schema_facts(found, where, "", normalise(parameter.get("schema", {}), resolver))
    body = resolver.deref(operation.get("requestBody"))
    if isinstance(body, Mapping):
        where = (*owner, "request")
        found[(where, "exists")] = "yes"
        found[(where, "required")] = _text(bool(body.get("required", False)))
        _content_facts(found, where, body.get("content") or {}, resolver)
    for status, response in (operation.get("responses") or {}).items():
        where = (*owner, f"status {status}")
        found[(where, "exists")] = "yes"
        _content_facts(found, where, resolver.deref(response).get("content") or {}, resolver)


def _content_facts(found: dict[Fact, str], owner: Owner, content: Mapping[str, Any], resolver: _Resolver) -> None:
    for media_type, media in content.items():
        found[(owner, f"content {media_type}")] = "yes"
        if isinstance(media, Mapping) and "schema" in media:
            _schema_facts(found, owner, "body", normalise(media["schema"], resolver))


def _schema_facts(found: dict[Fact, str], owner: Owner, path: str, node: Mapping[str, Any], depth: int = 0) -> None:
    where = (*owner, path) if path else owner
    if path:
        found[(where, "exists")] = "yes"
    for attribute, value in _node_facts(node):
        found[(where, attribute)] = value
    if depth > _DEPTH_LIMIT:
        return
    for name, child in (node.get("properties") or {}).items():
        _schema_facts(found, owner, _join(path, name), child, depth + 1)
    if "items" in node:
        _schema_facts(found, owner, (path or "body") + "[]", node["items"], depth + 1)
    if "extra" in node:
        _schema_facts(found, owner, (path or "body") + "{*}", node["extra"], depth + 1)
    for number, branch in enumerate(node.get("alternatives", ()), start=1):
        _schema_facts(found, owner, f"{path or 'body'}<{number}>", branch, depth + 1)


def _node_facts(node: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if node.get("types"):
        yield "type", " | ".join(sorted(node["types"]))
    if "format" in node:
        yield "format", node["format"]
    if "enum" in node:
        yield "enum", ", ".join(sorted(node["enum"]))
    for name in sorted(node.get("required", ())):
        yield f"required {name}", "yes"
    if node.get("closed"):
        yield "additionalProperties", "false"
    for bound in _BOUNDS:
        if bound in node:
            yield bound, node[bound]
    if "combinator" in node:
        yield "combinator", node["combinator"]
    if node.get("recursive"):
        yield "recursive", "yes"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# ---- comparing -----------------------------------------------------------------------------------


def differences(upstream: Mapping[Fact, str], ours: Mapping[Fact, str]) -> list[Difference]:
    """Every fact that differs, minus the details of anything already missing or extra as a whole."""
    found = [
        Difference(owner, attribute, upstream.get((owner, attribute)), ours.get((owner, attribute)))
        for owner, attribute in sorted(set(upstream) | set(ours))
        if upstream.get((owner, attribute)) != ours.get((owner, attribute))
    ]
    wholes = {d.owner for d in found if d.attribute == "exists"}

    def inside_a_whole(difference: Difference) -> bool:
        owners = [difference.owner[:i] for i in range(1, len(difference.owner))]
        if difference.attribute != "exists":
            owners.append(difference.owner)
        return any(owner in wholes for owner in owners)

    return [d for d in found if not inside_a_whole(d)]


def compare(upstream: Mapping[str, Any], ours: Mapping[str, Any], allowances: list[Allowance]) -> Report:
    report = Report(upstream="upstream", ours="ours")
    used: set[int] = set()
    for difference in differences(facts(upstream), facts(ours)):
        match = next(((i, a) for i, a in enumerate(allowances) if a.explains(difference)), None)
        if match is None:
            report.unexplained.append(difference)
        else:
            used.add(match[0])
            report.explained.append((difference, match[1]))
    report.unused = [a for i, a in enumerate(allowances) if i not in used]
    return report


def check(upstream: Path, *, ours: Path | None = None, allow: Path | None = None) -> Report:
    """Compare two documents on disk; the defaults are the document and allow file shipped here."""
    ours_path = ours or Path(str(document(PUBLIC_DOCUMENT)))
    allow_path = allow or Path(str(document(ALLOW_FILE)))
    report = compare(load_document(upstream), load_document(ours_path), load_allowances(allow_path))
    report.upstream, report.ours = str(upstream), str(ours_path)
    return report


def render(report: Report) -> str:
    """The readable report; unexplained drift first, then stale allowances, then a count of the explained."""
    lines = [f"Drift check: {report.ours} against {report.upstream}"]
    if report.unexplained:
        lines.append(f"\nUnexplained drift ({len(report.unexplained)}): add a reason to the allow file or fix the document")
        lines.extend(f"  {d.describe()}" for d in report.unexplained)
    if report.unused:
        lines.append(f"\nAllow entries that explain nothing ({len(report.unused)}): remove them")
        lines.extend(f"  {a.key}  ({a.reason})" for a in report.unused)
    lines.append(f"\nExplained differences: {len(report.explained)} (see the allow file for each reason)")
    verdict = "clean" if report.clean else "DRIFT"
    lines.append(
        f"RESULT: {verdict}. {len(report.unexplained)} unexplained, {len(report.unused)} stale allowances, "
        f"{len(report.explained)} explained."
    )
    return "\n".join(lines) + "\n"
