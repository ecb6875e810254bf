"""Bounds on what a request may make the emulator do: JSON depth, headers, encoded slashes.

Everything recursive or unbounded that input drives has a limit here (the query language keeps its
own, in ``query.py``), and a request past one is refused with a 400 naming it before any work is
done, so nothing changes:

- ``MAX_JSON_DEPTH``: arrays and objects nested in one another, the same for every body (JSON, and
  the YAML scenarios ``PUT /_mock/state`` takes). 64 is the default of .NET's JSON readers, which
  Codat's API runs on; our own bodies never go past 8.
- ``MAX_HEADER_BYTES`` per header line, ``MAX_HEADERS_BYTES`` for all of them, ``MAX_HEADERS``
  lines; ``SINGLE_HEADERS`` may be sent once only (two ``Authorization`` headers name no one tenant).
- An encoded slash (``%2F``) in the path: ids never contain ``/``, so such a path names no
  resource (404), and it never acts as a separator (Starlette routes the decoded path).

:func:`read_head` checks the headers and the path in one pass, and picks up on the way the lines
every call reads (``Authorization``, ``Host``, whether a body is announced).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.types import Scope

from mock_server.core.errors import ApiError, BadRequest, NotFound

MAX_JSON_DEPTH = 64
MAX_HEADER_BYTES = 8 * 1024
MAX_HEADERS_BYTES = 32 * 1024
MAX_HEADERS = 100
SINGLE_HEADERS = frozenset({b"authorization", b"content-type", b"content-length", b"host"})

_ENCODED_SLASH = re.compile(rb"%2f", re.IGNORECASE)
# Only brackets and quotes matter to the depth; {} count as [].
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))


def too_deep(message: str = "The request body") -> BadRequest:
    return BadRequest(f"{message} nests arrays and objects more than {MAX_JSON_DEPTH} levels deep, the limit.")


def json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep arrays and objects nest in ``data`` (valid JSON), counted up to ``limit + 1``.

    Byte operations only (a few passes in C over the body, not a walk of the parsed value): the
    push hot path pays this on every 1000-transaction batch.
    """
    if b"\\" in data:  # escaped quotes and backslashes would fool the string stripping below
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = data.translate(_BRACKETS, _NOT_STRUCTURE)
    # Quotes alternate opening and closing. When every string holds no bracket, each shows as ""
    # and all vanish pairwise, in order; otherwise strip string contents the slower, exact way.
    bare = structure.replace(b'""', b"")
    if b'"' in bare:
        bare = b"".join(structure.split(b'"')[::2])
    depth = 0
    while bare and depth <= limit:
        bare = bare.replace(b"[]", b"")  # each pass removes exactly the innermost level
        depth += 1
    return depth


def check_json_depth(data: bytes) -> None:
    """BadRequest when the (valid JSON) body nests deeper than ``MAX_JSON_DEPTH``."""
    if json_depth(data) > MAX_JSON_DEPTH:
        raise too_deep()


def value_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of parsed data (YAML), counted up to ``limit + 1``, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[Any] = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                break
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


#: Where the app leaves its pass over the headers in the scope for the middleware further in.
HEAD_KEY = "bankfeeds_mock.head"


@dataclass(slots=True)
class Head:
    """What one pass over a request's header lines found: why the bounds refuse it (None when
    they do not), and, when they do not, the lines read on every call."""

    refusal: ApiError | None
    #: The first ``authorization`` and ``host`` values (None when absent).
    authorization: bytes | None = None
    host: bytes | None = None
    #: Whether a body is announced (a non-zero Content-Length, or chunks), as ``may_have_body`` says.
    announces_body: bool = False


def read_head(scope: Scope) -> Head:
    """Why this request is refused before it reaches a handler (headers past their limits, a header
    sent twice that may be sent once, an encoded slash in the path), and, in the same pass, the
    header lines every call reads: one loop over the headers rather than one per question."""
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    if len(headers) > MAX_HEADERS:
        return Head(BadRequest(f"The request has {len(headers)} header lines; the limit is {MAX_HEADERS}."))
    total = 0
    seen: set[bytes] = set()
    authorization: bytes | None = None
    host: bytes | None = None
    body: bool | None = None
    for name, value in headers:
        size = len(name) + len(value)
        total += size
        if size > MAX_HEADER_BYTES:
            shown = name.decode("latin-1")[:40]
            return Head(
                BadRequest(f"Header '{shown}' is {size} bytes long; the limit is {MAX_HEADER_BYTES} bytes per header.")
            )
        lowered = name.lower()
        if lowered in SINGLE_HEADERS:
            if lowered in seen:
                return Head(
                    BadRequest(f"Header '{lowered.decode('latin-1')}' is sent more than once; it may be sent once only.")
                )
            seen.add(lowered)
        # The lines themselves are matched as sent (ASGI servers send names in lower case).
        if name == b"authorization":
            authorization = value
        elif name == b"host":
            host = value
        elif body is None and name == b"content-length":
            body = value.strip() not in (b"", b"0")
        elif body is None and name == b"transfer-encoding":
            body = True
    if total > MAX_HEADERS_BYTES:
        return Head(BadRequest(f"The request's headers take {total} bytes; the limit is {MAX_HEADERS_BYTES} bytes in all."))
    raw_path: bytes = scope.get("raw_path") or b""
    if b"%" in raw_path and _ENCODED_SLASH.search(raw_path.partition(b"?")[0]):
        return Head(
            NotFound(
                "The path holds an encoded slash (%2F): it is never a path separator, and no id contains '/', "
                "so nothing answers at this path."
            )
        )
    return Head(None, authorization, host, bool(body))
