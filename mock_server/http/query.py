"""Codat's query language over JSON records, and ``orderBy``.

``query=status=Linked&&(created>2026-01-01||platformName~Books)``: conditions ``field op value``
with ``=``, ``!=``, ``~`` (contains), ``>``, ``<``, ``>=``, ``<=``; ``&&`` binds tighter than ``||``;
parentheses group; a value with operator characters goes in braces (``{a&&b}``). Numbers and dates
compare as such, strings without regard to case. A field may be a dotted path (``tags.region``).
Anything malformed, or a field records do not have, is Codat's Malformed-Query 400.

A query is at most ``MAX_QUERY_LENGTH`` characters and nests parentheses at most
``MAX_QUERY_NESTING`` deep (the parser recurses once per parenthesis); past either it is refused
before it is parsed, with a 400 naming the limit.

Two ways to apply it. :func:`select` is the definition: filter and sort the views (JSON records) of
a list. :func:`matching` and :func:`ordered` give the same answers over stored records, reading
each field through a :data:`Reader` (the value the view would show), so a list tests and sorts what
it holds without building one view per record; the paged lists use those.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, repeat
from typing import Any, TypeVar

from mock_server.core.errors import BadRequest

Record = dict[str, Any]
Predicate = Callable[[Record], bool]
R = TypeVar("R")
#: A stored record to the value its view shows at one field path (None when absent).
Reader = Callable[[R], Any]

_TOKEN = re.compile(
    r"\s*(\(|\)|&&|\|\||!=|>=|<=|=|~|>|<|\{[^}]*\}|[^\s()&|=!~<>{}]+(?:[^()&|=!~<>{}]*[^\s()&|=!~<>{}])?)"
)
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


def resolve(value: Any, path: str) -> Any:
    """The value at a dotted ``path`` inside ``value``, or None (absent counts as null)."""
    return _resolve(value, path)[1] if path else value


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


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


def _comparison(operator_: str, expected: str) -> Callable[[Any], bool]:
    """``actual <operator> expected`` as a test of ``actual``, the expected side converted once.

    ``None`` (or absent) matches ``=null`` only; ``~`` is a case-blind substring test; numbers
    compare as numbers (a string field stays text), dates as dates, anything else as lower-cased text.
    """
    lowered = expected.lower()
    missing = lowered == "null"
    wanted, when = _as_number(expected), _as_date(expected)
    order = _ORDER.get(operator_)

    def test(actual: Any) -> bool:
        if actual is None:
            return missing if operator_ == "=" else (not missing if operator_ == "!=" else False)
        if order is None:  # "~"
            return lowered in str(actual).lower()
        if wanted is not None and not isinstance(actual, str):
            number = _as_number(actual)
            if number is not None:
                return bool(order(number, wanted))
        if when is not None:
            moment = _as_date(actual)
            if moment is not None:
                return bool(order(moment, when))
        try:
            return bool(order(str(actual).lower(), lowered))
        except TypeError:
            return False

    return test


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    value: str


@dataclass(frozen=True)
class AllOf:
    terms: tuple[Query, ...]


@dataclass(frozen=True)
class AnyOf:
    terms: tuple[Query, ...]


#: A parsed query: conditions joined by ``&&`` (AllOf) and ``||`` (AnyOf).
Query = Condition | AllOf | AnyOf


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

    def expression(self) -> Query:
        terms = [self.term()]
        while self.peek() == "||":
            self.take()
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else AnyOf(tuple(terms))

    def term(self) -> Query:
        factors = [self.factor()]
        while self.peek() == "&&":
            self.take()
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else AllOf(tuple(factors))

    def factor(self) -> Query:
        if self.peek() == "(":
            self.take()
            inner = self.expression()
            if self.take() != ")":
                raise MalformedQuery("Error parsing query - Malformed query: a parenthesis is not closed.")
            return inner
        field = self.take()
        if field in _OPERATORS or field in ("(", ")", "&&", "||"):
            raise MalformedQuery(f"Error parsing query - Malformed query: expected a field name, got '{field}'.")
        operator_ = self.take()
        if operator_ not in _OPERATORS:
            raise MalformedQuery(f"Error parsing query - Malformed query: '{operator_}' is not an operator.")
        value = self.take()
        if value in _OPERATORS or value in ("(", ")", "&&", "||"):
            raise MalformedQuery(f"Error parsing query - Malformed query: expected a value after '{field}{operator_}'.")
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        root = field.split(".")[0].lower()
        if self.fields and root not in self.fields:
            raise MalformedQuery(f"Error parsing query - Could not resolve property {field}")
        return Condition(field, operator_, value)


def parse_query(query: str, fields: set[str] | None = None) -> Query:
    """The query's tree; ``fields`` (lower-cased top-level names) makes unknown ones an error."""
    _check_bounds(query)
    parser = _Parser(_tokens(query), fields or set())
    if not parser.tokens:
        raise MalformedQuery("Error parsing query - Malformed query: it is empty.")
    tree = parser.expression()
    if parser.peek() is not None:
        raise MalformedQuery(f"Error parsing query - Malformed query near '{parser.peek()}'.")
    return tree


