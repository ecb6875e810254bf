"""Paged lists: does a page of 100 cost the same in a tenant of 100 companies and one of 10,000?

Each tenant (its own API key) is filled over HTTP, then ``GET /companies`` is driven for the first
page of 100 three ways: plain (insertion order), filtered (``query``) and sorted (``orderBy``).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.load import Result, alternating, request_bytes, run

#: The three ways a list is read; the query is the one the issue measured (one match per tenant).
VARIANTS = {
    "plain": "/companies?page=1&pageSize=100",
    "query": "/companies?page=1&pageSize=100&query=name%3Dc5",
    "orderBy": "/companies?page=1&pageSize=100&orderBy=-name",
}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}


def fill(port: int, key: str, companies: int, connections: int) -> None:
    """``companies`` companies named c0, c1, ... in tenant ``key``, each with a description and a tag."""
    headers = {**auth(key), "Content-Type": "application/json"}

    def make(number: int) -> bytes:
        body = b'{"name":"c%d","description":"Company %d","tags":{"uid":"%d"}}' % (number, number, number)
        return request_bytes("POST", "/companies", headers, body)

    asyncio.run(run(port, make, connections=connections, seconds=600, limit=companies))


def again(request: bytes) -> Callable[[int], Callable[[int], bytes]]:
    """The same request every time, in every round."""
    return lambda sent: lambda number: request


@dataclass(frozen=True)
class ListFigures:
    small: dict[str, Result]
    large: dict[str, Result]

    def ratio(self, variant: str) -> float:
        """Requests/s in the small tenant over requests/s in the large one: the large one's slowdown."""
        large = self.large[variant].per_second
        return self.small[variant].per_second / large if large else float("inf")


def list_pages(port: int, *, small: int, large: int, connections: int, seconds: float) -> ListFigures:
    """Fill two tenants (``small`` and ``large`` companies); time the first page of each variant,
    the two tenants in alternating rounds."""
    for size in (small, large):
        fill(port, f"bench-list-{size}", size, connections)
    figures: dict[str, dict[str, Result]] = {"small": {}, "large": {}}
    for variant, path in VARIANTS.items():
        drives = {name: (port, again(request_bytes("GET", path, auth(f"bench-list-{size}"))))
                  for name, size in (("small", small), ("large", large))}
        for name, result in alternating(drives, seconds, connections).items():
            figures[name][variant] = result
    return ListFigures(figures["small"], figures["large"])
