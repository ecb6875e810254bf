"""A small HTTP/1.1 load generator on asyncio streams: keep-alive connections, bounded in time.

It writes prepared request bytes and reads each answer by its Content-Length, so the client spends
little CPU on a machine it shares with the server it measures.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def merged(self, other: Result) -> Result:
        """Two runs against the same server as one."""
        statuses = dict(self.statuses)
        for status, count in other.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
        return Result(self.requests + other.requests, self.seconds + other.seconds, self.latencies + other.latencies, statuses)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def p99_ms(self) -> float:
        return self.percentile(99) * 1000


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def run(
    port: int, make_request: Callable[[int], bytes], *, connections: int, seconds: float, limit: int | None = None
) -> Result:
    """Send requests from ``connections`` keep-alive connections until ``seconds`` or ``limit`` pass."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal counter
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline and (limit is None or counter < limit):
                number = counter
                counter += 1
                payload = make_request(number)
                started = time.perf_counter()
                writer.write(payload)
                await writer.drain()
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return Result(len(latencies), time.perf_counter() - started, latencies, statuses)


def alternating(
    drives: dict[str, tuple[int, Callable[[int], Callable[[int], bytes]]]], seconds: float, connections: int, count: int = 3
) -> dict[str, Result]:
    """Each server driven for ``seconds`` in all, in ``count`` alternating rounds; results summed.

    ``drives`` maps a name to its port and to ``maker(sent)``, the request maker of one round
    (``sent``: requests sent to that server so far, so ids can stay unique across rounds).
    """
    totals: dict[str, Result] = {}
    for _ in range(count):
        for name, (port, maker) in drives.items():
            sent = totals[name].requests if name in totals else 0
            result = asyncio.run(run(port, maker(sent), connections=connections, seconds=seconds / count))
            totals[name] = result if name not in totals else totals[name].merged(result)
    return totals
