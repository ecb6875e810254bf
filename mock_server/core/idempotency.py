"""Codat's ``Idempotency-Key`` as records: one tenant's keys, the request each was first used
for, and the answer kept for it.

Codat's "Idempotency" page: a POST or PATCH may carry ``Idempotency-Key`` (a GUID); the first
answer is kept for 90 minutes and answered again, without running anything, to a request with the
same key; the same key with another body is 422, and while the first request is still running,
409. A 429 is never kept (the key is released), every other answer is.

A key is bound to the first request's method, target (path and query) and a digest of its body
bytes: another of any of them is a misuse (422). The 90 minutes run on the tenant's virtual clock
from the moment the answer was kept. Pure: "now" is an argument, answers are bytes.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

__all__ = [
    "KEPT_FOR",
    "METHODS",
    "Claim",
    "Fingerprint",
    "IdempotencyKeys",
    "KeptAnswer",
    "is_guid",
]

KEPT_FOR = timedelta(minutes=90)
#: The methods whose requests Codat makes idempotent; on others the header is ignored.
METHODS = frozenset({"POST", "PATCH"})

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_guid(value: str) -> bool:
    """The 8-4-4-4-12 hexadecimal form Codat asks for (any case)."""
    return _GUID.match(value) is not None


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a key is bound to: the operation and the exact body."""

    method: str
    target: str
    body_digest: str

    @classmethod
    def of(cls, method: str, target: str, body: bytes) -> Fingerprint:
        return cls(method, target, hashlib.sha256(body).hexdigest())


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    """An answer as sent: status, headers and body bytes."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


@dataclass(frozen=True, slots=True)
class Claim:
    """What to do with a request carrying a key.

    ``run``: the key is now in flight for this request, which must end in :meth:`IdempotencyKeys.keep`
    or :meth:`IdempotencyKeys.release`; ``replay``: answer ``answer`` again; ``busy``: the first
    request is still running (409); ``mismatch``: the key was used for another request (422).
    """

    kind: Literal["run", "replay", "busy", "mismatch"]
    answer: KeptAnswer | None = None


@dataclass(slots=True)
class _Record:
    fingerprint: Fingerprint
    answer: KeptAnswer | None = None  # None while the first request runs
    expires: datetime | None = None


class IdempotencyKeys:
    """One tenant's keys. Another tenant's identical key value is another key."""

    __slots__ = ("_expiry", "_records")

    def __init__(self) -> None:
        self._records: dict[str, _Record] = {}
        # (expiry, key): kept answers in the order they lapse, so forgetting them costs nothing
        # per request when nothing is due.
        self._expiry: list[tuple[datetime, str]] = []

    def __len__(self) -> int:
        return len(self._records)

    def claim(self, key: str, fingerprint: Fingerprint, now: datetime) -> Claim:
        """The verdict for a request with ``key``; a new key becomes in flight for it."""
        self._forget_lapsed(now)
        record = self._records.get(key)
        if record is None:
            self._records[key] = _Record(fingerprint)
            return Claim("run")
        if record.fingerprint != fingerprint:
            return Claim("mismatch")
        if record.answer is None:
            return Claim("busy")
        return Claim("replay", record.answer)

    def keep(self, key: str, answer: KeptAnswer, now: datetime) -> None:
        """The in-flight request of ``key`` was answered: keep the answer for :data:`KEPT_FOR`."""
        record = self._records.get(key)
        if record is None or record.answer is not None:
            return
        record.answer, record.expires = answer, now + KEPT_FOR
        heapq.heappush(self._expiry, (record.expires, key))

    def release(self, key: str) -> None:
        """The in-flight request of ``key`` ended without an answer to keep (a 429, a crash):
        the key is free for a fresh attempt."""
        record = self._records.get(key)
        if record is not None and record.answer is None:
            del self._records[key]

    def _forget_lapsed(self, now: datetime) -> None:
        while self._expiry and self._expiry[0][0] <= now:
            expires, key = heapq.heappop(self._expiry)
            record = self._records.get(key)
            if record is not None and record.expires == expires:
                del self._records[key]