def _predicate(tree: Query) -> Predicate:
    if isinstance(tree, AnyOf):
        terms = [_predicate(t) for t in tree.terms]
        return lambda r: any(t(r) for t in terms)
    if isinstance(tree, AllOf):
        factors = [_predicate(f) for f in tree.terms]
        return lambda r: all(f(r) for f in factors)
    field, test = tree.field, _comparison(tree.operator, tree.value)

    def condition(record: Record) -> bool:
        found, actual = _resolve(record, field)
        return test(actual if found else None)

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
    return _predicate(parse_query(query, fields))


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


def _check_order_by(order_by: str, names: set[str]) -> tuple[str, bool]:
    """``orderBy``'s field and whether it is descending; an unknown field is a malformed query."""
    descending = order_by.startswith("-")
    name = order_by[1:] if descending else order_by
    if not _FIELD_PATH.fullmatch(name):  # "--name", "-", "name..x": one optional "-", then a field
        raise MalformedQuery(f"Error parsing orderBy - '{order_by}' is not a field name, or '-' and one.")
    if names and name.split(".")[0].lower() not in names:
        raise MalformedQuery(f"Error parsing orderBy - Could not resolve property {name}")
    return name, descending


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
        name, descending = _check_order_by(order_by, names)
        chosen.sort(key=lambda r: _sort_key(_resolve(r, name)[1]), reverse=descending)
    return chosen


# Over stored records: each condition reads its field for every record once, then tests the
# values; && and || combine the masks. Each step is a map over C functions where it can be
# (attrgetter readers, str.lower, operator.*), as a list of 10,000 pays per record.

#: ``actual <op> expected`` on lower-cased text (``~``: ``expected in actual``).
_TEXT: dict[str, Callable[[str, str], bool]] = {**_ORDER, "~": operator.contains}


def _mask(tree: Query, records: Sequence[R], reader: Callable[[str], Reader[R]]) -> list[bool]:
    if isinstance(tree, AllOf | AnyOf):
        masks = [_mask(t, records, reader) for t in tree.terms]
        join = operator.and_ if isinstance(tree, AllOf) else operator.or_
        combined = masks[0]
        for mask in masks[1:]:
            combined = list(map(join, combined, mask))
        return combined
    values = list(map(reader(tree.field), records))
    if tree.operator == "~" or _as_date(tree.value) is None:
        # Text compared with a value that is no date compares as lower-cased text: when every
        # value is text, that is the whole test.
        text = _text(values)
        if text is not None:
            return list(map(_TEXT[tree.operator], text.lowered(), repeat(tree.value.lower())))
    return list(map(_comparison(tree.operator, tree.value), values))


_SEPARATOR = "\x00"
# What _as_date needs before it tries to parse (ten characters, a "-" fifth), within one value.
# Searched in the joined text behind one more separator: a literal first lets the search skip ahead.
_DATE_LIKE = re.compile(r"\x00[^\x00]{4}-[^\x00]{5}")


class _Text:
    """Values that are all text, joined once so each test over them is one C call, not one per value."""

    def __init__(self, joined: str, count: int) -> None:
        self.joined, self.count = joined, count

    def lowered(self) -> list[str]:
        # Lower-casing the joined text lower-cases each value (the separator is no letter).
        return self.joined.lower().split(_SEPARATOR) if self.count else []

    def any_date_like(self) -> bool:
        return "-" in self.joined and _DATE_LIKE.search(_SEPARATOR + self.joined) is not None


def _text(values: list[Any]) -> _Text | None:
    """The values as :class:`_Text` when every one is a string holding no separator; else None."""
    try:
        joined = _SEPARATOR.join(values)
    except TypeError:
        return None
    if joined.count(_SEPARATOR) != max(len(values) - 1, 0):
        return None
    return _Text(joined, len(values))


def matching(records: Sequence[R], query: str, fields: Iterable[str], reader: Callable[[str], Reader[R]]) -> list[R]:
    """The records whose views ``query`` matches, in their order; ``reader(path)`` reads one field."""
    tree = parse_query(query, {key.lower() for key in fields})
    return list(compress(records, _mask(tree, records, reader)))


def _keys(values: list[Any]) -> list[Any]:
    """Sort keys that order as :func:`_sort_key` does, cheaper for a field of text or of numbers."""
    text = _text(values)
    if text is not None and not text.any_date_like():  # only text, none of it a date: order by the text
        return text.lowered()
    if values and {type(v) for v in values} <= {int, float}:
        return list(map(float, values))
    return [_sort_key(v) for v in values]


def ordered(records: Sequence[R], order_by: str, fields: Iterable[str], reader: Callable[[str], Reader[R]]) -> list[R]:
    """``records`` sorted by ``orderBy`` as :func:`select` sorts their views (stable)."""
    name, descending = _check_order_by(order_by, {key.lower() for key in fields})
    keys = _keys(list(map(reader(name), records)))
    return [records[i] for i in sorted(range(len(records)), key=keys.__getitem__, reverse=descending)]
