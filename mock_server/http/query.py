"""Codat's query language over JSON records, and ``orderBy``.

``query=status=Linked&&(created>2026-01-01||platformName~Books)``: conditions ``field op value``
with ``=``, ``!=``, ``~`` (contains), ``>``, ``<``, ``>=``, ``<=``; ``&&`` binds tighter than ``||``;
parentheses group; a value with operator characters goes in braces (``{a&&b}``). Numbers and dates
compare as such, strings without regard to case. A field may be a dotted path (``tags.region``).
Anything malformed, or a field records do not have, is Codat's Malformed-Query 400.

A query is at most ``MAX_QUERY_LENGTH`` characters and nests parentheses at most
``MAX_QUERY_NESTING`` deep (the parser recurses once per parenthesis); past either it is refused
before it is parsed, with a 400 naming the limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from mock_server.core.errors import BadRequest

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(r"\s*(\(|\)|&&|\|\||!=|>=|<=|=|~|>|<|\{[^}]*\}|[^\s()&|=!~<>{}]+(?:[^()&|=!~<>{}]*[^\s()&|=!~<>{}])?)")
_OPERATORS = ("=", "!=", "~", ">", "<", ">=", "<=")
_FIELD_PATH = re.compile(r"[^\s()&|=!~<>{}.-][^\s()&|=!~<>{}.]*(?:\.[^\s()&|=!~<>{}.]+)*")

MAX_QUERY_LENGTH = 2000
MAX_QUERY_NESTING = 32


class MalformedQuery(BadRequest):
    service = "ClientsApi"


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or not match.group(1):
            raise MalformedQuery(f"Error parsing query - Malformed query near '{text[position:]}'.")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _resolve(record: Record, path: str) -> tuple[bool, Any]:
    value: Any = record
    for part in path.split("."):
        if isinstance(value, dict):
            match = next((k for k in value if k.lower() == part.lower()), None)
            if match is None:
                return False, None
            value = value[match]
        else:
            return False, None
    return True, value


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _as_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-":
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def _compare(actual: Any, operator: str, expected: str) -> bool:
    if actual is None:
        missing = expected.lower() == "null"
        return missing if operator == "=" else (not missing if operator == "!=" else False)
    if operator == "~":
        return expected.lower() in str(actual).lower()
    left: Any
    right: Any
    number, wanted = _as_number(actual), _as_number(expected)
    moment, when = _as_date(actual), _as_date(expected)
    if number is not None and wanted is not None and not isinstance(actual, str):
        left, right = number, wanted
    elif moment is not None and when is not None:
        left, right = moment, when
    elif isinstance(actual, bool):
        left, right = str(actual).lower(), expected.lower()
    else:
        left, right = str(actual).lower(), expected.lower()
    if operator == "=":
        return bool(left == right)
    if operator == "!=":
        return bool(left != right)
    try:
        if operator == ">":
            return bool(left > right)
        if operator == "<":
            return bool(left < right)
        if operator == ">=":
            return bool(left >= right)
        return bool(left <= right)
    except TypeError:
        return False


class _Parser:
    def __init__(self, tokens: list[str], fields: set[str]) -> None:
        self.tokens, self.position, self.fields = tokens, 0, fields

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise MalformedQuery("Error parsing query - Malformed query: it ends too early.")
        self.position += 1
        return token

    def expression(self) -> Predicate:
        terms = [self.term()]
        while self.peek() == "||":
            self.take()
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else (lambda r: any(t(r) for t in terms))

    def term(self) -> Predicate:
        factors = [self.factor()]
        while self.peek() == "&&":
            self.take()
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else (lambda r: all(f(r) for f in factors))

    def factor(self) -> Predicate:
        if self.peek() == "(":
            self.take()
            inner = self.expression()
            if self.take() != ")":
                raise MalformedQuery("Error parsing query - Malformed query: a parenthesis is not closed.")
            return inner
        field = self.take()
        if field in _OPERATORS or field in ("(", ")", "&&", "||"):
            raise MalformedQuery(f"Error parsing query - Malformed query: expected a field name, got '{field}'.")
        operator = self.take()
        if operator not in _OPERATORS:
            raise MalformedQuery(f"Error parsing query - Malformed query: '{operator}' is not an operator.")
        value = self.take()
        if value in _OPERATORS or value in ("(", ")", "&&", "||"):
            raise MalformedQuery(f"Error parsing query - Malformed query: expected a value after '{field}{operator}'.")
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        root = field.split(".")[0].lower()
        if self.fields and root not in self.fields:
            raise MalformedQuery(f"Error parsing query - Could not resolve property {field}")

        def condition(record: Record) -> bool:
            found, actual = _resolve(record, field)
            return _compare(actual if found else None, operator, value)

        return condition


def _check_bounds(query: str) -> None:
    if len(query) > MAX_QUERY_LENGTH:
        raise MalformedQuery(
            f"Error parsing query - the query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}."
        )
    depth = deepest = 0
    for char in query:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    # Parentheses in braces count too: a bound on all of them bounds the parser's recursion.
    if deepest > MAX_QUERY_NESTING:
        raise MalformedQuery(
            f"Error parsing query - parentheses nest {deepest} deep; the limit is {MAX_QUERY_NESTING}."
        )


def parse(query: str, fields: set[str] | None = None) -> Predicate:
    """A predicate for records; ``fields`` (lower-cased top-level names) makes unknown ones an error."""
    _check_bounds(query)
    parser = _Parser(_tokens(query), fields or set())
    if not parser.tokens:
        raise MalformedQuery("Error parsing query - Malformed query: it is empty.")
    predicate = parser.expression()
    if parser.peek() is not None:
        raise MalformedQuery(f"Error parsing query - Malformed query near '{parser.peek()}'.")
    return predicate


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    number = _as_number(value) if not isinstance(value, str) else None
    if number is not None:
        return (1, number)
    moment = _as_date(value)
    if moment is not None:
        return (2, moment)
    return (3, str(value).lower())


def select(
    records: Sequence[Record], query: str | None, order_by: str | None, fields: Iterable[str] | None = None
) -> list[Record]:
    """Filter by ``query`` then sort by ``orderBy`` (``field`` or ``-field``), stable.

    ``fields`` are the names the records' type has (default: the keys the records carry); a query
    or orderBy naming anything else is a malformed query.
    """
    known = fields if fields is not None else (key for record in records for key in record)
    names = {key.lower() for key in known}
    chosen = list(records)
    if query:
        predicate = parse(query, names)
        chosen = [r for r in chosen if predicate(r)]
    if order_by:
        descending = order_by.startswith("-")
        name = order_by[1:] if descending else order_by
        if not _FIELD_PATH.fullmatch(name):  # "--name", "-", "name..x": one optional "-", then a field
            raise MalformedQuery(f"Error parsing orderBy - '{order_by}' is not a field name, or '-' and one.")
        if names and name.split(".")[0].lower() not in names:
            raise MalformedQuery(f"Error parsing orderBy - Could not resolve property {name}")
        chosen.sort(key=lambda r: _sort_key(_resolve(r, name)[1]), reverse=descending)
    return chosen
