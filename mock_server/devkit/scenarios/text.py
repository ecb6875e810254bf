"""Scenario documents as text: read YAML or JSON with line numbers, check the schema, write YAML.

A :class:`Document` is the parsed data plus where each value sits in the text, so every problem
(a YAML syntax error, a schema violation, a broken reference found while importing) is reported as
``file:line:column: path: what is wrong``. The schema is ``contracts/scenario.schema.json``.

Dates stay strings: YAML's own timestamps are switched off, so ``date: 2026-03-12`` reads exactly
as written and means what it means in the public API (a local date).

PyYAML (an import of about 17 ms) is imported by the functions that read or write YAML, when first
called: a JSON scenario that loads without a problem never needs it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

from contracts import document
from mock_server.devkit.scenarios.problems import PathKey, Problem, ScenarioError
from mock_server.http.limits import MAX_JSON_DEPTH

SCHEMA_NAME = "scenario.schema.json"
#: Schema problems reported at most per document; the rest are counted.
MAX_PROBLEMS = 20

if TYPE_CHECKING:
    import yaml


@cache
def _loader() -> type[yaml.SafeLoader]:
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        """Safe YAML without implicit timestamps: dates and instants stay the strings written."""

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


@dataclass
class Document:
    """A parsed scenario, and the line and column (1-based) of each value in its text."""

    data: Any
    source: str
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def problem(self, path: PathKey, message: str) -> Problem:
        """A problem at ``path``, placed at the nearest value the text has a position for."""
        for end in range(len(path), -1, -1):
            mark = self.marks.get(path[:end])
            if mark is not None:
                return Problem(path, message, mark[0], mark[1])
        return Problem(path, message)

    def fail(self, path: PathKey, message: str) -> ScenarioError:
        return ScenarioError(self.source, [self.problem(path, message)])


def parse(text: str | bytes, source: str = "<scenario>") -> Document:
    """Read YAML (JSON is YAML too) keeping each value's position; ScenarioError when it does not parse."""
    import yaml

    loader = _loader()(text)
    try:
        node = loader.get_single_node()
        problem = _too_big(node, len(text)) if node is not None else None
        if problem is not None:
            raise ScenarioError(source, [Problem((), problem)])
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "not valid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise ScenarioError(source, [Problem((), f"not valid YAML: {message}", line, column)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [Problem((), f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    document_ = Document(data, source)
    if node is not None:
        problems: list[Problem] = []
        _walk(node, (), document_.marks, problems)
        if problems:
            raise ScenarioError(source, problems)
    return document_


def _too_big(root: yaml.Node, size: int) -> str | None:
    """Why the composed document cannot be read on, or None: nesting past the limit (the
    constructor and _walk recurse once per level), or aliases that expand it far past its own
    size (every node costs a byte of text unless an alias repeats it)."""
    import yaml

    visits = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        visits += 1
        if visits > size + 1000:
            return "its aliases expand it far past its own size"
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            if depth > MAX_JSON_DEPTH:
                return f"nests sequences and mappings more than {MAX_JSON_DEPTH} levels deep, the limit"
            children = node.value if isinstance(node, yaml.SequenceNode) else [c for pair in node.value for c in pair]
            stack.extend((child, depth + 1) for child in children)
    return None


def parse_json(body: bytes, source: str = "<request body>") -> Document:
    """Fast path for JSON bodies: orjson, positions looked up only if something turns out wrong."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ScenarioError(source, [Problem((), f"not valid JSON: {exc}")]) from None
    return Document(data, source, _LazyMarks(body))


class _LazyMarks(dict[PathKey, tuple[int, int]]):
    """Positions of a JSON text, computed (by the YAML reader) the first time one is asked for."""

    def __init__(self, text: bytes) -> None:
        super().__init__()
        self._text: bytes | None = text

    def get(self, key: PathKey, default: Any = None) -> Any:
        if self._text is not None:
            text, self._text = self._text, None
            try:
                self.update(parse(text).marks)
            except ScenarioError:
                pass  # JSON the YAML reader cannot follow: problems go without positions
        return super().get(key, default)


def _walk(node: yaml.Node, path: PathKey, marks: dict[PathKey, tuple[int, int]], problems: list[Problem]) -> None:
    import yaml

    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(path, "keys must be plain names", *position))
                continue
            if key in seen:
                # YAML readers silently keep the last one; a scenario with two means a mistake.
                problems.append(Problem((*path, key), f"'{key}' is given twice", *position))
            seen.add(key)
            _walk(value_node, (*path, key), marks, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), marks, problems)


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(document(SCHEMA_NAME).read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Any:
    return jsonschema_rs.Draft202012Validator(schema(), validate_formats=True)


def check(doc: Document) -> None:
    """ScenarioError listing every place the data breaks ``contracts/scenario.schema.json``."""
    validator = _validator()
    if validator.is_valid(doc.data):
        return
    problems = [doc.problem(tuple(error.instance_path), error.message) for error in validator.iter_errors(doc.data)]
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    raise ScenarioError(doc.source, problems[:MAX_PROBLEMS], max(0, len(problems) - MAX_PROBLEMS))


def read(path: str | Path) -> Document:
    """A scenario file, parsed and checked against the schema."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(str(path), [Problem((), f"cannot read the file: {exc.strerror or exc}")]) from None
    doc = parse(text, str(path))
    check(doc)
    return doc


def files(paths: Sequence[str | Path]) -> list[Path]:
    """The scenario files named: a directory stands for its ``*.yaml``, ``*.yml`` and ``*.json``, sorted."""
    found: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            found.extend(sorted(p for p in entry.iterdir() if p.suffix in (".yaml", ".yml", ".json")))
        else:
            found.append(entry)
    return found


def to_yaml(data: Any) -> str:
    """YAML in the order the exporter wrote the keys; strings that look like dates stay quoted."""
    import yaml

    dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)
    return text
