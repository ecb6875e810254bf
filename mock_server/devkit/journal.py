"""The request journal: what a tenant's integration sent to the public API, and what it got back.

A :class:`Journal` is a ring buffer per tenant (the newest ``capacity`` entries); each entry keeps at
most ``body_limit`` bytes of each body, so a 1000-transaction push costs the journal a few kilobytes,
not a copy of the batch. Recording stores raw bytes only; decoding and filtering happen when someone
reads the journal, off the hot path.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import orjson

from mock_server.core.clock import format_utc
from mock_server.http.limits import MAX_JSON_DEPTH, json_depth

#: Entries kept per tenant; older ones are dropped first.
CAPACITY = 1000
#: Bytes of each request and response body kept per entry: 1000 entries of two bodies stay
#: within 16 MB, whatever the batches.
BODY_LIMIT = 8 * 1024

# Headers a journal printed in a CI log should not leak.
_SECRET_HEADERS = frozenset({b"authorization", b"cookie", b"set-cookie"})

RawHeaders = Sequence[tuple[bytes, bytes]]


@dataclass(slots=True)
class Body:
    """The first ``limit`` bytes of a body, and how long it really was."""

    head: bytes
    size: int

    @property
    def truncated(self) -> bool:
        return self.size > len(self.head)


#: The body of a request or answer that had none; shared, as nothing changes a recorded body.
NO_BODY = Body(b"", 0)


class BodyTap:
    """Collects the start of a body that arrives in chunks, copying no more than ``limit`` bytes."""

    __slots__ = ("_chunks", "_kept", "limit", "size")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._kept = 0
        self._chunks: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        room = self.limit - self._kept
        if room > 0 and chunk:
            # Slicing a bytes object copies only the slice: the rest of a large body is never touched.
            part = chunk if len(chunk) <= room else chunk[:room]
            self._chunks.append(part)
            self._kept += len(part)

    def body(self) -> Body:
        return Body(b"".join(self._chunks), self.size) if self.size else NO_BODY


@dataclass(slots=True)
class Entry:
    """One request as the emulator saw it. Headers are the raw ASGI lists, decoded when read.

    The middleware makes one per call with positional arguments: a new field goes last, or there.
    """

    id: int
    at: datetime
    method: str
    path: str
    query: str
    operation_id: str | None
    route: str | None
    status: int
    duration_ms: float
    correlation_id: str
    #: Id of the fault rule that answered instead of the app, if one did.
    fault: str | None
    request_headers: RawHeaders
    request_body: Body
    response_headers: RawHeaders
    response_body: Body


@dataclass(frozen=True)
class Filter:
    """Which entries to list; a field left None matches anything."""

    operation_id: str | None = None
    method: str | None = None
    #: A concrete path (``/companies/8a2f...``) or a route template (``/companies/{companyId}``).
    path: str | None = None
    status: int | None = None

    def matches(self, entry: Entry) -> bool:
        if self.operation_id is not None and entry.operation_id != self.operation_id:
            return False
        if self.method is not None and entry.method != self.method.upper():
            return False
        if self.status is not None and entry.status != self.status:
            return False
        if self.path is not None and self.path not in (entry.path, entry.route) and not _template(self.path).match(entry.path):
            return False
        return True


@cache
def _template(path: str) -> re.Pattern[str]:
    """``/companies/{companyId}`` matches any one segment where the braces are."""
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


class Journal:
    """The newest ``capacity`` requests of one tenant."""

    def __init__(self, capacity: int = CAPACITY, body_limit: int = BODY_LIMIT) -> None:
        self.capacity = capacity
        self.body_limit = body_limit
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._recorded = 0

    def next_id(self) -> int:
        self._recorded += 1
        return self._recorded

    def append(self, entry: Entry) -> None:
        self._entries.append(entry)

    def clear(self) -> None:
        """Forget every entry; ids keep counting, so an id is never reused."""
        self._entries.clear()

    @property
    def recorded(self) -> int:
        """Entries recorded since the journal began (including those dropped or cleared)."""
        return self._recorded

    def __len__(self) -> int:
        return len(self._entries)

    def newest_first(self, where: Filter | None = None) -> Iterator[Entry]:
        for entry in reversed(self._entries):
            if where is None or where.matches(entry):
                yield entry


def render(entry: Entry) -> dict[str, Any]:
    """An entry as ``GET /_mock/requests`` answers it (shape in contracts/control.openapi.yaml)."""
    return {
        "id": entry.id,
        "at": format_utc(entry.at),
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "operationId": entry.operation_id,
        "route": entry.route,
        "status": entry.status,
        "durationMs": round(entry.duration_ms, 3),
        "correlationId": entry.correlation_id,
        "fault": entry.fault,
        "request": _message(entry.request_headers, entry.request_body),
        "response": _message(entry.response_headers, entry.response_body),
    }


def render_all(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    return [render(entry) for entry in entries]


def _message(headers: RawHeaders, body: Body) -> dict[str, Any]:
    decoded = {
        name.decode("latin-1"): ("***" if name.lower() in _SECRET_HEADERS else value.decode("latin-1"))
        for name, value in headers
    }
    return {"headers": decoded, "body": _body_value(decoded, body), "bodyBytes": body.size, "truncated": body.truncated}


def _body_value(headers: dict[str, str], body: Body) -> Any:
    """Parsed JSON when the whole body was kept and is JSON; otherwise the text kept (or None)."""
    if body.size == 0:
        return None
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if not body.truncated and ("json" in content_type or not content_type):
        try:
            parsed = orjson.loads(body.head)
        except orjson.JSONDecodeError:
            pass
        else:
            # A body nested past the limit was refused, and could not be encoded again as JSON
            # (orjson stops at 255 levels): it is shown as the text it was.
            if json_depth(body.head) <= MAX_JSON_DEPTH:
                return parsed
    return body.head.decode("utf-8", errors="replace")
